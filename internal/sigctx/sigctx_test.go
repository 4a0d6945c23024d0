package sigctx

import (
	"context"
	"errors"
	"os"
	"syscall"
	"testing"
	"time"
)

type stoppedBy struct{ sig os.Signal }

func (e *stoppedBy) Error() string { return "stopped by " + e.sig.String() }

// A signal to the process cancels the context with the cause made of it;
// releasing it first leaves the context's cause nil.
func TestWithSignals(t *testing.T) {
	ctx, stop := WithSignals(context.Background(), func(s os.Signal) error { return &stoppedBy{s} })
	defer stop()
	if err := syscall.Kill(os.Getpid(), syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case <-ctx.Done():
	case <-time.After(10 * time.Second):
		t.Fatal("SIGTERM did not cancel the context")
	}
	var sb *stoppedBy
	if cause := context.Cause(ctx); !errors.As(cause, &sb) || sb.sig != syscall.SIGTERM {
		t.Fatalf("cause %v", cause)
	}

	ctx, stop = WithSignals(context.Background(), func(s os.Signal) error { return &stoppedBy{s} })
	stop()
	if !errors.Is(context.Cause(ctx), context.Canceled) {
		t.Fatalf("released: cause %v", context.Cause(ctx))
	}
}
