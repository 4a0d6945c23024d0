package explain

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/atrun/atrun/engine/secret"
	"github.com/atrun/atrun/engine/tap"
	"github.com/atrun/atrun/engine/transcript"
	"github.com/atrun/atrun/internal/lazyre"
)

// ImportOptions tune Import.
type ImportOptions struct {
	Format Format // FormatAuto detects it
	Name   string // the log's name, for the transcript's comment
	Atrun  string // the atrun version, for the header
}

// importBase is the instant the recorder counts event times from. The
// header shows no start (an imported log's date is unknown); the times of
// events are offsets from the log's first line.
var importBase = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

// Import turns a log into a transcript written to w, streaming: the log is
// read three times (what it shows, then the transcript), and neither its
// entries nor its events are held. The host's commands become host
// writes, the modem's lines modem bytes with their line ends restored. The
// comments at the top say what was inferred: the format, where the times
// come from, the log's start, and the outcome. The outcome is recorded
// only when the log shows it: the program's own report that it failed,
// printed after its last AT traffic, ends the transcript as a failure with
// that message; otherwise there is no end line.
func Import(w io.Writer, data []byte, opts ImportOptions) error {
	body, skipped := StripHeader(data)
	log := View(body)
	sum, err := summarise(log, opts.Format)
	if err != nil {
		return err
	}
	if sum.traffic == 0 {
		return &UnrecognisedError{Format: sum.info.Format, Forced: opts.Format != FormatAuto}
	}
	bw := bufio.NewWriter(w)
	writeNotes(bw, opts.Name, skipped, sum)
	rec, err := transcript.NewRecorder(&noStart{w: bw}, transcript.Header{Port: "imported", Atrun: opts.Atrun, Start: importBase}, &secret.Set{})
	if err != nil {
		return err
	}
	tapEvent := func(ev Event) {
		dir := tap.FromModem
		if ev.Dir == Host {
			dir = tap.ToModem
		}
		rec.Tap(dir, importBase.Add(ev.Offset), ev.Data)
	}
	var end time.Duration
	if sum.info.Format == FormatEWF {
		end = ewfEvents(log, tapEvent)
	} else {
		b := newBuilder(tapEvent)
		opt := Options{Format: sum.info.Format}
		if _, err := Scan(log, opt, func(e Entry) error { b.entry(e); return rec.Err() }); err != nil {
			return err
		}
		b.finish()
		end = b.at
	}
	if sum.failure != "" {
		err = rec.EndWith(importBase.Add(end), sum.failure)
	} else {
		err = rec.Flush()
	}
	if err != nil {
		return err
	}
	return bw.Flush()
}

// summary is what the first pass of an import learned.
type summary struct {
	info     Info
	traffic  int    // entries that are AT traffic
	timed    int    // of them, with a time from the log
	inferred int    // responses whose command was guessed
	failure  string // the program's report of its failure the log ends with, if any
	notes    []string
}

// summarise scans the log for what the transcript's comments say.
func summarise(log string, format Format) (summary, error) {
	var s summary
	var report string // the program's last print after the last AT traffic
	info, err := Scan(log, Options{Format: format}, func(e Entry) error {
		if !traffic(e) {
			if e.Meaning != "" && len(s.notes) < 10 {
				s.notes = append(s.notes, fmt.Sprintf("line %d: %s", e.Line, e.Meaning))
			}
			if t := strings.TrimSpace(e.Text); t != "" {
				report = t
			}
			return nil
		}
		report = ""
		s.traffic++
		if e.HasTime {
			s.timed++
		}
		if e.Inferred {
			s.inferred++
		}
		return nil
	})
	s.info = info
	if failureReport().MatchString(report) {
		s.failure = report
	}
	return s, err
}

// failureReport is a program's own report that it failed, printed after
// the last AT traffic ("Connection failed", "ERROR! 866"). Only such a
// report shows how the session ended: a modem's ERROR to the last command
// says nothing of how the program took it.
var failureReport = lazyre.New(`(?i)\b(?:fail(?:ed|ure|s)?|error|abort(?:ed)?|timed? ?out|giving up)\b`)

// writeNotes writes the comments that open an imported transcript.
func writeNotes(w io.Writer, name string, skipped int, s summary) {
	fmt.Fprintf(w, "# Imported by atrun transcript import from %s (format %s).\n", name, s.info.Format)
	if skipped > 0 {
		fmt.Fprintf(w, "# The log's first %d lines describe it and are not part of it.\n", skipped)
	}
	fmt.Fprintf(w, "# %s\n", timingNote(s))
	switch {
	case s.info.HasStart && s.info.Clock:
		fmt.Fprintf(w, "# The log's clock reads %d ms at its first line; it gives no date or time of day, so the header has no start.\n", s.info.Start.Milliseconds())
	case s.info.HasStart:
		fmt.Fprintf(w, "# The log starts at %s (time of day); it gives no date, so the header has no start.\n", clockText(s.info.Start))
	default:
		fmt.Fprintln(w, "# The log has no date or time: the header has no start.")
	}
	if s.info.Format == FormatEWF {
		fmt.Fprintln(w, "# A byte trace: the bytes both ways are the trace's, exactly; it has no times, so typical delays are made up.")
	}
	for _, n := range s.notes {
		fmt.Fprintf(w, "# Note, %s\n", n)
	}
	if s.inferred > 0 {
		fmt.Fprintf(w, "# The log shows no commands: %d answers name the command they probably answer, and no host write stands for it.\n", s.inferred)
	}
	if s.failure != "" {
		fmt.Fprintf(w, "# The log ends with the program's own report that it failed: the end line records it, and a replay expects the script to fail with the same message.\n")
	} else {
		fmt.Fprintln(w, "# The log shows no outcome (no report of the program's after its last AT traffic; a modem's ERROR says nothing of how the program took it): there is no end line, and a replay holds the script to succeeding.")
	}
	fmt.Fprintln(w, "# The script that ran is unknown: replay with 'atrun replay SCRIPT FILE'.")
}

// timingNote says where the transcript's times come from.
func timingNote(s summary) string {
	switch {
	case s.timed == 0:
		return "The log has no times: the events are spaced by typical delays, made up."
	case s.timed < s.traffic:
		return "Times come from the log's timestamps; where it has none, typical delays are made up."
	}
	return "Times come from the log's timestamps."
}

// clockText writes a time of day as hh:mm:ss.mmm.
func clockText(d time.Duration) string {
	return time.Time{}.Add(d).Format("15:04:05.000")
}

// noStart passes the recorder's output on without the header's start
// line: an imported log's date is unknown, and a start made up from the
// time of the import would be a claim the log does not make.
type noStart struct {
	w    io.Writer
	done bool
}

func (n *noStart) Write(p []byte) (int, error) {
	if n.done {
		return n.w.Write(p)
	}
	n.done = true
	var out []byte
	for _, l := range bytes.SplitAfter(p, []byte("\n")) {
		if !bytes.HasPrefix(l, []byte("start ")) {
			out = append(out, l...)
		}
	}
	if _, err := n.w.Write(out); err != nil {
		return 0, err
	}
	return len(p), nil
}

// ewfEvents passes on the bytes of an EWF trace as they stand: each SEND a
// host write, each RECV the modem's bytes. The trace has no times: a
// write follows the modem's last bytes by a typical pause, the modem
// answers after a line's time. It returns the time of the last event.
func ewfEvents(log string, emit func(Event)) time.Duration {
	var at time.Duration
	eachLine(log, func(n int, l string) {
		m := ewfLine().FindStringSubmatch(l)
		if m == nil {
			return
		}
		data := unescape(m[3])
		if data == "" {
			return
		}
		ev := Event{Dir: Modem, Data: []byte(data), Line: n}
		if m[1] == "SEND" {
			ev.Dir = Host
			at += echoGap
		} else {
			at += lineGap
		}
		ev.Offset = at
		emit(ev)
	})
	return at
}
