package session

import (
	"bytes"
	"fmt"
	"io"
	"sync"
	"sync/atomic"
	"time"

	"github.com/atrun/atrun/engine"
	"github.com/atrun/atrun/engine/secret"
	"github.com/atrun/atrun/engine/tap"
	"github.com/atrun/atrun/internal/ansi"
)

// Tracer is the tap behind --trace: every byte both ways, one line per
// write and per line the modem sends, with control bytes made visible, the
// time since the start, and the script line that was running (for modem
// bytes: when they arrived, which is the wait they came for). Secrets are
// redacted: LearnSecrets, a sink ahead of this one, finds those that
// commands carry. colour paints the time, the script line and the arrows.
//
//	0.004211 test.lua:3   -> AT+CSQ<CR>
//	0.009876 test.lua:3   <- <CR><LF>+CSQ: 19,99<CR><LF>
//
// Modem bytes are held until their line ends (or a prompt, or the next
// write), so that a secret the modem echoes back in two reads is still
// found whole and redacted.
type Tracer struct {
	w       io.Writer
	start   time.Time
	secrets *secret.Set
	colour  bool
	where   atomic.Pointer[func() string]

	mu      sync.Mutex
	held    []byte    // modem bytes of an unfinished line
	heldAt  time.Time // when the first of them arrived
	heldTag string    // the script line running then: the wait they came for
}

// maxHeld bounds how many modem bytes wait for a line end: data that has
// none (a download) is traced in pieces of this size.
const maxHeld = 512

func NewTracer(w io.Writer, start time.Time, secrets *secret.Set, colour bool) *Tracer {
	return &Tracer{w: w, start: start, secrets: secrets, colour: colour}
}

// SetWhere sets how the Tracer learns the script position; the runner that
// knows it is made after the connection that needs the Tracer.
func (t *Tracer) SetWhere(f func() string) { t.where.Store(&f) }

func (t *Tracer) tag() string {
	if f := t.where.Load(); f != nil {
		return (*f)()
	}
	return ""
}

// Tap implements tap.Sink.
func (t *Tracer) Tap(dir tap.Dir, at time.Time, p []byte) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if dir == tap.ToModem {
		t.release(len(t.held))
		t.line("->", at, t.tag(), p)
		return
	}
	if len(t.held) == 0 {
		t.heldAt, t.heldTag = at, t.tag()
	}
	t.held = append(t.held, p...)
	cuts := lineEnds(t.held)
	n := 0
	if len(cuts) > 0 {
		n = cuts[len(cuts)-1]
	}
	if rest := t.held[n:]; isPrompt(rest) || len(rest) >= maxHeld {
		n = len(t.held)
	}
	t.release(n)
	if n > 0 && len(t.held) > 0 {
		t.heldAt, t.heldTag = at, t.tag() // what is still held came in this read
	}
}

// lineEnds returns the offsets just past each line end in p, the way a
// transcript splits events: a line ends at LF, or at a CR not followed by
// LF, once it has text. So the CR LF that opens a result stays with it
// ("<CR><LF>OK<CR><LF>") and an echo is a line of its own ("AT<CR>"). A CR
// at the end of p may be followed by LF in the next read: it is not an end
// yet.
func lineEnds(p []byte) []int {
	var cuts []int
	text := false
	for i, c := range p {
		end := false
		switch c {
		case '\n':
			end = text
		case '\r':
			end = text && i+1 < len(p) && p[i+1] != '\n'
		default:
			text = true
		}
		if end {
			cuts = append(cuts, i+1)
			text = false
		}
	}
	return cuts
}

// isPrompt reports whether p is a `>` prompt waiting for a payload.
func isPrompt(p []byte) bool {
	p = bytes.TrimLeft(p, "\r\n")
	return bytes.Equal(p, []byte(">")) || bytes.Equal(p, []byte("> "))
}

// Flush writes the modem bytes still held, at the end of a session.
func (t *Tracer) Flush() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.release(len(t.held))
}

// release traces the first n held modem bytes, one trace line per line.
func (t *Tracer) release(n int) {
	if n == 0 {
		return
	}
	start := 0
	for _, end := range lineEnds(t.held[:n]) {
		t.line("<-", t.heldAt, t.heldTag, t.held[start:end])
		start = end
	}
	if start < n {
		t.line("<-", t.heldAt, t.heldTag, t.held[start:n])
	}
	t.held = append(t.held[:0], t.held[n:]...)
}

func (t *Tracer) line(arrow string, at time.Time, tag string, p []byte) {
	text := engine.Escape([]byte(t.secrets.Redact(string(p))))
	offset := fmt.Sprintf("%10.6f", at.Sub(t.start).Seconds())
	colour := ansi.Green
	if arrow == "->" {
		colour = ansi.Cyan
	}
	fmt.Fprintf(t.w, "%s %-18s %s %s\n",
		ansi.Paint(t.colour, ansi.Dim, offset), ansi.Paint(t.colour, ansi.Dim, tag),
		ansi.Paint(t.colour, colour, arrow), text)
}
