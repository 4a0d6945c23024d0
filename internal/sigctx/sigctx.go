// Package sigctx turns SIGINT (Ctrl+C) and SIGTERM into the cancellation
// of a context, for atrun's programs: every blocking call of a run takes
// that context, so a signal stops it wherever it waits and the program
// still cleans up before it exits.
package sigctx

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

// WithSignals returns a context that SIGINT or SIGTERM cancels with
// cause(signal) as its cause, and the function that releases it. After the
// first signal the default handling is back: a second Ctrl+C kills a
// program that does not stop.
func WithSignals(parent context.Context, cause func(os.Signal) error) (context.Context, func()) {
	ctx, cancel := context.WithCancelCause(parent)
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, os.Interrupt, syscall.SIGTERM)
	done := make(chan struct{})
	go func() {
		select {
		case s := <-ch:
			signal.Stop(ch)
			cancel(cause(s))
		case <-done:
		}
	}()
	return ctx, func() {
		signal.Stop(ch)
		close(done)
		cancel(nil)
	}
}
