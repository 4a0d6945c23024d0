package explain

import (
	"strings"

	"github.com/atrun/atrun/engine/codes"
)

// gluedWords are results and URCs that edited or damaged logs glue to the
// next text ("OK +QMTDISC: 0,0", "SEND OKAT+QIRD=0,0", "POWERED DOWN[6036]
// ### ..."). Longer words come first so "SEND OK" wins over "OK".
var gluedWords = []string{
	"POWERED DOWN", "NO CARRIER", "SEND FAIL", "SEND OK", "APP RDY", "CONNECT", "ERROR", "RDY", "OK",
}

// splitGlued cuts a line holding several modem texts into its parts. In
// data mode a payload may run into the pending command's response
// ("<data> +QFUPL: 1758,384a").
func splitGlued(s, prefix string, data bool) []string {
	var parts []string
	if data && prefix != "" {
		if i := indexFold(s, " "+prefix); i > 0 {
			parts = append(parts, s[:i])
			s = strings.TrimSpace(s[i:])
		}
	}
	for {
		word, rest, ok := cutGluedWord(s)
		if !ok {
			return append(parts, s)
		}
		parts = append(parts, word)
		s = rest
	}
}

// cutGluedWord splits a leading result word off s when new text follows it.
func cutGluedWord(s string) (word, rest string, ok bool) {
	for _, w := range gluedWords {
		r, found := strings.CutPrefix(s, w)
		if !found || r == "" {
			continue
		}
		next := strings.TrimLeft(r, " ")
		if startsNewText(next) {
			return w, next, true
		}
		return "", "", false
	}
	return "", "", false
}

// startsNewText reports whether s, found right after a result word, is a
// new line of modem text or a print rather than the word's own tail.
func startsNewText(s string) bool {
	if s == "" {
		return false
	}
	if s[0] == '+' || isPrint(s) || isATLine(s) {
		return true
	}
	for _, w := range gluedWords {
		if rest, ok := strings.CutPrefix(s, w); ok && (rest == "" || rest[0] == ' ') {
			return true
		}
	}
	_, final := codes.ParseFinal(s)
	return final || codes.IsURC(s)
}

// splitTrailingFinal cuts a final result off the end of payload typed
// after a prompt (">This is publish data from client OK").
func splitTrailingFinal(s string) (string, string) {
	for _, w := range []string{"SEND OK", "SEND FAIL", "ERROR", "OK"} {
		if head, ok := strings.CutSuffix(s, " "+w); ok {
			return head, w
		}
	}
	return s, ""
}

// indexFold is strings.Index ignoring case. It compares in place, since
// changing the case of non-ASCII text can change its length in bytes.
func indexFold(s, sub string) int {
	for i := 0; i+len(sub) <= len(s); i++ {
		if strings.EqualFold(s[i:i+len(sub)], sub) {
			return i
		}
	}
	return -1
}
