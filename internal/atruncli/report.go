package atruncli

import (
	"time"

	"github.com/atrun/atrun/luabind"
	"github.com/atrun/atrun/replay"
	"github.com/atrun/atrun/session"
)

// runReporter is where a run's events go: the human format or JSON lines.
type runReporter interface {
	session.Reporter
	// Finish reports the run's outcome; res is nil when it never started.
	Finish(res *luabind.Result, err error)
}

// humanDuration writes d the way people read it: 340 µs, 12 ms, 1.2 s.
func humanDuration(d time.Duration) string { return replay.HumanDuration(d) }
