package explain

import (
	"strings"

	"github.com/atrun/atrun/engine/codes"
	"github.com/atrun/atrun/internal/lazyre"
)

// isATLine reports whether s is an AT command line: "AT" alone, or "AT"
// followed by a command sign or a basic command letter. A word such as
// "ATTENTION please" is not one: a basic command has no space before "=".
func isATLine(s string) bool {
	if len(s) < 2 || !strings.EqualFold(s[:2], "AT") {
		return false
	}
	if len(s) == 2 {
		return true
	}
	c := s[2]
	switch {
	case strings.IndexByte("+&$#%^*\\", c) >= 0:
		return true
	case isLetter(c) || c >= '0' && c <= '9':
		head, _, _ := strings.Cut(s, "=")
		return !strings.ContainsAny(head, " \t")
	}
	return false
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

// infoLine matches an information line's name: "+CSQ:", "+QCSCON:".
// "*ATREADY:" (SIMCom) and "+APP PDP:" (a space in the name) are seen too.
var infoLine = lazyre.New(`^[+*][A-Za-z][A-Za-z0-9_-]*(?: [A-Za-z][A-Za-z0-9_-]*)?:`)

// isInfoLine reports whether s starts like an information line.
func isInfoLine(s string) bool { return infoLine().MatchString(s) }

// infoName returns the upper-case name of an information line ("+CSQ").
func infoName(s string) string {
	m := infoLine().FindString(s)
	return strings.ToUpper(strings.TrimSuffix(m, ":"))
}

// isModemShaped reports whether s looks like something a modem says on its
// own, so that with no command pending it is a URC and not a print.
func isModemShaped(s string) bool {
	if _, ok := codes.ParseFinal(s); ok {
		return true
	}
	return isInfoLine(s) || codes.IsURC(s)
}

// vendorOK is a success result some firmware ends a command with instead
// of OK: "SHUT OK" (SIMCom AT+CIPSHUT), "CLOSE OK".
var vendorOK = lazyre.New(`^[A-Z]{2,} OK$`)

// noResponseCommand matches commands that never have an information
// response: AT alone, echo, verbose and quiet modes, factory reset, the
// &-settings (ATE0, AT&FZE0, AT&C1).
var noResponseCommand = lazyre.New(`(?i)^AT(?:[EVQZ]\d?|&[FWCDK]\d?)*\s*$`)

// noResponse reports whether cmd never has an information response, so
// a line arriving before its result is unsolicited or a print.
func noResponse(cmd string) bool { return noResponseCommand().MatchString(cmd) }

// bannerWords is a status line of upper-case words, as modems announce
// their state on their own ("SMS DONE", "PB DONE", "CALL READY").
var bannerWords = lazyre.New(`^[A-Z]{2,}(?: [A-Z]{2,})+!?$`)

// nmeaSentence is a GNSS sentence a modem streams on its AT port.
var nmeaSentence = lazyre.New(`^\$[A-Z]{5},.*\*[0-9A-F]{2}$`)

// isUnsolicitedShape reports text that only a modem sends on its own,
// though no table lists it: a status banner or an NMEA sentence.
func isUnsolicitedShape(s string) bool {
	return bannerWords().MatchString(s) || nmeaSentence().MatchString(s)
}

// isPunctuation reports a line with no letter or digit: a progress dot,
// a separator.
func isPunctuation(s string) bool {
	for _, r := range s {
		if r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r > 0x7f {
			return false
		}
	}
	return s != ""
}

// hasPrefixFold is strings.HasPrefix ignoring case; one firmware answers
// "+cclk:" to "at+cclk?".
func hasPrefixFold(s, prefix string) bool {
	return prefix != "" && len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

// sameCommand reports whether an echo repeats the command.
func sameCommand(cmd, echo string) bool {
	return strings.EqualFold(strings.TrimSpace(cmd), strings.TrimSpace(echo))
}

// printStarts are how application and library prints begin: no modem line
// starts this way. "[" covers "[INFO]", "[8972] ###", "[24647] - success";
// "#" covers library banners and comments added to a log; "---" marks
// separators typed into notes.
var printStarts = []string{"#", "//", "[", "---", "===", "***"}

// isPrint reports whether s is an application print rather than modem text.
func isPrint(s string) bool {
	for _, p := range printStarts {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

// unhandled finds the modem text a library print quotes:
// "[8972] ### Unhandled: RDY".
var unhandled = lazyre.New(`(?i)#+\s*unhandled:?\s*(.+)$`)

// lineNoise explains a damaged line while a command is pending: the tail of
// a final result whose first bytes were lost ("RROR").
func lineNoise(s string) string {
	if len(s) >= 2 && len(s) < len("ERROR") && strings.HasSuffix("ERROR", s) {
		return "line noise: the end of an ERROR whose first bytes were lost"
	}
	return ""
}
