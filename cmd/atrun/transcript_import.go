package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/atrun/atrun/engine/secret"
	"github.com/atrun/atrun/engine/tap"
	"github.com/atrun/atrun/engine/transcript"
	"github.com/atrun/atrun/explain"
)

func importAction(c *cli.Context) error {
	in, err := readLogInput(c, "atrun transcript import")
	if err != nil {
		return err
	}
	if isTranscript(in.data) {
		return usagef("%s is already a transcript: replay it with 'atrun replay SCRIPT %s'", in.name, in.arg)
	}
	out, err := importLog(in.data, in.name, in.format, time.Now())
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
	var b bytes.Buffer
	fmt.Fprintf(&b, "# Imported by atrun transcript import from %s (format %s).\n", filepath.Base(name), format)
	fmt.Fprintf(&b, "# %s\n", timingNote(entries))
	b.WriteString("# The script that ran is unknown: replay with 'atrun replay SCRIPT FILE'.\n")
	if err := record(&b, events, now.UTC().Truncate(time.Microsecond)); err != nil {
		return nil, fmt.Errorf("importing %s: %w", name, err)
	}
	if _, err := transcript.Parse(b.Bytes(), name); err != nil {
		return nil, fmt.Errorf("importing %s made a transcript atrun cannot read back: %w", name, err)
	}
	return b.Bytes(), nil
}

// record plays the conversation into the transcript recorder, as if it
// happened now: events are cut as in a live recording, and the passwords
// the log's commands carry (AT+QMTCONN, AT+QICSGP, AT+CPIN) are redacted in
// the commands and in their echoes. The outcome is unknown, so there is no
// end line.
func record(w io.Writer, events []explain.Event, start time.Time) error {
	rec, err := transcript.NewRecorder(w, transcript.Header{Port: "imported", Atrun: version, Start: start}, &secret.Set{})
	if err != nil {
		return err
	}
	for _, e := range events {
		dir := tap.FromModem
		if e.Dir == explain.Host {
			dir = tap.ToModem
		}
		rec.Tap(dir, start.Add(e.Offset), e.Data)
	}
	return rec.Flush()
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
