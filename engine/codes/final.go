package codes

import (
	"sort"
	"strconv"
	"strings"
	"sync"
)

// Final is a decoded final result line: the line that ends a command.
type Final struct {
	// Kind is "OK", "ERROR", "CME", "CMS", "CONNECT", "NO CARRIER", "BUSY",
	// "NO ANSWER", "NO DIALTONE", "SEND OK", "SEND FAIL", or SIMCom's
	// "SHUT OK" and "CLOSE OK".
	Kind string
	// Code is the error number of a numeric +CME/+CMS ERROR, -1 otherwise
	// (including the verbose AT+CMEE=2 form, which carries no number).
	Code int
	// Text is the line as the modem sent it, without surrounding space.
	Text string
	// Meaning is the decoded text: the table meaning of a numeric code (or
	// the subsystem of an unlisted one), the modem's own words for a verbose
	// error, a short description for the other kinds.
	Meaning string
	// Success is true for OK, CONNECT, SEND OK, SHUT OK and CLOSE OK.
	Success bool
}

// finalWord describes a final result that is a fixed word.
type finalWord struct {
	kind    string
	meaning string
	success bool
}

// finalWords() are the final results that are whole lines. SEND OK and SEND
// FAIL end a socket send (AT+QISEND) the way OK ends other commands.
var finalWords = sync.OnceValue(func() map[string]finalWord {
	return map[string]finalWord{
		"OK":          {"OK", "", true},
		"ERROR":       {"ERROR", "command rejected (no error code: unknown command, bad syntax or value, or AT+CMEE=0)", false},
		"CONNECT":     {"CONNECT", "entering data mode: the modem now takes raw bytes", true},
		"NO CARRIER":  {"NO CARRIER", "the connection ended or could not be set up", false},
		"BUSY":        {"BUSY", "the called party is busy", false},
		"NO ANSWER":   {"NO ANSWER", "no answer from the called party", false},
		"NO DIALTONE": {"NO DIALTONE", "no dial tone", false},
		"SEND OK":     {"SEND OK", "", true},
		"SEND FAIL":   {"SEND FAIL", "the data could not be sent: the connection is broken or its buffer is full", false},
		// SIMCom (SIM800, SIM7000): AT+CIPSHUT and AT+CIPCLOSE answer
		// these instead of OK (docs/at-reference/simcom-ip.md).
		"SHUT OK":  {"SHUT OK", "the IP stack is shut down: every connection closed and the PDP context deactivated (AT+CIPSHUT)", true},
		"CLOSE OK": {"CLOSE OK", "the connection is closed (AT+CIPCLOSE)", true},
	}
})

// numericFinals() maps ATV0 result digits to their verbose words.
var numericFinals = sync.OnceValue(func() map[string]string {
	return map[string]string{
		"0": "OK",
		"1": "CONNECT",
		"3": "NO CARRIER",
		"4": "ERROR",
		"6": "NO DIALTONE",
		"7": "BUSY",
		"8": "NO ANSWER",
	}
})

// ParseFinal recognises a final result line. It accepts the line with or
// without its CR/LF and surrounding spaces. "CONNECT" may carry a rate
// ("CONNECT 115200"). It reports false for anything else, including
// intermediate lines and URCs.
func ParseFinal(line string) (Final, bool) {
	text := strings.TrimSpace(line)
	if w, ok := finalWords()[text]; ok {
		return Final{Kind: w.kind, Code: -1, Text: text, Meaning: w.meaning, Success: w.success}, true
	}
	if rate, ok := strings.CutPrefix(text, "CONNECT "); ok && isDigits(rate) {
		return Final{Kind: "CONNECT", Code: -1, Text: text, Meaning: "entering data mode at " + rate + " bit/s", Success: true}, true
	}
	if rest, ok := cutErrorPrefix(text, "+CME ERROR:"); ok {
		return errorFinal("CME", text, rest, CME, CMERange), true
	}
	if rest, ok := cutErrorPrefix(text, "+CMS ERROR:"); ok {
		return errorFinal("CMS", text, rest, CMS, CMSRange), true
	}
	return Final{}, false
}

// ParseNumericFinal recognises an ATV0 result code ("0", "4" ...). It is kept
// apart from ParseFinal because a bare digit is only a result code when the
// caller knows the modem is in numeric mode.
func ParseNumericFinal(line string) (Final, bool) {
	word, ok := numericFinals()[strings.TrimSpace(line)]
	if !ok {
		return Final{}, false
	}
	f, _ := ParseFinal(word)
	return f, true
}

// cutErrorPrefix strips an error prefix, tolerating lower case (one module in
// the logs answers in lower case) and a missing space after the colon.
func cutErrorPrefix(text, prefix string) (string, bool) {
	if len(text) < len(prefix) || !strings.EqualFold(text[:len(prefix)], prefix) {
		return "", false
	}
	return strings.TrimSpace(text[len(prefix):]), true
}

// errorFinal builds the Final of a +CME/+CMS ERROR line from what follows the
// colon: a number, or the verbose text of AT+CMEE=2.
func errorFinal(kind, text, rest string, meaning func(int) string, rangeOf func(int) string) Final {
	f := Final{Kind: kind, Code: -1, Text: text}
	n, err := strconv.Atoi(rest)
	if err != nil || !isDigits(rest) {
		f.Meaning = rest
		return f
	}
	f.Code = n
	f.Meaning = meaning(n)
	if f.Meaning == "" {
		f.Meaning = unknownCode(rangeOf(n), n)
	}
	return f
}

// unknownCode words a number the tables do not hold.
func unknownCode(rangeText string, n int) string {
	if rangeText == "" {
		return "unknown error " + strconv.Itoa(n)
	}
	return rangeText + " " + strconv.Itoa(n) + " (not in the tables)"
}

// isDigits reports whether s is a non-empty run of ASCII digits.
func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// Result is how a final result ends a command, for a router that needs no
// more than that.
type Result uint8

const (
	NotFinal Result = iota // not a final result
	Success                // OK, SEND OK
	Failure                // ERROR, +CME ERROR, +CMS ERROR, NO CARRIER, BUSY, ...
	Connect                // CONNECT [<n>]: the modem enters data mode
)

// finalFirst() marks the bytes a final result can start with, so that
// ResultOf, which a router runs on every line, rejects most lines at once.
var finalFirst = sync.OnceValue(func() *[256]bool {
	var t [256]bool
	for w := range finalWords() {
		t[w[0]] = true
	}
	t['+'] = true
	return &t
})

// ResultOf tells how line ends a command: the same decision as ParseFinal,
// without decoding the meaning. The line is taken as it is (a router's
// lines carry no CR/LF); surrounding spaces are tolerated as ParseFinal
// does.
func ResultOf(line string) Result {
	// The quick refusal looks at the first byte only when it cannot be
	// space that TrimSpace removes (ASCII control or space, or the first
	// byte of U+0085/U+00A0), so it agrees with ParseFinal.
	if line == "" || !finalFirst()[line[0]] && line[0] > ' ' && line[0] < 0x80 {
		return NotFinal
	}
	text := strings.TrimSpace(line)
	if text == "" {
		return NotFinal
	}
	if w, ok := finalWords()[text]; ok {
		switch {
		case w.kind == "CONNECT":
			return Connect
		case w.success:
			return Success
		}
		return Failure
	}
	if rate, ok := strings.CutPrefix(text, "CONNECT "); ok && isDigits(rate) {
		return Connect
	}
	if _, ok := cutErrorPrefix(text, "+CME ERROR:"); ok {
		return Failure
	}
	if _, ok := cutErrorPrefix(text, "+CMS ERROR:"); ok {
		return Failure
	}
	return NotFinal
}

// ConnectCount returns the byte count of a `CONNECT <n>` line: AT+QFREAD
// announces so how many bytes of the file follow. A plain CONNECT has none.
func ConnectCount(line string) (int, bool) {
	rest, ok := strings.CutPrefix(strings.TrimSpace(line), "CONNECT ")
	if !ok {
		return 0, false
	}
	return count(rest)
}

// gluedFinals() are the final results a modem may send with the next
// command's echo glued to them (`SEND OKAT+QIRD=0,0`), longest first so that
// SEND OK is not taken for a shorter word.
var gluedFinals = sync.OnceValue(func() []string {
	var out []string
	for w := range finalWords() {
		out = append(out, w)
	}
	sort.Slice(out, func(i, j int) bool {
		if len(out[i]) != len(out[j]) {
			return len(out[i]) > len(out[j])
		}
		return out[i] < out[j]
	})
	return out
})

// SplitGlued splits a line that is a final result word followed at once by
// the next command's echo ("OKAT+CSQ" -> "OK", "AT+CSQ").
func SplitGlued(line string) (final, rest string, ok bool) {
	if len(line) < 4 || !finalFirst()[line[0]] || line[0] == '+' {
		return "", "", false
	}
	for _, w := range gluedFinals() {
		r, found := strings.CutPrefix(line, w)
		if found && len(r) >= 2 && strings.EqualFold(r[:2], "AT") {
			return w, r, true
		}
	}
	return "", "", false
}

// FinalWords returns the final results that are whole lines (OK, ERROR,
// CONNECT, NO CARRIER ...).
func FinalWords() []string { return append([]string(nil), gluedFinals()...) }
