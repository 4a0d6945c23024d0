package transcript

import (
	"bytes"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/atrun/atrun/engine/secret"
	"github.com/atrun/atrun/engine/tap"
)

// maxEventBytes bounds the literal bytes of one event line, so that long
// payloads stay readable and diffs stay local.
const maxEventBytes = 100

// Recorder is a tap.Sink that writes a transcript as the session runs. Each
// Tap ends in one Write of whole lines, so a session that crashes or is
// interrupted leaves a valid transcript of everything recorded so far.
//
// Secrets never reach the writer. Host writes are scanned for commands that
// carry one (secret.Set.LearnCommand) before they are recorded. Modem bytes
// may split a secret across reads, so a tail of the modem stream that
// begins a secret is held back until the next read, a host write or End shows
// whether they begin a secret. Held bytes keep the time they arrived at.
type Recorder struct {
	mu      sync.Mutex
	w       io.Writer
	secrets *secret.Set
	start   time.Time
	last    time.Duration // time of the last event; keeps times in order
	held    []byte        // modem bytes not yet written
	marks   []mark        // when the held bytes arrived
	buf     []byte        // lines of the current Tap, reused
	err     error
	ended   bool
	files   map[string]bool // the files recorded, by name
}

// mark says that the bytes from off on arrived at at.
type mark struct {
	off int
	at  time.Duration
}

// NewRecorder writes h (redacting its fields with secrets) to w and returns
// a recorder for the session. A zero h.Start means now. A nil secrets gets a
// set of its own, so that passwords in commands are still learned.
func NewRecorder(w io.Writer, h Header, secrets *secret.Set) (*Recorder, error) {
	if secrets == nil {
		secrets = new(secret.Set)
	}
	if h.Start.IsZero() {
		h.Start = time.Now()
	}
	r := &Recorder{w: w, secrets: secrets, start: h.Start}
	h.Start = h.Start.Truncate(timeUnit)
	h.Script = secrets.Redact(h.Script)
	h.Port = secrets.Redact(h.Port)
	h.Atrun = secrets.Redact(h.Atrun)
	params := make([]Param, len(h.Params))
	for i, p := range h.Params {
		params[i] = Param{Name: p.Name, Value: redactText(p.Value, secrets)}
	}
	h.Params = params
	t := Transcript{Header: h}
	if err := t.validate(); err != nil {
		return nil, err
	}
	if _, err := w.Write(appendHeader(nil, h)); err != nil {
		return nil, err
	}
	return r, nil
}

// redactText cuts the secrets out of the literal bytes of t.
func redactText(t Text, secrets *secret.Set) Text {
	var out Text
	prev := 0
	for _, h := range t.Holes {
		appendRedacted(&out, t.Bytes[prev:h], secrets.Spans(t.Bytes[prev:h]))
		out.addHole()
		prev = h
	}
	appendRedacted(&out, t.Bytes[prev:], secrets.Spans(t.Bytes[prev:]))
	return out
}

// appendRedacted appends p to t with a hole in place of each span.
func appendRedacted(t *Text, p []byte, spans []secret.Span) {
	prev := 0
	for _, s := range spans {
		t.Bytes = append(t.Bytes, p[prev:s.Start]...)
		t.addHole()
		prev = s.End
	}
	t.Bytes = append(t.Bytes, p[prev:]...)
}

// Tap records p. Errors are kept for End and Err; after one, and after End,
// Tap does nothing.
func (r *Recorder) Tap(dir tap.Dir, at time.Time, p []byte) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.err != nil || r.ended || len(p) == 0 {
		return
	}
	r.buf = r.buf[:0]
	if dir == tap.ToModem {
		r.learn(p)
		// Held modem bytes arrived before this write: out they go, first.
		r.release(len(r.held))
		r.emit(Host, p, []mark{{0, r.offset(at)}}, r.secrets.Spans(p))
	} else {
		r.held = append(r.held, p...)
		r.marks = append(r.marks, mark{len(r.held) - len(p), r.offset(at)})
		r.release(len(r.held) - r.secrets.Pending(r.held))
	}
	r.flush()
}

// File records the contents of a file the script read (name as the script
// gave it), so that a replay serves it from the transcript and never
// depends on the recording machine's files. Secrets in it are redacted.
// Lines are cut as host writes are. Each name is recorded once, when first
// read: a replay serves those contents for every read.
func (r *Recorder) File(at time.Time, name string, data []byte) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.err != nil || r.ended || name == "" || r.files[name] {
		return
	}
	if r.files == nil {
		r.files = map[string]bool{}
	}
	r.files[name] = true
	r.buf = r.buf[:0]
	r.release(len(r.held))
	spans := r.secrets.Spans(data)
	off := r.offset(at)
	cuts := splitPoints(data, nil, spans)
	if len(data) == 0 {
		cuts = nil
		r.buf = appendEvent(r.buf, Event{At: off, Kind: File, Name: name})
	}
	start := 0
	for _, end := range cuts {
		ev := Event{At: off, Kind: File, Name: name}
		appendRedacted(&ev.Data, data[start:end], spansIn(spans, start, end))
		r.buf = appendEvent(r.buf, ev)
		start = end
	}
	r.flush()
}

// Mark records a named point of the session (tap.MarkDrained: where the
// clean start's drain ended). Modem bytes held back in case they began a
// secret arrived before it, so they are written first, as before a host
// write.
func (r *Recorder) Mark(at time.Time, name string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.err != nil || r.ended || name == "" {
		return
	}
	r.buf = r.buf[:0]
	r.release(len(r.held))
	r.buf = appendEvent(r.buf, Event{At: r.offset(at), Kind: Mark, Name: name})
	r.flush()
}

// learn looks for secrets in every command line of a host write.
func (r *Recorder) learn(p []byte) {
	for _, line := range bytes.FieldsFunc(p, func(c rune) bool { return c == '\r' || c == '\n' }) {
		r.secrets.LearnCommand(string(line))
	}
}

// End writes what is held back and the end event of a session that
// succeeded, and reports the first write error of the recording. It does
// not close the writer.
func (r *Recorder) End(at time.Time) error { return r.EndAs(at, Ending{Kind: Succeeded}) }

// EndWith is End for a session that ended with failure, the message the
// run reported (secrets redacted); a replay expects the same failure. An
// empty failure is a success.
func (r *Recorder) EndWith(at time.Time, failure string) error {
	if failure == "" {
		return r.End(at)
	}
	return r.EndAs(at, Ending{Kind: Failed, Message: failure})
}

// EndAs writes what is held back and the end event saying how the session
// ended: a success, a failure, an interruption, the time limit or the port
// lost, with the run's message (secrets are redacted here). Every exit path
// of a run ends its recording this way, so that a replay expects the same
// outcome. A recording whose outcome is unknown (an imported log that shows
// none) calls Flush instead, and gets no end line; Unrecorded is refused.
func (r *Recorder) EndAs(at time.Time, end Ending) error {
	if end.Kind == Unrecorded || end.Kind == Succeeded && end.Message != "" {
		return fmt.Errorf("transcript: cannot end a recording as %v with message %q", end.Kind, end.Message)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.err != nil || r.ended {
		return r.err
	}
	r.ended = true
	r.buf = r.buf[:0]
	r.release(len(r.held))
	r.buf = appendEvent(r.buf, Event{At: r.offset(at), Kind: End, EndKind: end.Kind, Data: r.redactText(end.Message)})
	r.flush()
	return r.err
}

// Flush writes the modem bytes held back in case they began a secret, with
// no end line: for a recording whose outcome is unknown, such as a log
// being imported. Recording may go on afterwards. It reports the first
// write error.
func (r *Recorder) Flush() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.err != nil || r.ended {
		return r.err
	}
	r.buf = r.buf[:0]
	r.release(len(r.held))
	r.flush()
	return r.err
}

// Err reports the first error writing the transcript.
func (r *Recorder) Err() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.err
}

func (r *Recorder) flush() {
	if len(r.buf) > 0 {
		_, r.err = r.w.Write(r.buf)
	}
}

// offset turns a time into an event time: at microsecond resolution and
// never before the previous event.
func (r *Recorder) offset(at time.Time) time.Duration {
	d := max(at.Sub(r.start).Truncate(timeUnit), r.last)
	r.last = d
	return d
}

// release emits the first n held modem bytes, or more when n falls inside a
// secret: that secret is complete (Spans finds only whole ones), so it goes
// out whole. A secret that starts before n is always complete: an
// incomplete one would begin the tail that Pending holds back.
func (r *Recorder) release(n int) {
	if n <= 0 {
		return
	}
	spans := r.secrets.Spans(r.held)
	keep := spans[:0]
	for _, s := range spans {
		if s.Start >= n {
			break
		}
		n = max(n, s.End)
		keep = append(keep, s)
	}
	cut := 0
	for cut < len(r.marks) && r.marks[cut].off < n {
		cut++
	}
	r.emit(Modem, r.held[:n], r.marks[:cut], keep)
	// The bytes left over arrived at the time of the last mark before n,
	// unless a mark starts exactly at n.
	rest := r.marks[cut:]
	if n < len(r.held) && (len(rest) == 0 || rest[0].off > n) {
		rest = append([]mark{{n, r.marks[cut-1].at}}, rest...)
	}
	marks := make([]mark, 0, len(rest))
	for _, m := range rest {
		marks = append(marks, mark{m.off - n, m.at})
	}
	r.marks = marks
	r.held = append(r.held[:0], r.held[n:]...)
}

// spansIn returns the secrets' spans that lie within data[start:end],
// counted from start: an event's data is cut at span boundaries
// (splitPoints), so a span is either wholly in an event or not in it.
func spansIn(spans []secret.Span, start, end int) []secret.Span {
	var sub []secret.Span
	for _, s := range spans {
		if s.Start >= start && s.End <= end {
			sub = append(sub, secret.Span{Start: s.Start - start, End: s.End - start})
		}
	}
	return sub
}

// emit appends the event lines for data to r.buf. A new event starts after
// each line's end, where the arrival time changes, and every maxEventBytes
// literal bytes; never inside a secret. A secret that arrived across two
// reads takes the later time, when it was complete.
func (r *Recorder) emit(kind Kind, data []byte, marks []mark, spans []secret.Span) {
	cuts := splitPoints(data, marks, spans)
	start := 0
	for _, end := range cuts {
		ev := Event{At: timeAt(marks, start, spans), Kind: kind}
		appendRedacted(&ev.Data, data[start:end], spansIn(spans, start, end))
		r.buf = appendEvent(r.buf, ev)
		start = end
	}
}

// timeAt is the arrival time of the event starting at off: the time of the
// last mark at or before it, a mark inside a secret counting from the
// secret's start.
func timeAt(marks []mark, off int, spans []secret.Span) time.Duration {
	var at time.Duration
	for _, m := range marks {
		if spanStart(m.off, spans) <= off {
			at = m.at
		}
	}
	return at
}

// spanStart moves an offset inside a secret to the secret's start.
func spanStart(off int, spans []secret.Span) int {
	for _, s := range spans {
		if s.Start < off && off < s.End {
			return s.Start
		}
	}
	return off
}

// splitPoints returns the offsets at which the events of data end, the last
// being len(data).
//
// A line ends after its terminator (CR LF, a lone LF or a lone CR), but only
// once it has text: the CR LF that opens a verbose result code stays with
// it, so "\r\nOK\r\n" is one event and an echo "AT\r" is another.
func splitPoints(data []byte, marks []mark, spans []secret.Span) []int {
	var cuts []int
	start, text := 0, false
	for i, c := range data {
		end := i + 1
		cut := false
		switch c {
		case '\n':
			cut = text
		case '\r':
			cut = text && (end == len(data) || data[end] != '\n')
		default:
			text = true
		}
		if end-start >= maxEventBytes {
			cut = true
		}
		for _, m := range marks {
			if m.off > start && spanStart(m.off, spans) == end {
				cut = true
			}
		}
		if !cut || end == len(data) || spanStart(end, spans) != end {
			continue
		}
		cuts = append(cuts, end)
		start, text = end, false
	}
	return append(cuts, len(data))
}

// redactText turns a message into event data with the known secrets cut
// out.
func (r *Recorder) redactText(msg string) Text {
	if msg == "" {
		return Text{}
	}
	return Plain(r.secrets.Redact(msg))
}
