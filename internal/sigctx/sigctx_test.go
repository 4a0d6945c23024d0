package sigctx

import (
	"context"
	"errors"
	"os"
	"os/exec"
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

// helperEnv makes the test binary, run again as a child, play the part
// named by its value instead of running the tests.
const helperEnv = "SIGCTX_TEST_HELPER"

func TestMain(m *testing.M) {
	switch os.Getenv(helperEnv) {
	case "unarmed":
		// A catcher not yet armed leaves SIGTERM its default action: the
		// process ends at once, by the signal.
		_, c := New(context.Background(), func(s os.Signal) error { return &stoppedBy{s} })
		c.ArmAfter(time.Hour)
		syscall.Kill(os.Getpid(), syscall.SIGTERM)
		// The signal may be handled on another thread a moment later: a
		// bound, not a synchronisation. Exit 3 only if it was caught.
		time.Sleep(10 * time.Second)
		os.Exit(3)
	}
	os.Exit(m.Run())
}

func TestUnarmedKeepsTheDefaultAction(t *testing.T) {
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), helperEnv+"=unarmed")
	err := cmd.Run()
	var ee *exec.ExitError
	if !errors.As(err, &ee) {
		t.Fatalf("the child ended with %v, want death by SIGTERM", err)
	}
	ws := ee.Sys().(syscall.WaitStatus)
	if !ws.Signaled() || ws.Signal() != syscall.SIGTERM {
		t.Fatalf("the child ended with %v (exit code %d), want death by SIGTERM", err, ws.ExitStatus())
	}
}

// ArmAfter arms the catcher on its own: a signal then cancels the context.
func TestArmAfter(t *testing.T) {
	ctx, c := New(context.Background(), func(s os.Signal) error { return &stoppedBy{s} })
	defer c.Stop()
	c.ArmAfter(time.Millisecond)
	select {
	case <-c.armed:
	case <-time.After(10 * time.Second):
		t.Fatal("ArmAfter never armed")
	}
	if err := syscall.Kill(os.Getpid(), syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	select {
	case <-ctx.Done():
	case <-time.After(10 * time.Second):
		t.Fatal("SIGINT did not cancel the context")
	}
	var sb *stoppedBy
	if cause := context.Cause(ctx); !errors.As(cause, &sb) || sb.sig != syscall.SIGINT {
		t.Fatalf("cause %v", cause)
	}
}

// A stopped catcher is never armed, whatever asks for it later: its
// signals would cancel a context nobody reads.
func TestStoppedIsNeverArmed(t *testing.T) {
	ctx, c := New(context.Background(), func(s os.Signal) error { return &stoppedBy{s} })
	c.ArmAfter(time.Hour)
	c.Stop()
	c.Arm()
	select {
	case <-c.armed:
		t.Fatal("armed after Stop")
	default:
	}
	if !errors.Is(context.Cause(ctx), context.Canceled) {
		t.Fatalf("stopped: cause %v", context.Cause(ctx))
	}

	// Nor is a timer started for it once it is stopped.
	_, c = New(context.Background(), func(s os.Signal) error { return &stoppedBy{s} })
	c.Stop()
	c.ArmAfter(0)
	c.mu.Lock()
	timer := c.timer
	c.mu.Unlock()
	if timer != nil {
		t.Fatal("ArmAfter after Stop started a timer")
	}
}
