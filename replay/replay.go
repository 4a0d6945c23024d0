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
	"os"
	"sync/atomic"
	"time"

	"github.com/atrun/atrun/engine"
	"github.com/atrun/atrun/engine/secret"
	"github.com/atrun/atrun/engine/tap"
	"github.com/atrun/atrun/engine/transcript"
	"github.com/atrun/atrun/internal/lazyre"
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
	// Trace, when set, makes the sink that sees every byte the script writes
	// and the replay delivers, as a live run's tap does (atrun replay
	// --trace); where tells the script line of the current call. A sink
	// with a Flush method is flushed when the session ends.
	Trace func(where func() string) tap.Sink
	// Secrets is the replay's secret set, shared with Trace's sink so that
	// it redacts what the replay learns; nil means a set of its own.
	Secrets *secret.Set
	// Timeout bounds the replay's wall-clock time; 0 means DefaultTimeout,
	// and a negative value no limit.
	Timeout time.Duration
	// Overrun is how far past the recording's last event the script may
	// wait on the virtual clock; 0 means transcript.DefaultOverrun.
	Overrun time.Duration
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
	// TimedOut: the replay took longer than its wall-clock limit
	// (Options.Timeout): the script loops without waiting.
	TimedOut
	// Overran: the script went on waiting on the virtual clock well past the
	// end of the recording, or waits with no timeout once it is over.
	Overran
)

func (v Verdict) String() string {
	switch v {
	case Pass:
		return "pass"
	case Mismatch:
		return "mismatch"
	case TimedOut:
		return "timeout"
	case Overran:
		return "overrun"
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

// DefaultTimeout is the wall-clock time a replay of one transcript may
// take: replays run on virtual time, in milliseconds, so only a script that
// loops without waiting comes near it.
const DefaultTimeout = time.Minute

// errWallClock is the cause of a replay stopped by Options.Timeout.
var errWallClock = errors.New("the replay's wall-clock time limit")

// Run replays t with script. The error is for setup problems only; how the
// script fared is in the Result.
func Run(ctx context.Context, script luabind.Script, t *transcript.Transcript, opts Options) (*Result, error) {
	secrets := opts.Secrets
	if secrets == nil {
		secrets = &secret.Set{}
	}
	var runner atomic.Pointer[luabind.Runner]
	where := func() string {
		if r := runner.Load(); r != nil {
			return r.Where()
		}
		return ""
	}
	rp := transcript.NewReplay(t, transcript.Options{
		Chunk: opts.Chunk, AllowUnfinished: opts.AllowUnfinished, Secrets: secrets,
		Overrun: opts.Overrun, Where: where,
	})
	clk := rp.Clock()
	start := clk.Now()
	// The script runs on this goroutine: it counts as busy on the virtual
	// clock until it ends (see the transcript package's rules).
	clk.Busy()
	var trace tap.Sink
	if opts.Trace != nil {
		trace = opts.Trace(where)
	}
	conn := engine.New(rp, engine.Config{Name: "replay " + t.Name, Clock: clk, Secrets: secrets, Tap: trace})

	timeout := opts.Timeout
	if timeout == 0 {
		timeout = DefaultTimeout
	}
	wallCtx, stopWall := context.WithCancel(ctx)
	if timeout > 0 {
		wallCtx, stopWall = context.WithTimeoutCause(ctx, timeout, errWallClock)
	}
	defer stopWall()
	// A mismatch stops the replay; the script, perhaps waiting for an answer
	// that will never come, is cancelled at once. Where the recorded session
	// was interrupted or timed out, the script is cancelled as it was live.
	runCtx, cancel := context.WithCancelCause(wallCtx)
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

	r := luabind.NewRunner(luabind.Options{
		Conn: conn, Port: t.Header.Port, Params: params(t, opts.Params), Secrets: secrets,
		Modules: opts.Modules, Report: opts.Report, Getenv: func(string) string { return "" },
		ReadFile: func(name string) ([]byte, error) {
			// The recorded contents: a replay does not depend on the
			// files of the machine that recorded it. A file the recording
			// does not hold (a --set override, a v1 transcript) is read.
			if data, ok := rp.File(name); ok {
				return data, nil
			}
			return os.ReadFile(name)
		},
	})
	runner.Store(r)
	// A session that began with the engine's clean start is replayed with
	// it, so the drained bytes and the resync's ATs line up as recorded.
	var scriptErr error
	if t.Header.Resync {
		// Its drain ends where the recording's mark says, not on a quiet
		// line: what was drained does not depend on timing.
		_, scriptErr = conn.Resync(runCtx, engine.ResyncOptions{KeepURCs: true, Recorded: rp})
	}
	if scriptErr == nil {
		_, scriptErr = r.Run(runCtx, script)
	}
	// Whether the recorded stop was reached is read the moment the script
	// ends: once the script goroutine is idle, the virtual clock may run on
	// to the end line and halt a replay whose script had already finished.
	halted := false
	select {
	case <-rp.Halted():
		halted = true
	default:
	}
	finishErr := rp.Finish()
	virtual := clk.Now().Sub(start)
	clk.Idle()
	conn.Close()
	if f, ok := trace.(interface{ Flush() }); ok {
		f.Flush()
	}

	res := &Result{Script: scriptErr, Ending: ending, Virtual: virtual, Recorded: recorded(t)}
	if errors.Is(context.Cause(wallCtx), errWallClock) && ctx.Err() == nil {
		res.Verdict = TimedOut
		res.Err = fmt.Errorf("the replay did not end within %v of wall-clock time (--timeout): the script was at %s, %s into the session; a loop that never waits?",
			timeout, orUnknown(stoppedAt(scriptErr, where())), virtual.Round(time.Microsecond))
		return res, nil
	}
	res.Verdict, res.Err = judge(ctx, ending, halted, scriptErr, finishErr, secrets)
	return res, nil
}

// stoppedAt is where the script was stopped: the position its error names,
// else the last call it made.
func stoppedAt(scriptErr error, where string) string {
	var se *luabind.ScriptError
	if errors.As(scriptErr, &se) && se.At != "" {
		return se.At
	}
	return where
}

func orUnknown(where string) string {
	if where == "" {
		return "an unknown line"
	}
	return where
}

// judge compares the replay with the recording. The rules are those of
// docs/transcripts.md, "The verdict".
func judge(ctx context.Context, want transcript.Ending, halted bool, scriptErr, finishErr error, secrets *secret.Set) (Verdict, error) {
	var (
		mm *transcript.MismatchError
		oe *transcript.OverrunError
	)
	switch {
	case errors.As(finishErr, &oe):
		return Overran, oe
	case errors.As(finishErr, &mm) || errors.As(scriptErr, &mm):
		// A script that stopped on its own error, before the write it
		// owed, says why. (Other mismatches cancel the script: its error
		// then says nothing more.)
		if mm.Kind == transcript.EndedEarly && scriptErr != nil && !errors.As(scriptErr, new(*transcript.MismatchError)) {
			withScript := *mm
			withScript.Script = secrets.Redact(scriptErr.Error())
			return Mismatch, &withScript
		}
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
	if m := positionRE().FindStringIndex(msg); m != nil {
		return msg[m[1]:]
	}
	return msg
}

var positionRE = lazyre.New(`^[^\s:]+:\d+: `)

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
