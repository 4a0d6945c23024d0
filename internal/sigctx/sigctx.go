// Package sigctx turns SIGINT (Ctrl+C) and SIGTERM into the cancellation
// of a context, for atrun's programs: every blocking call of a run takes
// that context, so a signal stops it wherever it waits and the program
// still cleans up before it exits.
package sigctx

import (
	"context"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"
)

// WithSignals returns a context that SIGINT or SIGTERM cancels with
// cause(signal) as its cause, and the function that releases it. After the
// first signal the default handling is back: a second Ctrl+C kills a
// program that does not stop.
func WithSignals(parent context.Context, cause func(os.Signal) error) (context.Context, func()) {
	ctx, c := New(parent, cause)
	c.Arm()
	return ctx, c.Stop
}

// Catcher turns the signals into the cancellation of its context once
// armed. Until then SIGINT and SIGTERM keep their default action: the
// program ends at once, which is right while it holds nothing that needs a
// clean stop (no port open, no transcript, no child). Arming costs what
// os/signal starts, two threads and a goroutine, about 1.3 ms of a run
// that lasts 15 (docs/performance.md, "Start-up: Ctrl+C caught when there
// is something to stop"): a run that ends before it needs them skips it.
type Catcher struct {
	cause  func(os.Signal) error
	cancel context.CancelCauseFunc
	armed  chan struct{} // closed once signals are caught, for a test to wait on

	mu      sync.Mutex // guards the fields below: Arm may run on a timer's goroutine
	ch      chan os.Signal
	done    chan struct{} // closed by Stop, to end the goroutine waiting for a signal
	timer   *time.Timer
	stopped bool
}

// New returns a context the catcher cancels on a signal once armed
// (Arm, ArmAfter), and the catcher, which Stop releases.
func New(parent context.Context, cause func(os.Signal) error) (context.Context, *Catcher) {
	ctx, cancel := context.WithCancelCause(parent)
	return ctx, &Catcher{cause: cause, cancel: cancel, armed: make(chan struct{})}
}

// Arm catches the signals from now on; arming twice, or after Stop, does
// nothing.
func (c *Catcher) Arm() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.stopped || c.ch != nil {
		return
	}
	if c.timer != nil {
		c.timer.Stop()
	}
	c.ch = make(chan os.Signal, 1)
	c.done = make(chan struct{})
	signal.Notify(c.ch, os.Interrupt, syscall.SIGTERM)
	close(c.armed)
	go c.wait(c.ch, c.done)
}

// ArmAfter arms the catcher after d unless it was armed or stopped before:
// a run that holds nothing to stop is still reported as interrupted once
// it has lasted d. Only the first ArmAfter counts; Arm still arms at once.
func (c *Catcher) ArmAfter(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.stopped || c.ch != nil || c.timer != nil {
		return
	}
	c.timer = time.AfterFunc(d, c.Arm)
}

// Stop gives the signals back their default action and releases the
// context: one that no signal cancelled ends with context.Canceled as its
// cause.
func (c *Catcher) Stop() {
	c.mu.Lock()
	c.stopped = true
	if c.timer != nil {
		c.timer.Stop()
	}
	if c.ch != nil {
		signal.Stop(c.ch)
		close(c.done)
	}
	c.mu.Unlock()
	c.cancel(nil)
}

// wait turns the first signal into the context's cancellation, then gives
// the signals back their default action.
func (c *Catcher) wait(ch chan os.Signal, done chan struct{}) {
	select {
	case s := <-ch:
		signal.Stop(ch)
		c.cancel(c.cause(s))
	case <-done:
	}
}
