// Package tap defines how bytes crossing a port are observed: the engine calls
// a Sink for every read and write, and the transcript recorder and the trace
// printer are Sinks.
package tap

import (
	"sync"
	"time"
)

// Dir is the direction of bytes on the port.
type Dir byte

const (
	// ToModem marks bytes the host wrote.
	ToModem Dir = 'w'
	// FromModem marks bytes the host read.
	FromModem Dir = 'r'
)

func (d Dir) String() string {
	if d == ToModem {
		return "to modem"
	}
	return "from modem"
}

// Sink sees every byte crossing the port, in order, with the time it
// crossed. The engine serialises calls; a Sink must not block for long and
// must not keep p after returning.
type Sink interface {
	Tap(dir Dir, at time.Time, p []byte)
}

// Marker is a Sink that also records named points of a session between
// bytes (a transcript recorder does). The engine calls Mark in wire order
// with Tap: every byte seen before the call came before the point.
type Marker interface {
	Mark(at time.Time, name string)
}

// MarkDrained names the point where the engine's clean start stopped
// draining what an earlier program left: what the modem sent before it
// was drained, what it sent after it was not. A replay ends its drain
// there.
const MarkDrained = "drained"

// Func adapts a function to Sink.
type Func func(dir Dir, at time.Time, p []byte)

// Tap calls f.
func (f Func) Tap(dir Dir, at time.Time, p []byte) { f(dir, at, p) }

// Multi fans one stream out to several sinks (nil ones are skipped), in
// order, serialising the calls. It is a Marker: marks go to the sinks that
// are.
func Multi(sinks ...Sink) Sink {
	return &multi{sinks: sinks}
}

type multi struct {
	mu    sync.Mutex
	sinks []Sink
}

func (m *multi) Tap(dir Dir, at time.Time, p []byte) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, s := range m.sinks {
		if s != nil {
			s.Tap(dir, at, p)
		}
	}
}

// Mark passes the mark on to the sinks that record marks.
func (m *multi) Mark(at time.Time, name string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, s := range m.sinks {
		if mk, ok := s.(Marker); ok {
			mk.Mark(at, name)
		}
	}
}
