package sim

import (
	"context"
	"sort"
	"sync"
	"time"
)

// Clock is the simulator's only source of time: registration delays, upload
// timeouts, dropped connections, URC storms and line pacing all go through
// it, so tests can move time by hand instead of sleeping. Network I/O (TCP
// dial, TLS handshake, MQTT round trips) runs on real time regardless.
//
// Any clock with these two methods fits; a clock whose AfterFunc returns a
// different timer type needs a three-line adapter.
type Clock interface {
	Now() time.Time
	// AfterFunc calls f in its own goroutine (or the caller's) once d has
	// passed. f must not block for long.
	AfterFunc(d time.Duration, f func()) Timer
}

// Timer is a pending AfterFunc.
type Timer interface {
	// Stop cancels the call and reports whether it was still pending.
	Stop() bool
}

// RealClock is the wall clock.
type RealClock struct{}

// Now returns the wall-clock time.
func (RealClock) Now() time.Time { return time.Now() }

// AfterFunc is time.AfterFunc.
func (RealClock) AfterFunc(d time.Duration, f func()) Timer { return time.AfterFunc(d, f) }

// ManualClock moves only when Advance is called. Timer functions run on the
// goroutine that calls Advance, in deadline order.
type ManualClock struct {
	mu      sync.Mutex
	now     time.Time
	timers  []*manualTimer
	seq     uint64
	changed chan struct{} // closed and replaced whenever a timer is added
}

type manualTimer struct {
	c   *ManualClock
	at  time.Time
	seq uint64
	f   func()
}

// NewManualClock returns a clock that reads start until it is advanced.
func NewManualClock(start time.Time) *ManualClock {
	return &ManualClock{now: start, changed: make(chan struct{})}
}

// Now returns the manual time.
func (c *ManualClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// AfterFunc schedules f at Now()+d. A d <= 0 still waits for the next
// Advance (even by zero), so callers never run re-entrantly.
func (c *ManualClock) AfterFunc(d time.Duration, f func()) Timer {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.seq++
	t := &manualTimer{c: c, at: c.now.Add(d), seq: c.seq, f: f}
	c.timers = append(c.timers, t)
	close(c.changed)
	c.changed = make(chan struct{})
	return t
}

// Stop removes the timer if it has not fired.
func (t *manualTimer) Stop() bool {
	c := t.c
	c.mu.Lock()
	defer c.mu.Unlock()
	for i, x := range c.timers {
		if x == t {
			c.timers = append(c.timers[:i], c.timers[i+1:]...)
			return true
		}
	}
	return false
}

// Advance moves the clock by d and runs every timer that falls due, in
// order, each with the clock reading its own deadline.
func (c *ManualClock) Advance(d time.Duration) {
	c.mu.Lock()
	end := c.now.Add(d)
	c.mu.Unlock()
	for {
		c.mu.Lock()
		t := c.popDue(end)
		if t == nil {
			c.now = end
			c.mu.Unlock()
			return
		}
		if t.at.After(c.now) {
			c.now = t.at
		}
		c.mu.Unlock()
		t.f()
	}
}

// popDue removes and returns the earliest timer due by end; c.mu is held.
func (c *ManualClock) popDue(end time.Time) *manualTimer {
	if len(c.timers) == 0 {
		return nil
	}
	sort.Slice(c.timers, func(i, j int) bool {
		a, b := c.timers[i], c.timers[j]
		if a.at.Equal(b.at) {
			return a.seq < b.seq
		}
		return a.at.Before(b.at)
	})
	t := c.timers[0]
	if t.at.After(end) {
		return nil
	}
	c.timers = c.timers[1:]
	return t
}

// Pending returns how many timers are waiting.
func (c *ManualClock) Pending() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.timers)
}

// NextIn returns how long until the earliest pending timer, and false when
// there is none.
func (c *ManualClock) NextIn() (time.Duration, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.timers) == 0 {
		return 0, false
	}
	next := c.timers[0].at
	for _, t := range c.timers[1:] {
		if t.at.Before(next) {
			next = t.at
		}
	}
	return next.Sub(c.now), true
}

// WaitPending blocks until at least n timers are pending or ctx ends. Tests
// use it to know that the simulator has scheduled what they are about to
// fast-forward.
func (c *ManualClock) WaitPending(ctx context.Context, n int) error {
	for {
		c.mu.Lock()
		have, changed := len(c.timers), c.changed
		c.mu.Unlock()
		if have >= n {
			return nil
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// sleepOn blocks for d on clk or until done closes; it reports whether the
// full duration passed.
func sleepOn(clk Clock, d time.Duration, done <-chan struct{}) bool {
	if d <= 0 {
		return true
	}
	fired := make(chan struct{})
	t := clk.AfterFunc(d, func() { close(fired) })
	select {
	case <-fired:
		return true
	case <-done:
		t.Stop()
		return false
	}
}
