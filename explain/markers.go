package explain

import (
	"strings"

	"github.com/atrun/atrun/internal/lazyre"
)

// Direction markers: how traces of driver libraries say who wrote a line.
var (
	// chevronLine is ">>" sent and "<<" received, optionally after a tag
	// ("bgxx: >> AT").
	chevronLine = lazyre.New(`^(?:>\s*)?(?:[\w.-]+:\s*)?(>>|<<) ?(.*)$`)
	// arrowLine is "<-" sent and "->" received, or the longer "--->" and
	// "<---", possibly after text the application printed without a line
	// end ("Found \t---> AT+GSN").
	arrowLine = lazyre.New(`^(.*?)\s*(--->|<---|<-|->) ?(.*)$`)
	// hostLabel and modemLabel are libraries that say it in words: Zephyr's
	// modem_chat ("sending: AT", "modem_chat_log_received_command: OK",
	// "..._unknown_command_received: RDY"), eg25-manager ("Successfully
	// sent command: AT", "Response: [OK]").
	hostLabel  = lazyre.New(`(?i)(?:^|[\s_])(?:sending|sent command|sent|tx): ?(.*)$`)
	modemLabel = lazyre.New(`(?i)(?:^|[\s_])(?:received_command|command_received|received|response|rx): ?(.*)$`)
	// quotedSend and quotedReceive are drivers that quote the buffer:
	// 'SIM800L : Send "AT"' and 'Receive "AT' whose quote closes on a
	// later line, after everything the modem sent.
	quotedSend    = lazyre.New(`(?:^|\s)Send "(.*)"\s*$`)
	quotedReceive = lazyre.New(`(?:^|\s)Receive "(.*)$`)
)

// arrowDirs maps a marker to the side that produced the line.
var arrowDirs = map[string]Dir{">>": Host, "<-": Host, "--->": Host, "<<": Modem, "->": Modem, "<---": Modem}

// marked is a line with a direction marker: what the application printed
// before the marker (usually nothing), the direction and the text.
type marked struct {
	before string
	dir    Dir
	text   string
}

// cutArrow reads a ">>"/"<<" or arrow marker.
func cutArrow(l string) (marked, bool) {
	if m := chevronLine().FindStringSubmatch(l); m != nil {
		return marked{dir: arrowDirs[m[1]], text: m[2]}, true
	}
	m := arrowLine().FindStringSubmatch(l)
	if m == nil {
		return marked{}, false
	}
	// Text before the marker must be separated from it, as a print with
	// no line end is ("Found \t---> "): "a->b" is not a marker.
	if m[1] != "" && !strings.ContainsAny(l[len(m[1]):len(m[1])+1], " \t") {
		return marked{}, false
	}
	return marked{before: strings.TrimSpace(m[1]), dir: arrowDirs[m[2]], text: m[3]}, true
}

// cutLabel reads a direction said in words. A response folded onto one
// line ("[+QCFG: 1\r\n\r\nOK]") loses its brackets; its escapes are
// undone by the caller.
func cutLabel(l string) (marked, bool) {
	if m := quotedSend().FindStringSubmatch(l); m != nil {
		return marked{dir: Host, text: m[1]}, true
	}
	h := hostLabel().FindStringSubmatchIndex(l)
	m := modemLabel().FindStringSubmatchIndex(l)
	switch {
	case h != nil && (m == nil || h[0] <= m[0]):
		return marked{dir: Host, text: strings.TrimSpace(l[h[2]:h[3]])}, true
	case m != nil:
		text := strings.TrimSpace(l[m[2]:m[3]])
		if strings.HasPrefix(text, "[") && strings.HasSuffix(text, "]") {
			text = text[1 : len(text)-1]
		}
		return marked{dir: Modem, text: text}, true
	}
	return marked{}, false
}

// isLabelLine reports whether l names the direction of AT traffic in
// words; detection counts them. A host label must carry a command, so
// that a print such as "Data sent: 12 bytes" does not count.
func isLabelLine(l string) bool {
	if quotedSend().MatchString(l) || quotedReceive().MatchString(l) {
		return true
	}
	if m, ok := cutLabel(l); ok {
		return m.dir == Modem || isATLine(m.text)
	}
	return false
}
