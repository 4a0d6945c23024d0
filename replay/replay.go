// Package replay runs a Lua script against a recorded transcript instead of
// a modem: the engine reads and writes the transcript's replay port, every
// wait runs on the transcript's virtual clock, and the verdict says whether
// the script behaved as it did when the session was recorded.
package replay

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"regexp"
	"time"

	"github.com/atrun/atrun/engine"
	"github.com/atrun/atrun/engine/secret"
	"github.com/atrun/atrun/engine/transcript"
	"github.com/atrun/atrun/luabind"
)

// Options tune a replay run.
type Options struct {
	// Params override the parameters the transcript recorded.
	Params map[string]string
	// Chunk is how many bytes of the modem's output one read delivers
	// (transcript.DefaultChunk when 0): small, so framing bugs show.
	Chunk int
	// AllowUnfinished accepts a script that ends before the transcript.
	AllowUnfinished bool
	// Modules is what require() loads.
	Modules fs.FS
	// Report receives the script's logs, steps and prints; nil discards.
	Report luabind.Reporter
}

// Verdict is how a replay went.
type Verdict int

const (
	// Pass: the script wrote what was recorded and ended as it ended live.
	Pass Verdict = iota
	// Mismatch: the script wrote something the transcript does not hold, or
	// ended before the transcript did.
	Mismatch
	// Failed: the script failed where the recording did not, or the other
	// way round, or with another message.
	Failed
)

func (v Verdict) String() string {
	switch v {
	case Pass:
		return "pass"
	case Mismatch:
		return "mismatch"
	default:
		return "fail"
	}
}

// Result is a replay's outcome.
type Result struct {
	Verdict  Verdict
	Err      error             // the mismatch or the script's error behind a non-Pass verdict
	Script   error             // the script's own error, nil when it succeeded
	Ending   transcript.Ending // how the recorded session ended
	Virtual  time.Duration     // the session's length on the transcript's clock
	Recorded time.Duration     // the recorded session's length (its last event)
}

// Unrecorded reports whether the transcript records no outcome (no end
// line): a pass then says only that the script wrote what was recorded
// and succeeded.
func (r *Result) Unrecorded() bool { return !r.Ending.Ended() }

// errHalted is the cause with which a replay cancels the script where the
// recorded session was interrupted or stopped by its time limit.
var errHalted = errors.New("stopped where the recorded session was stopped")

// Run replays t with script. The error is for setup problems only; how the
// script fared is in the Result.
func Run(ctx context.Context, script luabind.Script, t *transcript.Transcript, opts Options) (*Result, error) {
	secrets := &secret.Set{}
	rp := transcript.NewReplay(t, transcript.Options{Chunk: opts.Chunk, AllowUnfinished: opts.AllowUnfinished, Secrets: secrets})
	clk := rp.Clock()
	start := clk.Now()
	// The script runs on this goroutine: it counts as busy on the virtual
	// clock until it ends (see the transcript package's rules).
	clk.Busy()
	conn := engine.New(rp, engine.Config{Name: "replay " + t.Name, Clock: clk, Secrets: secrets})

	// A mismatch stops the replay; the script, perhaps waiting for an answer
	// that will never come, is cancelled at once. Where the recorded session
	// was interrupted or timed out, the script is cancelled as it was live.
	runCtx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	ending := t.Ending()
	go func() {
		halted := rp.Halted()
		if ending.Kind != transcript.Interrupted && ending.Kind != transcript.TimedOut {
			halted = nil
		}
		select {
		case <-rp.Stopped():
			cancel(nil)
		case <-halted:
			cancel(errHalted)
		case <-runCtx.Done():
		}
	}()

	runner := luabind.NewRunner(luabind.Options{
		Conn: conn, Port: t.Header.Port, Params: params(t, opts.Params), Secrets: secrets,
		Modules: opts.Modules, Report: opts.Report, Getenv: func(string) string { return "" },
	})
	_, scriptErr := runner.Run(runCtx, script)
	finishErr := rp.Finish()
	virtual := clk.Now().Sub(start)
	clk.Idle()
	conn.Close()

	halted := false
	select {
	case <-rp.Halted():
		halted = true
	default:
	}
	res := &Result{Script: scriptErr, Ending: ending, Virtual: virtual, Recorded: recorded(t)}
	res.Verdict, res.Err = judge(ctx, ending, halted, scriptErr, finishErr)
	return res, nil
}

// judge compares the replay with the recording. The rules are those of
// docs/transcripts.md, "The verdict".
func judge(ctx context.Context, want transcript.Ending, halted bool, scriptErr, finishErr error) (Verdict, error) {
	var mm *transcript.MismatchError
	switch {
	case errors.As(finishErr, &mm):
		return Mismatch, finishErr
	case errors.As(scriptErr, &mm):
		return Mismatch, mm
	case ctx.Err() != nil:
		return Failed, ctx.Err()
	}
	switch want.Kind {
	case transcript.Unrecorded:
		// Nothing says how the session ended: the script must succeed.
		if scriptErr != nil {
			return Failed, fmt.Errorf("the script failed: %w\n(the transcript records no outcome, no end line: a script that fails against it fails)", scriptErr)
		}
		return Pass, nil
	case transcript.Succeeded:
		if scriptErr != nil {
			return Failed, fmt.Errorf("the script failed where the recorded session succeeded: %w", scriptErr)
		}
		return Pass, nil
	case transcript.Failed:
		switch {
		case scriptErr == nil:
			return Failed, fmt.Errorf("the script succeeded, but the recorded session failed with\n  %s", want.Message)
		case withoutPosition(scriptErr.Error()) != withoutPosition(want.Message):
			return Failed, fmt.Errorf("the script failed with\n  %s\nbut the recorded session failed with\n  %s", scriptErr, want.Message)
		}
		return Pass, nil
	}
	// The recorded session was stopped from outside: the script must have
	// reached the same point, and stopped there.
	switch {
	case !halted && scriptErr != nil:
		return Failed, fmt.Errorf("the script failed before the point where %s: %w", stopWords(want), scriptErr)
	case !halted:
		return Failed, fmt.Errorf("the script succeeded before the point where %s", stopWords(want))
	case scriptErr == nil:
		return Failed, fmt.Errorf("the script succeeded although %s", stopWords(want))
	}
	return Pass, nil
}

// stopWords says how a recorded session was stopped.
func stopWords(e transcript.Ending) string {
	switch e.Kind {
	case transcript.Interrupted:
		return "the recorded session was interrupted"
	case transcript.TimedOut:
		return "the recorded session was stopped by its time limit"
	}
	return "the recorded session lost its port"
}

// withoutPosition drops a leading "file.lua:12: ", so that a recording
// still matches once the script's lines have moved.
func withoutPosition(msg string) string {
	if m := positionRE.FindStringIndex(msg); m != nil {
		return msg[m[1]:]
	}
	return msg
}

var positionRE = regexp.MustCompile(`^[^\s:]+:\d+: `)

// params are the recorded parameters, overridden by the caller's. A
// redacted value (a secret) replays as a placeholder: the replay matches
// the redacted span whatever the script sends there.
func params(t *transcript.Transcript, override map[string]string) map[string]string {
	out := map[string]string{}
	for _, p := range t.Header.Params {
		v := string(p.Value.Bytes)
		if len(p.Value.Holes) > 0 {
			v = "redacted"
		}
		out[p.Name] = v
	}
	for k, v := range override {
		out[k] = v
	}
	return out
}

func recorded(t *transcript.Transcript) time.Duration {
	if n := len(t.Events); n > 0 {
		return t.Events[n-1].At
	}
	return 0
}
