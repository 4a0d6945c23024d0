package main

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/atrun/atrun/engine/transcript"
	"github.com/atrun/atrun/replay"
	"github.com/atrun/atrun/scripts"
)

// replayStatus is how one transcript fared.
type replayStatus string

const (
	statusPass     replayStatus = "PASS"
	statusMismatch replayStatus = "MISMATCH"
	statusFail     replayStatus = "FAIL"
	statusTimeout  replayStatus = "TIMEOUT" // the wall-clock limit (--timeout) stopped it
	statusOverrun  replayStatus = "OVERRUN" // the script waited well past the recording's end
	statusError    replayStatus = "ERROR"   // the transcript could not be read
	statusSkipped  replayStatus = "SKIPPED" // not run: the command was interrupted
)

// replayResult is one transcript's replay.
type replayResult struct {
	file    string
	status  replayStatus
	err     error         // why it did not pass
	virtual time.Duration // the session's length on the transcript's clock
	wall    time.Duration // how long the replay took
	ending  transcript.Ending
}

// runReplays replays every transcript, setup.jobs at a time, and hands
// each result to emit in the order of the files, as soon as it and all
// before it are done: the output reads the same whatever order the jobs
// finish in. Once ctx ends no new replay starts; those left are skipped.
func runReplays(ctx context.Context, setup *replaySetup, emit func(replayResult)) []replayResult {
	n := len(setup.files)
	results := make([]replayResult, n)
	done := make(chan int, n)
	next := make(chan int, n)
	for i := range n {
		next <- i
	}
	close(next)
	var wg sync.WaitGroup
	for range min(setup.jobs, n) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				results[i] = replayOne(ctx, setup, setup.files[i])
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

// replayOne reads one transcript and replays it with its own engine and
// Lua state: replays share nothing but the script's source.
func replayOne(ctx context.Context, setup *replaySetup, file string) (res replayResult) {
	res.file = file
	defer func() {
		// A bug in one replay must not end the others with a stack trace.
		if v := recover(); v != nil {
			res.status = statusFail
			res.err = fmt.Errorf("internal error: %v (a bug in atrun: please report it with the command line you ran)", v)
		}
	}()
	if ctx.Err() != nil {
		res.status = statusSkipped
		return res
	}
	start := time.Now()
	t, err := transcript.ReadFile(file)
	if err != nil {
		res.status, res.err = statusError, unreadable(err)
		return res
	}
	r, err := replay.Run(ctx, setup.script, t, replay.Options{
		Params: setup.params, Chunk: setup.chunk, AllowUnfinished: setup.allow, Modules: scripts.Modules,
		Timeout: setup.timeout,
	})
	res.wall = time.Since(start)
	if err != nil {
		res.status, res.err = statusError, err
		return res
	}
	res.virtual, res.err, res.ending = r.Virtual, r.Err, r.Ending
	switch {
	case r.Verdict == replay.Pass:
		res.status = statusPass
	case ctx.Err() != nil:
		// Stopped by Ctrl+C: the replay says nothing about the script.
		res.status, res.err = statusSkipped, nil
	case r.Verdict == replay.Mismatch:
		res.status = statusMismatch
	case r.Verdict == replay.TimedOut:
		res.status = statusTimeout
	case r.Verdict == replay.Overran:
		res.status = statusOverrun
	default:
		res.status = statusFail
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
	)
	if errors.As(err, &fe) || errors.As(err, &ve) {
		return err
	}
	return unwrapPath(err)
}
