package atruncli

import (
	"context"
	"errors"
	"os"
	"time"

	"github.com/atrun/atrun/engine/transcript"
	"github.com/atrun/atrun/internal/sigctx"
)

// withInterrupt returns a context that SIGINT (Ctrl+C) or SIGTERM cancels,
// with an *interruptedError as its cause. Every blocking call of a run
// takes this context, so a signal stops the run wherever it waits, and the
// command still closes the port and flushes the transcript before exiting.
// After the first signal the default handling is back: a second Ctrl+C
// kills a run that does not stop.
func withInterrupt(parent context.Context) (context.Context, func()) {
	return sigctx.WithSignals(parent, interruptCause)
}

// catchInterrupt is withInterrupt armed when the caller says: before
// anything that needs a clean stop is opened (sigctx.Catcher).
func catchInterrupt(parent context.Context) (context.Context, *sigctx.Catcher) {
	return sigctx.New(parent, interruptCause)
}

func interruptCause(s os.Signal) error { return &interruptedError{signal: s} }

// portlessArm is how long a run that holds nothing to stop (no port, no
// virtual modem, no transcript) goes before Ctrl+C is caught: short enough
// that a user cannot tell, long enough that a short script ends first.
const portlessArm = 10 * time.Millisecond

// withRunTimeout bounds a run by d (no bound when d is 0).
func withRunTimeout(parent context.Context, d time.Duration) (context.Context, context.CancelFunc) {
	if d <= 0 {
		return context.WithCancel(parent)
	}
	return context.WithTimeoutCause(parent, d, &runTimeoutError{after: d})
}

// stopped explains err by why ctx ended, if it did: a signal makes any
// outcome an interruption; the run's timeout explains a failure.
func stopped(ctx context.Context, err error) error {
	cause := context.Cause(ctx)
	var (
		intr    *interruptedError
		timeout *runTimeoutError
	)
	switch {
	case errors.As(cause, &intr):
		return &interruptedError{signal: intr.signal, err: err}
	case errors.As(cause, &timeout) && err != nil:
		return &runTimeoutError{after: timeout.after, err: err}
	}
	return err
}

// EndKind makes an interrupted run's transcript end "interrupted".
func (e *interruptedError) EndKind() transcript.EndKind { return transcript.Interrupted }

// EndKind makes a timed-out run's transcript end "timeout".
func (e *runTimeoutError) EndKind() transcript.EndKind { return transcript.TimedOut }
