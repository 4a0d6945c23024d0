// Package clock is the engine's only source of time.
//
// Live sessions use Real, the wall clock. Replays use Virtual, which moves
// only when the replay tells it to, and only once every goroutine taking part
// in the session is blocked. That is what lets a session that took a minute
// on hardware replay in milliseconds with every timeout firing where it fired
// live.
//
// To make that work, every blocking wait in a session goes through a Waiter,
// and every goroutine that hands work to another one accounts for it with
// Busy and Idle. On the real clock Busy and Idle cost nothing.
package clock

import (
	"context"
	"sync"
	"time"
)

// Clock tells the time, runs functions later, and counts the goroutines of a
// session that are running (as opposed to blocked).
type Clock interface {
	Now() time.Time
	// AfterFunc calls f once d has passed. f must not block.
	AfterFunc(d time.Duration, f func()) Timer
	// Busy records that one more goroutine of the session is running: either
	// the caller itself, or a goroutine the caller is about to wake.
	Busy()
	// Idle records that the calling goroutine is about to block.
	Idle()
}

// Timer is a pending AfterFunc.
type Timer interface {
	// Stop cancels the call; it reports whether the call was still pending.
	Stop() bool
}

// Real is the wall clock.
type Real struct{}

// Now returns the wall-clock time.
func (Real) Now() time.Time { return time.Now() }

// AfterFunc is time.AfterFunc.
func (Real) AfterFunc(d time.Duration, f func()) Timer { return time.AfterFunc(d, f) }

// Busy does nothing: the real clock does not wait for anyone.
func (Real) Busy() {}

// Idle does nothing: the real clock does not wait for anyone.
func (Real) Idle() {}

// Reason says why a Waiter woke up.
type Reason int

const (
	// Woken means Wake was called.
	Woken Reason = iota
	// TimedOut means the wait's duration passed first.
	TimedOut
	// Cancelled means the wait's context ended first.
	Cancelled
)

func (r Reason) String() string {
	switch r {
	case Woken:
		return "woken"
	case TimedOut:
		return "timed out"
	default:
		return "cancelled"
	}
}

// Waiter is a one-shot wake-up for a goroutine that blocks until another one
// hands it a value, a duration passes, or a context ends. The first of these
// wins. Whoever wakes the waiter marks it busy on its behalf (Clock.Busy), so
// a virtual clock never sees a moment in which a woken goroutine has not yet
// started running and everything looks blocked.
type Waiter[T any] struct {
	clk    Clock
	mu     sync.Mutex
	done   chan struct{}
	fired  bool
	value  T
	reason Reason
}

// NewWaiter returns a waiter that accounts on clk.
func NewWaiter[T any](clk Clock) *Waiter[T] {
	return &Waiter[T]{clk: clk, done: make(chan struct{})}
}

// Wake hands v to the waiter. Only the first wake counts; Wake reports
// whether it was the first. It never blocks, so it may be called with locks
// held.
func (w *Waiter[T]) Wake(v T) bool { return w.fire(v, Woken) }

func (w *Waiter[T]) fire(v T, r Reason) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.fired {
		return false
	}
	w.fired = true
	w.value, w.reason = v, r
	w.clk.Busy()
	close(w.done)
	return true
}

// Wait blocks until the waiter is woken, d passes, or ctx ends, and returns
// the value handed over (the zero value unless woken) and why it returned.
// Wait must be called once, by the goroutine that owns the waiter; that
// goroutine counts as busy before and after the call.
func (w *Waiter[T]) Wait(ctx context.Context, d time.Duration) (T, Reason) {
	t := w.clk.AfterFunc(d, func() {
		var zero T
		w.fire(zero, TimedOut)
	})
	w.clk.Idle()
	select {
	case <-w.done:
	case <-ctx.Done():
		var zero T
		w.fire(zero, Cancelled)
		<-w.done
	}
	t.Stop()
	return w.value, w.reason
}

// Sleep blocks for d on clk, or until ctx ends; it returns ctx.Err() when
// the context ended first.
func Sleep(ctx context.Context, clk Clock, d time.Duration) error {
	if _, r := NewWaiter[struct{}](clk).Wait(ctx, d); r == Cancelled {
		return ctx.Err()
	}
	return nil
}
