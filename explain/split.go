package explain

import (
	"strings"

	"github.com/atrun/atrun/engine/codes"
)

// maxWord is the length of the longest result word (codes' final
// results and whole-word URCs, "UNDER-VOLTAGE POWER DOWN"): a glued word
// is looked for no further into a line.
const maxWord = 24

// isWord reports whether s is a final result or an unsolicited whole-word
// line, as engine/codes knows them ("OK", "SEND OK", "RDY", "POWERED
// DOWN").
func isWord(s string) bool {
	if _, ok := codes.ParseFinal(s); ok {
		return !strings.Contains(s, ":") // +CME ERROR: 4 takes the rest of the line
	}
	return !strings.Contains(s, ":") && codes.IsURC(s)
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

// cutGluedWord splits a leading result word off s when new text follows
// it ("SEND OKAT+QIRD=0,0", "OK +QMTDISC: 0,0"). The longest word wins,
// so "SEND OK" is not cut as "SEND".
func cutGluedWord(s string) (word, rest string, ok bool) {
	if s == "" || s[0] < 'A' || s[0] > 'Z' {
		return "", "", false // every result word is upper case
	}
	for i := min(len(s)-1, maxWord); i >= 2; i-- {
		if !mayStartText(s, i) {
			continue
		}
		w := s[:i]
		if w != strings.TrimSpace(w) || !isWord(w) {
			continue
		}
		next := strings.TrimLeft(s[i:], " ")
		if startsNewText(next) {
			return w, next, true
		}
		return "", "", false
	}
	return "", "", false
}

// mayStartText is a cheap test of whether new text can begin at s[i]:
// a space, an information line, a print or a command.
func mayStartText(s string, i int) bool {
	switch c := s[i]; c {
	case ' ', '+', '[', '#', '/', '-', '=', '*':
		return true
	case 'A', 'a':
		return i+1 < len(s) && (s[i+1] == 'T' || s[i+1] == 't')
	}
	return false
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
	for i := min(len(s), maxWord); i >= 2; i-- {
		if isWord(s[:i]) && (i == len(s) || s[i] == ' ') {
			return true
		}
	}
	_, final := codes.ParseFinal(s)
	return final || codes.IsURC(s)
}

// splitTrailingFinal cuts a final result off the end of payload typed
// after a prompt (">This is publish data from client OK").
func splitTrailingFinal(s string) (string, string) {
	for j := max(len(s)-maxWord-1, 0); j < len(s); j++ {
		if s[j] != ' ' {
			continue
		}
		if f, ok := codes.ParseFinal(s[j+1:]); ok && !strings.Contains(f.Text, ":") {
			return s[:j], s[j+1:]
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
