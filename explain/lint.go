package explain

import (
	"strings"
	"unicode/utf8"

	"github.com/atrun/atrun/internal/lazyre"
)

// quotedCipher is a cipher suite given as a quoted string; the modem wants
// a bare hex number.
var quotedCipher = lazyre.New(`(?i)"ciphersuite"\s*,\s*\d+\s*,\s*"`)

// lint points out what in a command line will make the modem refuse it.
func lint(cmd string) (meaning, hint string) {
	switch {
	case strings.ContainsAny(cmd, "\u201c\u201d\u2018\u2019"):
		return "the line holds typographic quotes (“ ”), which are not quotes to the modem (or a forum put them into the log)",
			"type the quotes as ASCII \" (0x22); text copied from web pages and forums carries the typographic ones"
	case !utf8.ValidString(cmd) || hasNonASCII(cmd):
		return "the command holds non-ASCII or control bytes",
			"a backspace or DEL typed at the terminal reaches the modem as a byte: type the command again"
	case quotedCipher().MatchString(cmd):
		return "the cipher suite is quoted: the modem wants a bare hex number",
			"write it as 0XFFFF, without quotes"
	}
	return "", ""
}

// hasNonASCII reports a byte outside printable ASCII.
func hasNonASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7e {
			return true
		}
	}
	return false
}
