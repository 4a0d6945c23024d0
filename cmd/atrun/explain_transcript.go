package main

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/atrun/atrun/engine/transcript"
	"github.com/atrun/atrun/explain"
)

// explainTranscript classifies the events of a transcript. The explain
// package reads byte-exact traces in the EWF layout (host writes and
// modem reads, one per line), so each event becomes one such line: host
// writes are gathered into commands and payload, modem bytes go through
// the same framer and classifier as any captured log. The entries then
// get the transcript's own line numbers and times back.
func explainTranscript(t *transcript.Transcript) ([]explain.Entry, error) {
	var trace bytes.Buffer
	var events []transcript.Event // by trace line - 1
	for _, e := range t.Events {
		if e.Kind != transcript.Host && e.Kind != transcript.Modem {
			continue
		}
		tag := "RECV"
		if e.Kind == transcript.Host {
			tag = "SEND"
		}
		data := withHoles(e.Data)
		fmt.Fprintf(&trace, "[%s][%d][%s]\n", tag, len(data), ewfEscape(data))
		events = append(events, e)
	}
	entries, err := explain.Parse(&trace, explain.Options{Format: explain.FormatEWF})
	if err != nil {
		return nil, err
	}
	for i := range entries {
		if n := entries[i].Line; n >= 1 && n <= len(events) {
			ev := events[n-1]
			entries[i].Line, entries[i].Offset, entries[i].HasTime = ev.Line, ev.At, true
		}
	}
	return entries, nil
}

// withHoles is the event's bytes with "<redacted>" where a secret was cut
// out, so that a command that carried a password still reads whole.
func withHoles(t transcript.Text) []byte {
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

// ewfEscape writes bytes the way an EWF trace escapes them: the trace is
// line-based, so line ends and other control bytes must not appear raw.
func ewfEscape(p []byte) string {
	var b strings.Builder
	for _, c := range p {
		switch {
		case c == '\r':
			b.WriteString(`\r`)
		case c == '\n':
			b.WriteString(`\n`)
		case c == '\\':
			b.WriteString(`\\`)
		case c < 0x20 || c >= 0x7f:
			fmt.Fprintf(&b, `\x%02x`, c)
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// transcriptEnd describes the end line of a transcript, if it has one: it
// is not modem output, but it tells how the session ended.
func transcriptEnd(t *transcript.Transcript) (explain.Entry, bool) {
	failure, ended := t.Outcome()
	if !ended {
		return explain.Entry{}, false
	}
	last := t.Events[len(t.Events)-1]
	e := explain.Entry{Line: last.Line, Kind: kindEnd, Text: failure, Offset: last.At, HasTime: true,
		Meaning: "the session ended successfully"}
	if failure != "" {
		e.Meaning = "the session failed"
	}
	return e, true
}

// kindEnd marks the end of a recorded session in explain's output.
const kindEnd explain.Kind = "end"
