package engine

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

// Tap sees every byte crossing the port, in order, with the time it crossed.
// The transcript recorder and the trace printer hang off it. Tap is called
// from the goroutine that did the I/O and must not block for long or keep p.
type Tap interface {
	Tap(dir Dir, at time.Time, p []byte)
}

// TapFunc adapts a function to Tap.
type TapFunc func(dir Dir, at time.Time, p []byte)

// Tap calls f.
func (f TapFunc) Tap(dir Dir, at time.Time, p []byte) { f(dir, at, p) }

// Taps fans one stream out to several taps, serialising the calls so that
// each tap sees reads and writes in one order.
func Taps(taps ...Tap) Tap {
	return &multiTap{taps: taps}
}

type multiTap struct {
	mu   sync.Mutex
	taps []Tap
}

func (m *multiTap) Tap(dir Dir, at time.Time, p []byte) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, t := range m.taps {
		if t != nil {
			t.Tap(dir, at, p)
		}
	}
}
