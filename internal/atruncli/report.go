package atruncli

import (
	"github.com/atrun/atrun/luabind"
	"github.com/atrun/atrun/session"
)

// runReporter is where a run's events go: the human format or JSON lines.
type runReporter interface {
	session.Reporter
	// Finish reports the run's outcome; res is nil when it never started.
	Finish(res *luabind.Result, err error)
}
