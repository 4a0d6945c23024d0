package codes

import (
	"strings"
	"sync"
)

// Form is the shape of an AT command: execute, read, test or write.
type Form int

const (
	Exec  Form = iota // AT+X (and basic commands such as ATI, ATE0)
	Read              // AT+X?
	Test              // AT+X=?
	Write             // AT+X=<params>
)

// Command is a parsed AT command line.
type Command struct {
	// Name is the upper-case extended name with its sign ("+QMTOPEN",
	// "&V"), or the basic command letter ("I", "E"), or "" for a bare "AT".
	Name string
	Form Form
	// Args is what follows "=" in a write form.
	Args string
}

// ParseCommand splits an AT command line. It reports false when the line
// does not start with "AT" (in any case). Only the first command of a
// ";"-joined line is parsed: it is the one whose answer comes first.
func ParseCommand(line string) (Command, bool) {
	s := strings.TrimSpace(line)
	if len(s) < 2 || !strings.EqualFold(s[:2], "AT") {
		return Command{}, false
	}
	s = s[2:]
	if s == "" {
		return Command{}, true
	}
	if !isNameSign(s[0]) {
		return Command{Name: strings.ToUpper(s[:1]), Form: Exec}, true
	}
	name, rest := cutName(s)
	c := Command{Name: strings.ToUpper(name)}
	switch {
	case strings.HasPrefix(rest, "=?"):
		c.Form = Test
	case strings.HasPrefix(rest, "?"):
		c.Form = Read
	case strings.HasPrefix(rest, "="):
		c.Form = Write
		c.Args = strings.TrimSpace(rest[1:])
		if i := strings.IndexByte(c.Args, ';'); i >= 0 && !strings.Contains(c.Args[:i], `"`) {
			c.Args = c.Args[:i]
		}
	}
	return c, true
}

// isNameSign reports whether b starts an extended or ampersand command name.
func isNameSign(b byte) bool {
	return b == '+' || b == '&' || b == '$' || b == '#' || b == '%' || b == '^' || b == '*'
}

// cutName splits "+QMTOPEN=0,..." into "+QMTOPEN" and "=0,...". The name
// runs to the first "=", "?", ";" or space.
func cutName(s string) (string, string) {
	i := strings.IndexAny(s, "=?; \t")
	if i < 0 {
		return s, ""
	}
	return s[:i], strings.TrimSpace(s[i:])
}

// ResponsePrefix returns the prefix that marks the information lines
// answering command ("+CSQ:" for "AT+CSQ", "+CREG:" for "at+creg?"), or ""
// for a basic command (ATI, AT&V) whose answer has no prefix. Compare it
// case-insensitively: one firmware in the logs answers "+cclk:".
func ResponsePrefix(command string) string {
	c, ok := ParseCommand(command)
	if !ok || !strings.HasPrefix(c.Name, "+") || len(c.Name) < 2 {
		return ""
	}
	return c.Name + ":"
}

// asyncResults() names the commands whose outcome arrives as an unsolicited
// line after OK, under the command's own name. Their write form answers OK
// at once; the line with their prefix that follows is a URC, not a response.
var asyncResults = sync.OnceValue(func() map[string]bool {
	return map[string]bool{
		"+QMTOPEN":  true,
		"+QMTCLOSE": true,
		"+QMTCONN":  true,
		"+QMTDISC":  true,
		"+QMTSUB":   true,
		"+QMTUNS":   true,
		"+QMTPUB":   true,
		"+QMTPUBEX": true,
		"+QIOPEN":   true,
		"+QSSLOPEN": true,
		"+QPING":    true,
		"+QNTP":     true,
		"+QHTTPGET": true,
	}
})

// AsyncResult reports whether the line answering command with the command's
// own prefix is an asynchronous result (a URC) rather than a response: true
// for the write form of AT+QMTOPEN, AT+QMTCONN, AT+QMTPUB and their kin.
// Read and test forms (AT+QMTCONN?) answer synchronously.
func AsyncResult(command string) bool {
	c, ok := ParseCommand(command)
	return ok && c.Form == Write && asyncResults()[c.Name]
}
