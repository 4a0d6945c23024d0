package replay

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"github.com/atrun/atrun/engine/secret"
	"github.com/atrun/atrun/engine/tap"
	"github.com/atrun/atrun/engine/transcript"
	"github.com/atrun/atrun/luabind"
)

// Status is how one transcript of a suite fared.
type Status string

const (
	StatusPass     Status = "PASS"
	StatusMismatch Status = "MISMATCH"
	StatusFail     Status = "FAIL"
	StatusTimeout  Status = "TIMEOUT" // the wall-clock limit stopped it
	StatusOverrun  Status = "OVERRUN" // the script waited well past the recording's end
	StatusError    Status = "ERROR"   // the transcript could not be read
	StatusSkipped  Status = "SKIPPED" // not run: the suite was stopped
)

// FileResult is one transcript's replay in a suite.
type FileResult struct {
	File    string
	Status  Status
	Err     error         // why it did not pass
	Virtual time.Duration // the session's length on the transcript's clock
	Wall    time.Duration // how long the replay took
	Ending  transcript.Ending
	Log     string // what Suite.Report and Suite.Trace wrote, secrets redacted
}

// Suite is one script replayed against many transcripts, each on its own
// (its own engine and Lua state), Jobs at a time.
type Suite struct {
	Script  luabind.Script
	Files   []string
	Jobs    int     // at least 1
	Options Options // for every replay; Report, Trace and Secrets are set per transcript
	// Report, when set, makes the reporter of one transcript's replay,
	// writing to w: the script's output and steps, kept in its result.
	Report func(w io.Writer) luabind.Reporter
	// Trace, when set, makes the trace of one transcript's replay, writing
	// to w; start is the transcript's start, secrets the replay's set.
	Trace func(w io.Writer, start time.Time, secrets *secret.Set, where func() string) tap.Sink
}

// RunSuite replays every transcript and hands each result to emit in the
// order of the files, as soon as it and all before it are done: the output
// reads the same whatever order the jobs finish in. Once ctx ends no new
// replay starts; those left are skipped.
func RunSuite(ctx context.Context, s Suite, emit func(FileResult)) []FileResult {
	n := len(s.Files)
	results := make([]FileResult, n)
	done := make(chan int, n)
	next := make(chan int, n)
	for i := range n {
		next <- i
	}
	close(next)
	var wg sync.WaitGroup
	for range min(max(s.Jobs, 1), n) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				results[i] = s.one(ctx, s.Files[i])
				done <- i
			}
		}()
	}
	finished := make([]bool, n)
	emitted := 0
	for range n {
		finished[<-done] = true
		for emitted < n && finished[emitted] {
			emit(results[emitted])
			emitted++
		}
	}
	wg.Wait()
	return results
}

// one reads one transcript and replays it: replays share nothing but the
// script's source.
func (s Suite) one(ctx context.Context, file string) (res FileResult) {
	res.File = file
	defer func() {
		// A bug in one replay must not end the others with a stack trace.
		if v := recover(); v != nil {
			res.Status = StatusFail
			res.Err = fmt.Errorf("internal error: %v (a bug in atrun: please report it with the command line you ran)", v)
		}
	}()
	if ctx.Err() != nil {
		res.Status = StatusSkipped
		return res
	}
	start := time.Now()
	t, err := transcript.ReadFile(file)
	if err != nil {
		res.Status, res.Err = StatusError, unreadable(err)
		return res
	}
	// Replays run side by side: what each says is kept, and shown with
	// its result.
	var log bytes.Buffer
	opts := s.Options
	opts.Secrets = &secret.Set{}
	if s.Report != nil {
		opts.Report = s.Report(&log)
	}
	if s.Trace != nil {
		opts.Trace = func(where func() string) tap.Sink {
			return s.Trace(&log, t.Header.Start, opts.Secrets, where)
		}
	}
	r, err := Run(ctx, s.Script, t, opts)
	res.Wall = time.Since(start)
	res.Log = opts.Secrets.Redact(log.String())
	if err != nil {
		res.Status, res.Err = StatusError, err
		return res
	}
	res.Virtual, res.Err, res.Ending = r.Virtual, r.Err, r.Ending
	switch {
	case r.Verdict == Pass:
		res.Status = StatusPass
	case ctx.Err() != nil:
		// Stopped by the caller (Ctrl+C): the replay says nothing about
		// the script.
		res.Status, res.Err = StatusSkipped, nil
	case r.Verdict == Mismatch:
		res.Status = StatusMismatch
	case r.Verdict == TimedOut:
		res.Status = StatusTimeout
	case r.Verdict == Overran:
		res.Status = StatusOverrun
	default:
		res.Status = StatusFail
	}
	return res
}

// unreadable says why a transcript could not be read. Format errors name
// file:line already; a missing file reads "x.atr: no such file or
// directory".
func unreadable(err error) error {
	var (
		fe *transcript.FormatError
		ve *transcript.VersionError
		pe *os.PathError
	)
	switch {
	case errors.As(err, &fe) || errors.As(err, &ve):
		return err
	case errors.As(err, &pe):
		return fmt.Errorf("%s: %v", pe.Path, pe.Err)
	}
	return err
}
