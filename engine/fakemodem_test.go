package engine

import (
	"bytes"
	"context"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/atrun/atrun/engine/tap"
)

// step is one exchange of a scripted fake modem: wait until the host has
// written expect (nothing when empty), then send reply.
type step struct {
	expect string
	reply  string
}

// fakeModem plays the modem's side of an in-memory port from a script,
// splitting each reply into chunks of a given size so that every framing
// path is exercised. It records everything the host wrote.
type fakeModem struct {
	t     *testing.T
	port  io.ReadWriteCloser
	chunk int

	mu      sync.Mutex
	written bytes.Buffer  // everything the host wrote
	pending bytes.Buffer  // written but not yet matched by a step
	grew    chan struct{} // closed and replaced whenever the host writes
	done    chan struct{}
}

// startFake runs script on the modem end of a pipe and returns a Conn on
// the host end. chunk 0 sends each reply whole.
func startFake(t *testing.T, chunk int, script ...step) (*Conn, *fakeModem) {
	t.Helper()
	host, modem := Pipe()
	m := &fakeModem{t: t, port: modem, chunk: chunk, grew: make(chan struct{}), done: make(chan struct{})}
	go m.read()
	go m.run(script)
	c := New(host, Config{Name: "pipe"})
	t.Cleanup(func() {
		c.Close()
		modem.Close()
	})
	return c, m
}

func (m *fakeModem) read() {
	buf := make([]byte, 1024)
	for {
		n, err := m.port.Read(buf)
		m.mu.Lock()
		m.written.Write(buf[:n])
		m.pending.Write(buf[:n])
		close(m.grew)
		m.grew = make(chan struct{})
		m.mu.Unlock()
		if err != nil {
			return
		}
	}
}

func (m *fakeModem) run(script []step) {
	defer close(m.done)
	for _, s := range script {
		if s.expect != "" && !m.await(s.expect) {
			return
		}
		m.send(s.reply)
	}
}

// await waits until the host's unmatched bytes start with want, and
// consumes them. It gives up when the port closes or after a generous
// deadline (a failing test, not a synchronisation).
func (m *fakeModem) await(want string) bool {
	deadline := time.After(10 * time.Second)
	for {
		m.mu.Lock()
		have := m.pending.Bytes()
		if bytes.HasPrefix(have, []byte(want)) {
			m.pending.Next(len(want))
			m.mu.Unlock()
			return true
		}
		if len(have) >= len(want) {
			m.mu.Unlock()
			m.t.Errorf("fake modem: host wrote %q, want %q", have, want)
			return false
		}
		grew := m.grew
		m.mu.Unlock()
		select {
		case <-grew:
		case <-deadline:
			m.t.Errorf("fake modem: host never wrote %q", want)
			return false
		}
	}
}

func (m *fakeModem) send(reply string) {
	b := []byte(reply)
	for len(b) > 0 {
		n := len(b)
		if m.chunk > 0 {
			n = min(m.chunk, n)
		}
		if _, err := m.port.Write(b[:n]); err != nil {
			return
		}
		b = b[n:]
	}
}

// waitWrote waits until the host has written s (anywhere in its output).
func (m *fakeModem) waitWrote(t *testing.T, s string) {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		m.mu.Lock()
		ok, grew := strings.Contains(m.written.String(), s), m.grew
		m.mu.Unlock()
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

// wrote returns everything the host wrote so far.
func (m *fakeModem) wrote() string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.written.String()
}

// finished waits for the script to have run to its end.
func (m *fakeModem) finished(t *testing.T) {
	t.Helper()
	select {
	case <-m.done:
	case <-time.After(10 * time.Second):
		t.Fatal("fake modem script did not finish")
	}
}

// chunkSizes are the reply splits every conversation test runs with.
var chunkSizes = []int{0, 1, 2, 3, 7}

func ctxT(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// tapFunc is a tap that reports each chunk as "w:" or "r:" and its bytes.
func tapFunc(f func(dir, s string)) tap.Sink {
	return tap.Func(func(d tap.Dir, _ time.Time, p []byte) { f(string(d)+":", string(p)) })
}
