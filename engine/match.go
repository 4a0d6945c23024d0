package engine

import (
	"regexp"
	"strings"
)

// Matcher decides whether a frame's text is the one a caller waits for. Its
// description names it in errors and traces.
type Matcher struct {
	desc  string
	match func(text string) bool
}

// Prefix matches text that starts with p: the common case, so that a script
// writes "+QMTOPEN:" without escaping anything.
func Prefix(p string) Matcher {
	return Matcher{desc: p, match: func(s string) bool { return strings.HasPrefix(s, p) }}
}

// Regexp matches text that re matches.
func Regexp(re *regexp.Regexp) Matcher {
	return Matcher{desc: "/" + re.String() + "/", match: re.MatchString}
}

// MatchFunc matches text for which f returns true; desc names it.
func MatchFunc(desc string, f func(text string) bool) Matcher {
	return Matcher{desc: desc, match: f}
}

// Match reports whether text matches; the zero Matcher matches everything.
func (m Matcher) Match(text string) bool { return m.match == nil || m.match(text) }

func (m Matcher) String() string {
	if m.match == nil {
		return "any frame"
	}
	return m.desc
}
