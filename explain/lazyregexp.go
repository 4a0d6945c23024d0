package explain

import (
	"regexp"
	"sync"
)

// lazyRegexp compiles expr on first use, not at package initialisation:
// every command links this package, most never match against it, and
// compiling at init cost start-up for all of them.
func lazyRegexp(expr string) func() *regexp.Regexp {
	return sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(expr) })
}
