// Package enginetest provides a scripted fake modem and pseudo-terminal
// helpers for tests of the engine and of the packages built on it.
package enginetest

import (
	"bytes"
	"io"
	"net"
	"strings"
	"sync"
	"testing"
	"time"
)

// Step is one exchange of a scripted fake modem: wait until the host has
// written Expect (nothing when empty), then send Reply.
type Step struct {
	Expect string
	Reply  string
}

// Fake plays the modem's side of a port from a script, splitting each reply
// into chunks of a given size so that every framing path is exercised. It
// records everything the host wrote.
type Fake struct {
	t     testing.TB
	port  io.ReadWriteCloser
	chunk int

	mu      sync.Mutex
	written bytes.Buffer  // everything the host wrote
	pending bytes.Buffer  // written but not yet matched by a step
	grew    chan struct{} // closed and replaced whenever the host writes
	done    chan struct{}
	over    chan struct{} // closed when the test is over: the script stops quietly
}

// Start runs script on the modem end of an in-memory pipe and returns the
// host's end. chunk 0 sends each reply whole.
func Start(t testing.TB, chunk int, script ...Step) (io.ReadWriteCloser, *Fake) {
	t.Helper()
	host, modem := net.Pipe()
	f := Run(t, modem, chunk, script...)
	t.Cleanup(func() { modem.Close() })
	return host, f
}

// Run runs script on port, the modem's end of any link (a pty master).
func Run(t testing.TB, port io.ReadWriteCloser, chunk int, script ...Step) *Fake {
	f := &Fake{t: t, port: port, chunk: chunk, grew: make(chan struct{}), done: make(chan struct{}), over: make(chan struct{})}
	go f.read()
	go f.run(script)
	// A script still waiting when the test ends (it failed, or did not
	// need every step) must not report after it: the testing package
	// panics on that, and the crash hides every later test's result.
	t.Cleanup(func() {
		close(f.over)
		f.port.Close() // unblocks a Send
		select {
		case <-f.done:
		case <-time.After(10 * time.Second):
		}
	})
	return f
}

func (f *Fake) read() {
	buf := make([]byte, 1024)
	for {
		n, err := f.port.Read(buf)
		f.mu.Lock()
		f.written.Write(buf[:n])
		f.pending.Write(buf[:n])
		close(f.grew)
		f.grew = make(chan struct{})
		f.mu.Unlock()
		if err != nil {
			return
		}
	}
}

func (f *Fake) run(script []Step) {
	defer close(f.done)
	for _, s := range script {
		if s.Expect != "" && !f.Await(s.Expect) {
			return
		}
		f.Send(s.Reply)
	}
}

// Await waits until the host's unmatched bytes start with want, and
// consumes them. It reports a test error when the host wrote something else
// or nothing within a generous deadline (a failing test, not a
// synchronisation).
func (f *Fake) Await(want string) bool {
	deadline := time.After(10 * time.Second)
	for {
		f.mu.Lock()
		have := f.pending.Bytes()
		if bytes.HasPrefix(have, []byte(want)) {
			f.pending.Next(len(want))
			f.mu.Unlock()
			return true
		}
		if len(have) >= len(want) {
			f.mu.Unlock()
			f.t.Errorf("fake modem: host wrote %q, want %q", have, want)
			return false
		}
		grew := f.grew
		f.mu.Unlock()
		select {
		case <-grew:
		case <-f.over:
			return false
		case <-deadline:
			f.t.Errorf("fake modem: host never wrote %q (it wrote %q)", want, f.Wrote())
			return false
		}
	}
}

// Send writes reply to the host in chunks.
func (f *Fake) Send(reply string) {
	b := []byte(reply)
	for len(b) > 0 {
		n := len(b)
		if f.chunk > 0 {
			n = min(f.chunk, n)
		}
		if _, err := f.port.Write(b[:n]); err != nil {
			return
		}
		b = b[n:]
	}
}

// WaitWrote waits until the host has written s (anywhere in its output).
func (f *Fake) WaitWrote(t testing.TB, s string) {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		f.mu.Lock()
		ok, grew := strings.Contains(f.written.String(), s), f.grew
		f.mu.Unlock()
		if ok {
			return
		}
		select {
		case <-grew:
		case <-deadline:
			t.Fatalf("host never wrote %q", s)
		}
	}
}

// Wrote returns everything the host wrote so far.
func (f *Fake) Wrote() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.written.String()
}

// Done is closed once the script has run to its end (or failed).
func (f *Fake) Done() <-chan struct{} { return f.done }

// Finished waits for the script to have run to its end.
func (f *Fake) Finished(t testing.TB) {
	t.Helper()
	select {
	case <-f.done:
	case <-time.After(10 * time.Second):
		t.Fatal("fake modem script did not finish")
	}
}

// Close closes the modem's end: to the host, the device vanished.
func (f *Fake) Close() error { return f.port.Close() }
