package main

import (
	"fmt"
	"time"

	"github.com/atrun/atrun/engine"
	"github.com/atrun/atrun/luabind"
)

// runReporter is where a run's events go: the human format or JSON lines.
type runReporter interface {
	luabind.Reporter
	// Notice is the CLI's own remark about the run (an unused --set).
	Notice(msg string)
	// Dropped reports the URCs the engine's full queue dropped.
	Dropped(d engine.DropReport)
	// Finish reports the run's outcome; res is nil when it never started.
	Finish(res *luabind.Result, err error)
}

// humanDuration writes d the way people read it: 340 µs, 12 ms, 1.2 s.
func humanDuration(d time.Duration) string {
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
