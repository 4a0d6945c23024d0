package codes

import (
	"strconv"
	"strings"
)

// info is an information line split into its name and parameters:
// `+QMTOPEN: 0,"host",8883` has name "+QMTOPEN" and three params.
type info struct {
	name   string   // upper case, with the leading "+"
	params []string // as sent, trimmed; quoted values keep their quotes
}

// parseInfo splits a "+NAME: p1,p2,..." line. The space after the colon is
// optional (one firmware sends "+QCSCON:0,0").
func parseInfo(line string) (info, bool) {
	s := strings.TrimSpace(line)
	if len(s) < 3 || s[0] != '+' {
		return info{}, false
	}
	colon := strings.IndexByte(s, ':')
	if colon < 2 || !isName(s[1:colon]) {
		return info{}, false
	}
	in := info{name: strings.ToUpper(s[:colon])}
	if rest := strings.TrimSpace(s[colon+1:]); rest != "" {
		in.params = Params(rest)
	}
	return in, true
}

// isName reports whether s looks like a command name: letters, digits and
// the odd "_" or "-".
func isName(s string) bool {
	for i := 0; i < len(s); i++ {
		b := s[i]
		if !(b >= 'A' && b <= 'Z' || b >= 'a' && b <= 'z' || b >= '0' && b <= '9' || b == '_' || b == '-') {
			return false
		}
	}
	return s != ""
}

// param returns the i-th parameter, or "" when there are fewer.
func (in info) param(i int) string {
	if i < 0 || i >= len(in.params) {
		return ""
	}
	return in.params[i]
}

// intParam returns the i-th parameter as an integer.
func (in info) intParam(i int) (int, bool) {
	p := in.param(i)
	if p == "" || isQuoted(p) {
		return 0, false
	}
	n, err := strconv.Atoi(p)
	return n, err == nil
}

// isQuoted reports whether p is a quoted string (either quote style).
func isQuoted(p string) bool {
	q, _ := openQuote(p)
	return q
}

// unquote strips surrounding quotes of either style.
func unquote(p string) string { return Unquote(p) }

// isTestAnswer reports whether the parameters list ranges, as the answer to
// a test command does ("(0-5)", "(1-65536)"): there is nothing to decode.
func (in info) isTestAnswer() bool {
	for _, p := range in.params {
		if strings.HasPrefix(p, "(") {
			return true
		}
	}
	return false
}

// atoi parses a trimmed decimal integer.
func atoi(s string) (int, error) { return strconv.Atoi(strings.TrimSpace(s)) }

// itoa is strconv.Itoa, short because the decoders() use it often.
func itoa(n int) string { return strconv.Itoa(n) }
