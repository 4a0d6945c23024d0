package explain

import (
	"time"

	"github.com/atrun/atrun/engine/transcript"
)

// KindEnd marks the end line of a transcript in what ExplainTranscript
// gives: not modem output, but how the session ended.
const KindEnd Kind = "end"

// ExplainTranscript classifies the events of a transcript and hands each
// entry to emit, the end line last. Host writes are gathered into commands
// at their CR (a payload has none); the modem's bytes are cut into lines
// the way the engine frames them. Entries carry the transcript's line
// numbers and times. A secret cut out of an event reads "<redacted>".
func ExplainTranscript(t *transcript.Transcript, emit func(Entry) error) error {
	var sh shape
	transcriptRecords(t, sh.see)
	c := newClassifier(sh, emit)
	transcriptRecords(t, func(r record) {
		if c.err == nil {
			c.record(r)
		}
	})
	c.finish()
	if c.err != nil {
		return c.err
	}
	if end, ok := endEntry(t); ok {
		return emit(end)
	}
	return nil
}

// transcriptRecords turns the transcript's events into records, with the
// same host gathering and modem framing as a byte trace.
func transcriptRecords(t *transcript.Transcript, emit func(record)) {
	at := map[int]time.Duration{} // event time by line
	timed := func(r record) {
		r.at, r.hasTime = at[r.line], true
		emit(r)
	}
	r := &ewfReader{emit: timed, modem: newFramer(1, false)}
	for _, e := range t.Events {
		if e.Kind != transcript.Host && e.Kind != transcript.Modem {
			continue
		}
		at[e.Line] = e.At
		data := WithHoles(e.Data)
		if e.Kind == transcript.Host {
			r.emitAll(r.modem.take(true))
			r.write(e.Line, string(data))
			continue
		}
		r.flushHost()
		r.modem.feed(data, e.Line)
		r.emitAll(r.modem.take(false))
	}
	r.flushHost()
	r.emitAll(r.modem.flush())
}

// WithHoles is the event's bytes with "<redacted>" where a secret was cut
// out, so that a command that carried a password still reads whole.
func WithHoles(t transcript.Text) []byte {
	if len(t.Holes) == 0 {
		return t.Bytes
	}
	var out []byte
	prev := 0
	for _, h := range t.Holes {
		out = append(out, t.Bytes[prev:h]...)
		out = append(out, "<redacted>"...)
		prev = h
	}
	return append(out, t.Bytes[prev:]...)
}

// endEntry describes the end line of a transcript, if it has one.
func endEntry(t *transcript.Transcript) (Entry, bool) {
	failure, ended := t.Outcome()
	if !ended {
		return Entry{}, false
	}
	last := t.Events[len(t.Events)-1]
	e := Entry{Line: last.Line, Kind: KindEnd, Text: failure, Offset: last.At, HasTime: true,
		Meaning: "the session ended successfully"}
	if failure != "" {
		e.Meaning = "the session failed"
	}
	return e, true
}
