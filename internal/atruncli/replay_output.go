package atruncli

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/atrun/atrun/engine/transcript"
	"github.com/atrun/atrun/internal/ansi"
	"github.com/atrun/atrun/internal/human"
	"github.com/atrun/atrun/replay"
)

// replayPrinter shows the results of `atrun replay` as they come, in the
// order of the arguments, then the summary.
type replayPrinter interface {
	Result(r replay.FileResult)
	Summary(s replay.Summary)
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

var statusColour = map[replay.Status]string{
	replay.StatusPass: ansi.Green, replay.StatusMismatch: ansi.Red, replay.StatusFail: ansi.Red, replay.StatusError: ansi.Red, replay.StatusSkipped: ansi.Yellow,
	replay.StatusTimeout: ansi.Red, replay.StatusOverrun: ansi.Red,
}

func (p *replayText) Result(r replay.FileResult) {
	word := ansi.Paint(p.colour, statusColour[r.Status], string(r.Status))
	switch r.Status {
	case replay.StatusPass:
		fmt.Fprintf(p.w, "%s %s (replayed %s of session in %s%s)\n", word, r.File, human.Duration(r.Virtual), human.Duration(r.Wall), unrecordedNote(r))
	case replay.StatusMismatch, replay.StatusFail, replay.StatusTimeout, replay.StatusOverrun:
		fmt.Fprintf(p.w, "%s %s (after %s of session, in %s%s)\n", word, r.File, human.Duration(r.Virtual), human.Duration(r.Wall), unrecordedNote(r))
	case replay.StatusSkipped:
		fmt.Fprintf(p.w, "%s %s (interrupted)\n", word, r.File)
	default:
		fmt.Fprintf(p.w, "%s %s\n", word, r.File)
	}
	if r.Log != "" {
		fmt.Fprint(p.w, indent(r.Log, "    | "))
	}
	if r.Err != nil {
		fmt.Fprint(p.w, indent(r.Err.Error(), "    "))
	}
}

// unrecordedNote marks the verdict on a transcript that does not say how
// its session ended: the script was only held to succeeding.
func unrecordedNote(r replay.FileResult) string {
	if r.Ending.Ended() {
		return ""
	}
	return "; outcome not recorded"
}

func (p *replayText) Summary(s replay.Summary) { fmt.Fprintln(p.w, s) }

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
	Where    string  `json:"where,omitempty"`        // the script line of the mismatched write
	Script   string  `json:"script_error,omitempty"` // the script's error, when it stopped early
	Log      string  `json:"log,omitempty"`          // --verbose and --trace output
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

func (p *replayJSON) Result(r replay.FileResult) {
	j := replayJSONResult{
		Event: "transcript", File: r.File, Status: strings.ToLower(string(r.Status)),
		Virtual: r.Virtual.Seconds(), Elapsed: r.Wall.Seconds(), Log: r.Log,
	}
	if r.Status != replay.StatusError && r.Status != replay.StatusSkipped {
		j.Outcome = r.Ending.Kind.String()
	}
	if r.Err != nil {
		j.Message = r.Err.Error()
	}
	var (
		mm *transcript.MismatchError
		fe *transcript.FormatError
	)
	switch {
	case errors.As(r.Err, &mm):
		j.Line, j.Expected, j.Got = mm.Line, mm.Expected.String(), mm.Got.String()
		j.Where, j.Script = mm.Where, mm.Script
	case errors.As(r.Err, &fe):
		j.Line = fe.Line
	}
	_ = p.enc.Encode(j)
}

func (p *replayJSON) Summary(s replay.Summary) {
	_ = p.enc.Encode(replayJSONSummary{
		Event: "summary", Total: s.Total, Passed: s.Passed, Mismatched: s.Mismatched, Failed: s.Failed, TimedOut: s.TimedOut, Overran: s.Overran,
		Unreadable: s.Unreadable, Skipped: s.Skipped, Virtual: s.Virtual.Seconds(), Elapsed: s.Wall.Seconds(),
	})
}
