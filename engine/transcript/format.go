package transcript

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"time"
)

// Version is the format version this package writes.
const Version = 3

// supported lists the format versions Parse accepts. v2 added the word of
// an end line (how the session ended) and the file events; v3 the mark
// events.
func supported() []int { return []int{1, 2, 3} }

const (
	magic    = "atrun-transcript"
	hole     = "<redacted>"
	timeUnit = time.Microsecond
	// startLayout keeps the start time at the resolution of event times.
	startLayout = "2006-01-02T15:04:05.000000Z07:00"
)

// Kind says what an event is.
type Kind byte

const (
	// Host is bytes the host wrote to the modem.
	Host Kind = iota + 1
	// Modem is bytes the modem sent.
	Modem
	// End marks when the session closed.
	End
	// File is (part of) a file the script read through atrun, such as a
	// certificate it uploaded (v2): a replay serves it from the transcript.
	File
	// Mark is a named point between bytes (v3): tap.MarkDrained is where
	// the clean start's drain ended, so that a replay ends it there too.
	Mark
)

func (k Kind) String() string {
	switch k {
	case Host:
		return "host"
	case Modem:
		return "modem"
	case End:
		return "end"
	case File:
		return "file"
	case Mark:
		return "mark"
	}
	return "kind(" + strconv.Itoa(int(k)) + ")"
}

// Text is a byte string from which secrets may have been cut out. Holes
// lists the offsets in Bytes at which a redacted span stood, ascending and
// each at most once: two secrets side by side leave one hole, since a hole
// stands for any number of bytes.
type Text struct {
	Bytes []byte
	Holes []int
}

// Plain returns s as a Text with no hole.
func Plain(s string) Text { return Text{Bytes: []byte(s)} }

// IsEmpty reports whether t holds neither bytes nor holes.
func (t Text) IsEmpty() bool { return len(t.Bytes) == 0 && len(t.Holes) == 0 }

// String renders t as it appears in a transcript: quoted runs of bytes and
// <redacted> where a secret stood.
func (t Text) String() string { return string(appendText(nil, t)) }

func (t *Text) addHole() {
	n := len(t.Bytes)
	if k := len(t.Holes); k == 0 || t.Holes[k-1] != n {
		t.Holes = append(t.Holes, n)
	}
}

// hasHole reports whether a hole stands right before Bytes[off].
func (t Text) hasHole(off int) bool {
	for _, h := range t.Holes {
		if h == off {
			return true
		}
		if h > off {
			break
		}
	}
	return false
}

// truncate returns the first n bytes of t and the holes among them.
func (t Text) truncate(n int) Text {
	if n >= len(t.Bytes) {
		return t
	}
	out := Text{Bytes: t.Bytes[:n]}
	for _, h := range t.Holes {
		if h <= n {
			out.Holes = append(out.Holes, h)
		}
	}
	return out
}

// Event is one timed line of a transcript's body.
type Event struct {
	At   time.Duration // since the transcript's start, microsecond resolution
	Kind Kind
	Data Text // the bytes; for End, the message the session ended with (empty: it succeeded)
	Line int  // where Parse found it; 0 for events built in code
	// EndKind is how the session ended, for an End event. Unrecorded (the
	// zero) in an End event built in code means Succeeded, or Failed when
	// Data holds a message: see Event.Ending.
	EndKind EndKind
	// Name is the file's name, for a File event: the path as the script
	// gave it; for a Mark, the mark's name.
	Name string
}

// String renders the event as its transcript line, without the newline.
func (e Event) String() string {
	b := appendEvent(nil, e)
	return string(b[:len(b)-1])
}

// Param is one of the script's parameters, as given on the command line.
type Param struct {
	Name  string
	Value Text
}

// Header says where a transcript came from. Every field is optional.
type Header struct {
	Version int       // the format version read; writers always write Version
	Script  string    // the script that ran
	Port    string    // the port it ran on
	Baud    int       // the port's speed; 0 when unknown or not a serial line
	Atrun   string    // the atrun version that recorded the session
	Start   time.Time // when the session started; event times count from here
	Params  []Param   // the script's parameters, secrets redacted
	// Resync is true when the session began with the engine's clean start
	// (engine.Conn.Resync: pending bytes drained, AT until a clean OK)
	// before the script ran; a replay does the same, so its writes match.
	Resync bool
}

// Files returns the contents of the files the script read, by name, with
// their parts joined in order. A redacted span (a secret in the file) is
// left out.
func (t *Transcript) Files() map[string][]byte {
	out := map[string][]byte{}
	for _, e := range t.Events {
		if e.Kind == File {
			out[e.Name] = append(out[e.Name], e.Data.Bytes...)
		}
	}
	return out
}

// Transcript is a parsed transcript file.
type Transcript struct {
	Name   string // the file name, for messages
	Header Header
	Events []Event // in file order; an End event, if any, is the last
}

// Outcome tells how the recorded session ended: ended is false for a
// recording cut short (no end line); failure is the message the session
// failed with, "" when it succeeded. A session stopped from outside (see
// EndKind) with no message gives the name of its ending. Ending tells more.
func (t *Transcript) Outcome() (failure string, ended bool) {
	e := t.Ending()
	if e.Kind.Stops() && e.Message == "" {
		return e.Describe(), true
	}
	return e.Message, e.Ended()
}

// WriteTo writes t in the current format (Version). It refuses a transcript it could not
// read back (times going backwards, an event after End, a bad parameter
// name, an empty event).
func (t *Transcript) WriteTo(w io.Writer) (int64, error) {
	if err := t.validate(); err != nil {
		return 0, err
	}
	b := appendHeader(nil, t.Header)
	for _, e := range t.Events {
		b = appendEvent(b, e)
	}
	n, err := w.Write(b)
	return int64(n), err
}

func (t *Transcript) validate() error {
	for _, p := range t.Header.Params {
		if !validName(p.Name) {
			return fmt.Errorf("transcript: parameter name %q is not a word of letters, digits, _ . -", p.Name)
		}
	}
	if t.Header.Baud < 0 {
		return errors.New("transcript: negative baud rate")
	}
	if !t.Header.Start.IsZero() && !startInRange(t.Header.Start) {
		return errors.New("transcript: start time outside the years 0000 to 9999 in UTC")
	}
	var last time.Duration
	for i, e := range t.Events {
		switch {
		case e.At < last:
			return fmt.Errorf("transcript: event %d goes back in time", i)
		case e.Kind == End && e.EndKind == Succeeded && !e.Data.IsEmpty():
			return fmt.Errorf("transcript: event %d: a successful end carries no message", i)
		case e.Kind == End && i != len(t.Events)-1:
			return fmt.Errorf("transcript: event %d: end must be the last event", i)
		case (e.Kind == Host || e.Kind == Modem) && e.Data.IsEmpty():
			return fmt.Errorf("transcript: event %d carries no data", i)
		case (e.Kind == File || e.Kind == Mark) && e.Name == "":
			return fmt.Errorf("transcript: event %d: a %v event needs a name", i, e.Kind)
		case e.Kind != Host && e.Kind != Modem && e.Kind != End && e.Kind != File && e.Kind != Mark:
			return fmt.Errorf("transcript: event %d has unknown kind %v", i, e.Kind)
		}
		last = e.At
	}
	return nil
}

// startInRange reports whether t can be written as an RFC 3339 time in UTC.
func startInRange(t time.Time) bool {
	y := t.UTC().Year()
	return 0 <= y && y <= 9999
}

func validName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		ok := c == '_' || c == '.' || c == '-' || '0' <= c && c <= '9' ||
			'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
		if !ok {
			return false
		}
	}
	return true
}

// appendHeader writes the magic line and the non-empty header fields,
// followed by a blank line that sets them apart from the events.
func appendHeader(b []byte, h Header) []byte {
	b = append(b, "# atrun session transcript; the format is described in docs/transcripts.md\n"...)
	b = fmt.Appendf(b, "%s v%d\n", magic, Version)
	field := func(key, v string) {
		if v != "" {
			b = append(b, key...)
			b = append(b, ' ')
			b = appendQuoted(b, []byte(v))
			b = append(b, '\n')
		}
	}
	field("script", h.Script)
	field("port", h.Port)
	if h.Baud > 0 {
		b = fmt.Appendf(b, "baud %d\n", h.Baud)
	}
	field("atrun", h.Atrun)
	if h.Resync {
		b = append(b, "resync on\n"...)
	}
	if !h.Start.IsZero() {
		b = append(b, "start "...)
		b = h.Start.UTC().AppendFormat(b, startLayout)
		b = append(b, '\n')
	}
	for _, p := range h.Params {
		b = append(b, "param "...)
		b = append(b, p.Name...)
		b = append(b, ' ')
		b = appendText(b, p.Value)
		b = append(b, '\n')
	}
	return append(b, '\n')
}

// appendEvent writes one event line. The kind is padded so that the data of
// host and modem lines start in the same column.
func appendEvent(b []byte, e Event) []byte {
	b = appendTime(b, e.At)
	b = append(b, ' ')
	switch e.Kind {
	case Host:
		b = append(b, "host  "...)
	case Modem:
		b = append(b, "modem "...)
	case File:
		b = append(b, "file  "...)
		b = appendQuoted(b, []byte(e.Name))
		b = append(b, ' ')
		return append(appendText(b, e.Data), '\n')
	case Mark:
		b = append(b, "mark  "...)
		return append(appendQuoted(b, []byte(e.Name)), '\n')
	case End:
		b = append(b, "end"...)
		end := e.Ending()
		if w, ok := endWords[end.Kind]; ok {
			b = append(b, ' ')
			b = append(b, w...)
		}
		if e.Data.IsEmpty() {
			return append(b, '\n')
		}
		b = append(b, ' ')
	default:
		b = append(b, e.Kind.String()...)
		if e.Data.IsEmpty() {
			return append(b, '\n')
		}
		b = append(b, ' ')
	}
	return append(appendText(b, e.Data), '\n')
}

// appendTime writes d as seconds with exactly six decimals.
func appendTime(b []byte, d time.Duration) []byte {
	us := int64(d / timeUnit)
	b = strconv.AppendInt(b, us/1e6, 10)
	frac := us % 1e6
	b = append(b, '.')
	for div := int64(1e5); div > 0; div /= 10 {
		b = append(b, byte('0'+frac/div%10))
	}
	return b
}

// appendText writes the quoted runs of t with a <redacted> token at each
// hole, separated by single spaces.
func appendText(b []byte, t Text) []byte {
	if t.IsEmpty() {
		return append(b, `""`...)
	}
	prev, first := 0, true
	sep := func() {
		if !first {
			b = append(b, ' ')
		}
		first = false
	}
	for _, h := range t.Holes {
		if h > prev {
			sep()
			b = appendQuoted(b, t.Bytes[prev:h])
		}
		sep()
		b = append(b, hole...)
		prev = h
	}
	if prev < len(t.Bytes) {
		sep()
		b = appendQuoted(b, t.Bytes[prev:])
	}
	return b
}

const hexDigits = "0123456789abcdef"

// appendQuoted writes p as a double-quoted string that is also a valid Go
// string literal. Only printable ASCII appears as itself, so the file stays
// ASCII and every invisible or non-ASCII byte is visible in review.
func appendQuoted(b, p []byte) []byte {
	b = append(b, '"')
	for _, c := range p {
		switch {
		case c == '"' || c == '\\':
			b = append(b, '\\', c)
		case c == '\r':
			b = append(b, `\r`...)
		case c == '\n':
			b = append(b, `\n`...)
		case c == '\t':
			b = append(b, `\t`...)
		case c < 0x20 || c >= 0x7f:
			b = append(b, '\\', 'x', hexDigits[c>>4], hexDigits[c&15])
		default:
			b = append(b, c)
		}
	}
	return append(b, '"')
}
