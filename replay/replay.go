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
	Err      error         // the mismatch or the script's error behind a non-Pass verdict
	Script   error         // the script's own error, nil when it succeeded
	Virtual  time.Duration // the session's length on the transcript's clock
	Recorded time.Duration // the recorded session's length (its last event)
}

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
	// that will never come, is cancelled at once.
	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() {
		select {
		case <-rp.Stopped():
			cancel()
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

	res := &Result{Script: scriptErr, Virtual: virtual, Recorded: recorded(t)}
	res.Verdict, res.Err = judge(ctx, t, scriptErr, finishErr)
	return res, nil
}

// judge compares the replay with the recording.
func judge(ctx context.Context, t *transcript.Transcript, scriptErr, finishErr error) (Verdict, error) {
	var mm *transcript.MismatchError
	switch {
	case errors.As(finishErr, &mm):
		return Mismatch, finishErr
	case errors.As(scriptErr, &mm):
		return Mismatch, mm
	case ctx.Err() != nil:
		return Failed, ctx.Err()
	}
	want, ended := t.Outcome()
	switch {
	case !ended:
		// A recording cut short tells nothing of how the session ended.
		return Pass, nil
	case scriptErr == nil && want == "":
		return Pass, nil
	case scriptErr == nil:
		return Failed, fmt.Errorf("the script succeeded, but the recorded session failed with\n  %s", want)
	case want == "":
		return Failed, fmt.Errorf("the script failed where the recorded session did not: %w", scriptErr)
	case withoutPosition(scriptErr.Error()) != withoutPosition(want):
		return Failed, fmt.Errorf("the script failed with\n  %s\nbut the recorded session failed with\n  %s", scriptErr, want)
	}
	return Pass, nil
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
