package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/atrun/atrun/engine/transcript"
)

// replayPrinter shows the results of `atrun replay` as they come, in the
// order of the arguments, then the summary.
type replayPrinter interface {
	Result(r replayResult)
	Summary(s replaySummary)
}

// replayText is the human output:
//
//	PASS testdata/transcripts/ec20_happy.atr (replayed 7.0 s of session in 2 ms)
//	MISMATCH copy.atr (after 8 ms of session, in 1 ms)
//	    copy.atr:41: replay mismatch at 0.007821s: ...
type replayText struct {
	w      io.Writer
	colour bool
}

func newReplayText(w io.Writer) *replayText {
	return &replayText{w: w, colour: useColour(w)}
}

var statusColour = map[replayStatus]string{
	statusPass: ansiGreen, statusMismatch: ansiRed, statusFail: ansiRed, statusError: ansiRed, statusSkipped: ansiYell,
	statusTimeout: ansiRed, statusOverrun: ansiRed,
}

func (p *replayText) Result(r replayResult) {
	word := paint(p.colour, statusColour[r.status], string(r.status))
	switch r.status {
	case statusPass:
		fmt.Fprintf(p.w, "%s %s (replayed %s of session in %s%s)\n", word, r.file, humanDuration(r.virtual), humanDuration(r.wall), unrecordedNote(r))
	case statusMismatch, statusFail, statusTimeout, statusOverrun:
		fmt.Fprintf(p.w, "%s %s (after %s of session, in %s%s)\n", word, r.file, humanDuration(r.virtual), humanDuration(r.wall), unrecordedNote(r))
	case statusSkipped:
		fmt.Fprintf(p.w, "%s %s (interrupted)\n", word, r.file)
	default:
		fmt.Fprintf(p.w, "%s %s\n", word, r.file)
	}
	if r.err != nil {
		fmt.Fprint(p.w, indent(r.err.Error(), "    "))
	}
}

// unrecordedNote marks the verdict on a transcript that does not say how
// its session ended: the script was only held to succeeding.
func unrecordedNote(r replayResult) string {
	if r.ending.Ended() {
		return ""
	}
	return "; outcome not recorded"
}

func (p *replayText) Summary(s replaySummary) { fmt.Fprintln(p.w, s) }

// indent prefixes every line of text, with a leading tab made spaces so
// the explanation lines up whatever the terminal's tab stops.
func indent(text, prefix string) string {
	var b strings.Builder
	for _, line := range strings.Split(strings.TrimRight(text, "\n"), "\n") {
		if rest, ok := strings.CutPrefix(line, "\t"); ok {
			line = "    " + rest
		}
		b.WriteString(prefix + line + "\n")
	}
	return b.String()
}

// replayJSON prints one object per transcript, then a summary object:
//
//	{"event":"transcript","file":"a.atr","status":"pass","virtual":7.01,"elapsed":0.002}
//	{"event":"summary","total":1,"passed":1,...}
type replayJSON struct{ enc *json.Encoder }

func newReplayJSON(w io.Writer) *replayJSON {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return &replayJSON{enc: enc}
}

// replayJSONResult is one transcript's line. Line, Expected and Got come
// from a mismatch or a malformed file.
type replayJSONResult struct {
	Event    string  `json:"event"`
	File     string  `json:"file"`
	Status   string  `json:"status"` // pass, mismatch, fail, timeout, overrun, error, skipped
	Virtual  float64 `json:"virtual"`
	Elapsed  float64 `json:"elapsed"`
	Outcome  string  `json:"recorded_outcome,omitempty"` // ok, failed, interrupted, timeout, port-lost, unrecorded
	Message  string  `json:"message,omitempty"`
	Line     int     `json:"line,omitempty"`
	Expected string  `json:"expected,omitempty"`
	Got      string  `json:"got,omitempty"`
}

type replayJSONSummary struct {
	Event      string  `json:"event"`
	Total      int     `json:"total"`
	Passed     int     `json:"passed"`
	Mismatched int     `json:"mismatched"`
	Failed     int     `json:"failed"`
	TimedOut   int     `json:"timed_out"`
	Overran    int     `json:"overran"`
	Unreadable int     `json:"unreadable"`
	Skipped    int     `json:"skipped"`
	Virtual    float64 `json:"virtual"`
	Elapsed    float64 `json:"elapsed"`
}

func (p *replayJSON) Result(r replayResult) {
	j := replayJSONResult{
		Event: "transcript", File: r.file, Status: strings.ToLower(string(r.status)),
		Virtual: r.virtual.Seconds(), Elapsed: r.wall.Seconds(),
	}
	if r.status != statusError && r.status != statusSkipped {
		j.Outcome = r.ending.Kind.String()
	}
	if r.err != nil {
		j.Message = r.err.Error()
	}
	var (
		mm *transcript.MismatchError
		fe *transcript.FormatError
	)
	switch {
	case errors.As(r.err, &mm):
		j.Line, j.Expected, j.Got = mm.Line, mm.Expected.String(), mm.Got.String()
	case errors.As(r.err, &fe):
		j.Line = fe.Line
	}
	_ = p.enc.Encode(j)
}

func (p *replayJSON) Summary(s replaySummary) {
	_ = p.enc.Encode(replayJSONSummary{
		Event: "summary", Total: s.total, Passed: s.passed, Mismatched: s.mismatched, Failed: s.failed, TimedOut: s.timedOut, Overran: s.overran,
		Unreadable: s.unreadable, Skipped: s.skipped, Virtual: s.virtual.Seconds(), Elapsed: s.wall.Seconds(),
	})
}
