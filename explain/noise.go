package explain

import "strings"

// noise adds s as noise if it is an application print or damaged bytes,
// and reports whether it did. A print quoting a modem line the log does not
// show elsewhere yields that line.
func (c *classifier) noise(s string) bool {
	if m := unhandled().FindStringSubmatch(s); m != nil && isPrint(s) {
		inner := strings.TrimSpace(m[1])
		if !c.seen(inner) && isModemShaped(inner) {
			c.result(inner)
			return true
		}
		c.add(Entry{Kind: KindNoise, Text: s, Meaning: "library print repeating the modem line " + quote(inner)})
		return true
	}
	if isPrint(s) || isPunctuation(s) && s != ">" {
		if c.cmd != nil {
			c.cmd.quiet = true
		}
		c.add(Entry{Kind: KindNoise, Text: s})
		return true
	}
	if m := lineNoise(s); m != "" {
		c.add(Entry{Kind: KindNoise, Text: s, Meaning: m})
		return true
	}
	return false
}

// seen reports whether s was among the last modem lines.
func (c *classifier) seen(s string) bool {
	for _, r := range c.recent {
		if strings.EqualFold(r, s) {
			return true
		}
	}
	return false
}

// quote wraps s in double quotes for a message.
func quote(s string) string { return `"` + s + `"` }
