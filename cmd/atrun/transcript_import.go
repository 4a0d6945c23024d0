package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/atrun/atrun/engine/transcript"
	"github.com/atrun/atrun/explain"
)

// maxEventBytes is how many bytes an imported event holds at most, as in
// a recording: long payloads continue on the next line, at the same time.
const maxEventBytes = 100

func importAction(c *cli.Context) error {
	arg, err := oneLogArg(c, "atrun transcript import")
	if err != nil {
		return err
	}
	format, err := logFormat(c.String("format"))
	if err != nil {
		return err
	}
	data, name, err := readLog(arg, c.App.Reader)
	if err != nil {
		return err
	}
	if isTranscript(data) {
		return usagef("%s is already a transcript: replay it with 'atrun replay SCRIPT %s'", name, arg)
	}
	out, err := importLog(data, name, format, time.Now())
	if err != nil {
		return err
	}
	return writeOutput(c, c.String("output"), out)
}

// importLog turns a log into the text of a transcript, checked by reading
// it back: what import writes, replay reads.
func importLog(data []byte, name string, format explain.Format, now time.Time) ([]byte, error) {
	body, _ := stripLogHeader(data)
	if format == explain.FormatAuto {
		format = explain.Detect(body)
	}
	entries, err := explain.Parse(bytes.NewReader(body), explain.Options{Format: format})
	if err != nil {
		return nil, usagef("%s: %v", name, err)
	}
	events := explain.Events(entries)
	if len(events) == 0 {
		return nil, usagef("%s holds no AT commands or modem output to import (wrong --format?)", name)
	}
	t := &transcript.Transcript{Header: transcript.Header{
		Port: "imported", Atrun: version, Start: now.UTC().Truncate(time.Microsecond),
	}}
	for _, e := range events {
		t.Events = append(t.Events, importEvents(e)...)
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "# Imported by atrun transcript import from %s (format %s).\n", filepath.Base(name), format)
	fmt.Fprintf(&b, "# %s\n", timingNote(entries))
	b.WriteString("# The script that ran is unknown: replay with 'atrun replay SCRIPT FILE'.\n")
	if _, err := t.WriteTo(&b); err != nil {
		return nil, fmt.Errorf("importing %s: %w", name, err)
	}
	if _, err := transcript.Parse(b.Bytes(), name); err != nil {
		return nil, fmt.Errorf("importing %s made a transcript atrun cannot read back: %w", name, err)
	}
	return b.Bytes(), nil
}

// importEvents converts one step of the conversation, cut after each line
// end and at maxEventBytes, the way the recorder cuts events.
func importEvents(e explain.Event) []transcript.Event {
	kind := transcript.Modem
	if e.Dir == explain.Host {
		kind = transcript.Host
	}
	at := e.Offset.Truncate(time.Microsecond)
	var out []transcript.Event
	for _, piece := range cutEvent(e.Data) {
		out = append(out, transcript.Event{At: at, Kind: kind, Data: transcript.Plain(string(piece))})
	}
	return out
}

// cutEvent splits p the way the recorder cuts events: after a line feed
// once the line has text (so "\r\nOK\r\n" stays whole), and into pieces
// of at most maxEventBytes.
func cutEvent(p []byte) [][]byte {
	var out [][]byte
	start, text := 0, false
	for i, c := range p {
		if c != '\r' && c != '\n' {
			text = true
		}
		if c == '\n' && text || i+1-start == maxEventBytes {
			out = append(out, p[start:i+1])
			start, text = i+1, false
		}
	}
	if start < len(p) {
		out = append(out, p[start:])
	}
	return out
}

// timingNote says where the transcript's times come from.
func timingNote(entries []explain.Entry) string {
	timed, lines := 0, 0
	for _, e := range entries {
		if e.Kind == explain.KindNoise {
			continue
		}
		lines++
		if e.HasTime {
			timed++
		}
	}
	switch {
	case timed == 0:
		return "The log has no times: the events are spaced by typical delays, made up."
	case timed < lines:
		return "Times come from the log's timestamps; where it has none, typical delays are made up."
	}
	return "Times come from the log's timestamps."
}

// writeOutput writes data to file, or to standard output for "" or "-".
func writeOutput(c *cli.Context, file string, data []byte) error {
	if file == "" || file == "-" {
		_, err := c.App.Writer.Write(data)
		return err
	}
	if err := os.WriteFile(file, data, 0o644); err != nil {
		return usagef("cannot write the transcript: %v", unwrapPath(err))
	}
	return nil
}
