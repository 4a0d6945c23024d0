// Package ansi holds the terminal colours atrun's output uses, for the
// command line and the trace alike; whether to use them is the caller's
// choice (a terminal, and no NO_COLOR).
package ansi

// The colours, as escape sequences.
const (
	Reset  = "\x1b[0m"
	Dim    = "\x1b[2m"
	Red    = "\x1b[31m"
	Green  = "\x1b[32m"
	Yellow = "\x1b[33m"
	Cyan   = "\x1b[36m"
)

// Paint wraps s in colour when on is true, and returns s as it is when not.
func Paint(on bool, colour, s string) string {
	if !on {
		return s
	}
	return colour + s + Reset
}
