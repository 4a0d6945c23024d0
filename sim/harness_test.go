package sim

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"strings"
	"sync"
	"testing"
	"time"
)

// testTimeout bounds every wait in these tests; nothing here sleeps.
const testTimeout = 10 * time.Second

// harness runs a modem on one end of a net.Pipe and records everything it
// sends on the other.
type harness struct {
	t      *testing.T
	m      *Modem
	clk    *ManualClock
	host   net.Conn
	served chan error
	readDn chan struct{}

	mu      sync.Mutex
	out     []byte // received and not yet consumed
	chunks  []int  // size of every read, for the split fault
	changed chan struct{}
}

// newHarness starts a modem with a manual clock unless opts has a clock.
func newHarness(t *testing.T, opts Options) *harness {
	t.Helper()
	h := &harness{t: t, served: make(chan error, 1), readDn: make(chan struct{}), changed: make(chan struct{})}
	if opts.Clock == nil {
		h.clk = NewManualClock(time.Now())
		opts.Clock = h.clk
	}
	modemSide, host := net.Pipe()
	h.host = host
	h.m = NewModem(opts)
	go func() { h.served <- h.m.Serve(context.Background(), modemSide) }()
	go h.readLoop()
	t.Cleanup(h.stop)
	return h
}

func (h *harness) readLoop() {
	defer close(h.readDn)
	buf := make([]byte, 4096)
	for {
		n, err := h.host.Read(buf)
		if n > 0 {
			h.mu.Lock()
			h.out = append(h.out, buf[:n]...)
			h.chunks = append(h.chunks, n)
			close(h.changed)
			h.changed = make(chan struct{})
			h.mu.Unlock()
		}
		if err != nil {
			return
		}
	}
}

// stop closes the host side and waits for the modem and the reader; after
// it the recorded output is complete.
func (h *harness) stop() {
	h.host.Close()
	select {
	case err := <-h.served:
		if err != nil {
			h.t.Errorf("Serve: %v", err)
		}
		h.served <- nil
	case <-time.After(testTimeout):
		h.t.Error("modem did not stop")
	}
	<-h.readDn
}

func (h *harness) ctx() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), testTimeout)
}

// send writes bytes as the host.
func (h *harness) send(s string) {
	h.t.Helper()
	if _, err := io.WriteString(h.host, s); err != nil {
		h.t.Fatalf("send %q: %v", s, err)
	}
}

// waitUntil blocks until cond holds for the unconsumed output.
func (h *harness) waitUntil(what string, cond func(out []byte) bool) {
	h.t.Helper()
	ctx, cancel := h.ctx()
	defer cancel()
	for {
		h.mu.Lock()
		ok, changed := cond(h.out), h.changed
		h.mu.Unlock()
		if ok {
			return
		}
		select {
		case <-changed:
		case <-ctx.Done():
			h.mu.Lock()
			defer h.mu.Unlock()
			h.t.Fatalf("waiting for %s; have %q", what, h.out)
		}
	}
}

// expect consumes exactly want from the start of the output.
func (h *harness) expect(want string) {
	h.t.Helper()
	h.waitUntil(quoteForLog(want), func(out []byte) bool { return len(out) >= len(want) })
	h.mu.Lock()
	defer h.mu.Unlock()
	if got := string(h.out[:len(want)]); got != want {
		h.t.Fatalf("wire bytes:\n got %q\nwant %q", h.out, want)
	}
	h.out = h.out[len(want):]
}

// until consumes output up to and including marker and returns it.
func (h *harness) until(marker string) string {
	h.t.Helper()
	h.waitUntil(quoteForLog(marker), func(out []byte) bool { return bytes.Contains(out, []byte(marker)) })
	h.mu.Lock()
	defer h.mu.Unlock()
	i := bytes.Index(h.out, []byte(marker)) + len(marker)
	s := string(h.out[:i])
	h.out = h.out[i:]
	return s
}

// cmd sends a command line and returns everything up to its final result
// (OK, ERROR or +CME ERROR), leaving later output unconsumed.
func (h *harness) cmd(line string) string {
	h.t.Helper()
	h.send(line + "\r")
	h.waitUntil("final result of "+line, func(out []byte) bool { return finalEnd(out) >= 0 })
	h.mu.Lock()
	defer h.mu.Unlock()
	i := finalEnd(h.out)
	s := string(h.out[:i])
	h.out = h.out[i:]
	return s
}

// finalEnd returns the end of the first verbose final result, or -1.
func finalEnd(out []byte) int {
	best := -1
	for _, code := range []string{"\r\nOK\r\n", "\r\nERROR\r\n"} {
		if i := bytes.Index(out, []byte(code)); i >= 0 && (best < 0 || i+len(code) < best) {
			best = i + len(code)
		}
	}
	for _, code := range []string{"\r\n+CME ERROR: ", "\r\n+CMS ERROR: "} {
		if i := bytes.Index(out, []byte(code)); i >= 0 {
			if j := bytes.Index(out[i+2:], []byte("\r\n")); j >= 0 && (best < 0 || i+2+j+2 < best) {
				best = i + 2 + j + 2
			}
		}
	}
	return best
}

// bootDone consumes the boot URCs of a healthy modem.
func (h *harness) bootDone() {
	h.t.Helper()
	h.waitUntil("boot URCs", func(out []byte) bool {
		return bytes.Contains(out, []byte("SMS DONE\r\n")) && bytes.Contains(out, []byte("PB DONE\r\n"))
	})
	h.mu.Lock()
	defer h.mu.Unlock()
	a := bytes.Index(h.out, []byte("SMS DONE\r\n")) + len("SMS DONE\r\n")
	b := bytes.Index(h.out, []byte("PB DONE\r\n")) + len("PB DONE\r\n")
	h.out = h.out[max(a, b):]
}

// rest returns what has arrived and not been consumed.
func (h *harness) rest() string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return string(h.out)
}

// chunkSizes returns the size of every read so far.
func (h *harness) chunkSizes() []int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]int(nil), h.chunks...)
}

// advance moves the manual clock once the modem has scheduled n timers.
func (h *harness) advance(d time.Duration, n int) {
	h.t.Helper()
	ctx, cancel := h.ctx()
	defer cancel()
	if err := h.clk.WaitPending(ctx, n); err != nil {
		h.t.Fatalf("waiting for %d timer(s): %v", n, err)
	}
	h.clk.Advance(d)
}

// echoOff turns echo off and checks the framing of the exchange.
func (h *harness) echoOff() {
	h.t.Helper()
	if got := h.cmd("ATE0"); got != "ATE0\r\r\nOK\r\n" {
		h.t.Fatalf("ATE0 answered %q", got)
	}
}

func quoteForLog(s string) string {
	return strings.NewReplacer("\r", `\r`, "\n", `\n`).Replace(s)
}

var errNoNetwork = errors.New("no network in this test")

// noDial keeps a test off the network.
func noDial(context.Context, string, string) (net.Conn, error) { return nil, errNoNetwork }
