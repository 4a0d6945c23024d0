// Package lazyre gives regular expressions compiled on first use.
//
// Every atrun command links every package, and most commands never match
// against most of their expressions: compiled at package initialisation
// they cost the start-up of all of them (docs/performance.md, "Start-up").
package lazyre

import (
	"regexp"
	"sync"
)

// New returns a function that compiles expr the first time it is called
// and returns the same *regexp.Regexp after that. Like regexp.MustCompile
// it panics on a bad expression, but on first use: a test that uses each
// expression catches that.
func New(expr string) func() *regexp.Regexp {
	return sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(expr) })
}
