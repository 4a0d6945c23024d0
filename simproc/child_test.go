package simproc

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// program is atrun-sim, built once by TestMain.
var program string

func TestMain(m *testing.M) {
	os.Exit(buildAndRun(m))
}

func buildAndRun(m *testing.M) int {
	dir, err := os.MkdirTemp("", "atrun-sim-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	program = filepath.Join(dir, Program)
	build := exec.Command("go", "build", "-o", program, "../cmd/atrun-sim")
	build.Stderr = os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "building atrun-sim:", err)
		return 1
	}
	return m.Run()
}

func start(t *testing.T, o Options) *Child {
	t.Helper()
	o.Program = program
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c, err := Start(context.WithoutCancel(ctx), o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// Start describes every modem of the child, sharing one broker, with the
// credentials given; Close stops them, their devices gone with them.
func TestStartDescribesModems(t *testing.T) {
	c := start(t, Options{Count: 3, Username: "dev", Password: "s3cret-pw"})
	if len(c.Modems) != 3 {
		t.Fatalf("%d modems, want 3", len(c.Modems))
	}
	devices := map[string]bool{}
	for i, m := range c.Modems {
		if m.Index != i+1 || m.Model != ModelEC20 || m.Title != "Quectel EC20" || m.PortName != "usbat" {
			t.Errorf("modem %d: %+v", i+1, m)
		}
		if m.BrokerAddr != c.Modems[0].BrokerAddr || m.BrokerAddr == "" || m.EchoAddr == "" || m.HTTPSURL == "" {
			t.Errorf("modem %d does not share the first one's broker and servers: %+v", i+1, m)
		}
		if m.Username != "dev" || m.Password != "s3cret-pw" {
			t.Errorf("modem %d: credentials %q %q, want the ones given", i+1, m.Username, m.Password)
		}
		if _, err := os.Stat(m.Device); err != nil {
			t.Errorf("modem %d: %v", i+1, err)
		}
		devices[m.Device] = true
		if !m.Lacks("AT+QFOO=1") || m.Lacks("AT+QMTOPEN=0,\"x\",1") {
			t.Errorf("modem %d: commands %v", i+1, m.Commands)
		}
	}
	if len(devices) != 3 {
		t.Errorf("devices %v, want 3 distinct", devices)
	}
	cmdline, err := os.ReadFile("/proc/" + strconv.Itoa(c.cmd.Process.Pid) + "/cmdline")
	if err == nil && strings.Contains(string(cmdline), "s3cret-pw") {
		t.Errorf("the password is on the child's command line: %q", cmdline)
	}
	// Held open across Close: a device's path may be taken at once by a
	// new pty of another program, so "the path is gone" proves nothing;
	// a hung-up line does.
	held := map[string]*os.File{}
	for d := range devices {
		f, err := os.OpenFile(d, os.O_RDWR|syscall.O_NOCTTY|syscall.O_NONBLOCK, 0)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		held[d] = f
	}
	if err := c.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	for d, f := range held {
		if err := readAll(f); !errors.Is(err, io.EOF) && !errors.Is(err, syscall.EIO) {
			t.Errorf("%s after Close: reading ends with %v, want a hang-up: the modem's side is still open", d, err)
		}
	}
}

// readAll reads what f holds without waiting and returns how reading
// ended: EAGAIN while the other side of a pty is open with nothing more to
// say; io.EOF (Linux) or EIO once it has hung up.
func readAll(f *os.File) error {
	rc, err := f.SyscallConn()
	if err != nil {
		return err
	}
	readErr := error(nil)
	buf := make([]byte, 256)
	if err := rc.Read(func(fd uintptr) bool {
		for readErr == nil {
			var n int
			if n, readErr = syscall.Read(int(fd), buf); n == 0 && readErr == nil {
				readErr = io.EOF
			}
		}
		return true
	}); err != nil {
		return err
	}
	return readErr
}

// A watched topic's messages come as events; Publish has the broker
// publish, and says so.
func TestWatchAndPublish(t *testing.T) {
	c := start(t, Options{Watch: []string{"atrun/up"}})
	if err := c.Publish("atrun/up", `{"t":1}`); err != nil {
		t.Fatal(err)
	}
	var got []string
	timeout := time.After(10 * time.Second)
	for len(got) < 2 {
		select {
		case l := <-c.Events:
			switch {
			case l.Message != nil:
				got = append(got, "message "+l.Message.Topic+" "+l.Message.Payload)
			case l.Published != nil:
				got = append(got, "published "+l.Published.Topic+" "+l.Published.Error)
			}
		case <-timeout:
			t.Fatalf("events so far: %q", got)
		}
	}
	want := map[string]bool{`message atrun/up {"t":1}`: true, "published atrun/up ": true}
	for _, g := range got {
		if !want[g] {
			t.Errorf("event %q, want %v", g, want)
		}
	}
}

// The child's refusal comes back in its words, with its hint.
func TestStartRefused(t *testing.T) {
	tests := []struct {
		o         Options
		msg, hint string
	}{
		{Options{Faults: []string{"gremlins"}}, `--fault: unknown fault "gremlins"`, "'atrun sim --fault help'"},
		{Options{Model: "nokia"}, `--model: no virtual modem "nokia"`, ""},
		{Options{Count: 2, SMS: []string{"+49:hi"}}, "--sms delivers to one modem", ""},
	}
	for _, tc := range tests {
		tc.o.Program = program
		_, err := Start(context.Background(), tc.o)
		var e *Error
		if !errors.As(err, &e) || !strings.Contains(e.Message, tc.msg) || !strings.Contains(e.Hint, tc.hint) {
			t.Errorf("%+v: got %#v, want %q with hint %q", tc.o, err, tc.msg, tc.hint)
		}
	}
}

// A program that ends without describing its modems is an error that
// says what it wrote on stderr.
func TestStartChildDies(t *testing.T) {
	script := filepath.Join(t.TempDir(), "broken")
	if err := os.WriteFile(script, []byte("#!/bin/sh\necho 'cannot open /dev/ptmx' >&2\nexit 1\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	_, err := Start(context.Background(), Options{Program: script})
	var e *Error
	if !errors.As(err, &e) || !strings.Contains(e.Message, "ended before its virtual modems were up: cannot open /dev/ptmx") {
		t.Fatalf("got %v", err)
	}
}

// Find looks beside the running program, then in PATH; neither is a
// MissingError with a hint that says how to install it.
func TestFind(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	_, err := Find()
	var missing *MissingError
	if !errors.As(err, &missing) || !strings.Contains(missing.Hint(), "go install") {
		t.Fatalf("got %v", err)
	}
	t.Setenv("PATH", filepath.Dir(program))
	if p, err := Find(); err != nil || p != program {
		t.Fatalf("Find() = %q, %v; want %s from PATH", p, err, program)
	}
}

// The child's log lines are passed on once the modems are up, in order,
// the broker's password replaced; before, they are kept for the error.
func TestChildLog(t *testing.T) {
	var (
		mu  sync.Mutex
		got []string
	)
	l := &childLog{log: func(s string) { mu.Lock(); got = append(got, s); mu.Unlock() }}
	l.line("early pw1")
	if e := l.early(); len(e) != 1 || e[0] != "early pw1" {
		t.Fatalf("early: %q", e)
	}
	l.ready("pw1")
	l.line("AT+QMTCONN=0,\"c\",\"u\",\"pw1\"")
	want := []string{"early ***", `AT+QMTCONN=0,"c","u","***"`}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("got %q, want %q", got, want)
	}
}

// Close ends the child even when nobody read its events: a reader
// blocked on a full channel must not hold it up.
func TestCloseWithUnreadEvents(t *testing.T) {
	c := start(t, Options{Watch: []string{"t"}})
	for i := range 100 {
		if err := c.Publish("t", strconv.Itoa(i)); err != nil {
			t.Fatal(err)
		}
	}
	done := make(chan error, 1)
	go func() { done <- c.Close() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Close: %v", err)
		}
	case <-time.After(stopWait + 5*time.Second):
		t.Fatal("Close hangs on events nobody read")
	}
}

// A child that never says its modems are up does not hold its caller:
// ending the context kills it and Start returns.
func TestStartChildHangs(t *testing.T) {
	script := filepath.Join(t.TempDir(), "hangs")
	if err := os.WriteFile(script, []byte("#!/bin/sh\nexec sleep 3600\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := Start(ctx, Options{Program: script})
		done <- err
	}()
	cancel()
	select {
	case err := <-done:
		var e *Error
		if !errors.As(err, &e) || !strings.Contains(e.Message, "stopped while starting") {
			t.Fatalf("got %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("Start did not return after its context ended")
	}
}
