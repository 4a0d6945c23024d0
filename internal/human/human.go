// Package human words values for a person reading atrun's output, the same
// way in every command: durations, counts.
package human

import (
	"fmt"
	"time"
)

// Duration writes d the way people read it: 340 µs, 12 ms, 1.2 s.
func Duration(d time.Duration) string {
	switch {
	case d < time.Millisecond:
		return fmt.Sprintf("%d µs", d.Microseconds())
	case d < time.Second:
		return fmt.Sprintf("%d ms", d.Milliseconds())
	case d < time.Minute:
		return fmt.Sprintf("%.1f s", d.Seconds())
	}
	return d.Round(time.Second).String()
}

// Plural writes a count and its noun: "1 transcript", "2 transcripts".
func Plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
