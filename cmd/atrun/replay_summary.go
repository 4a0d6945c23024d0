package main

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/atrun/atrun/engine/transcript"
)

// replaySummary counts the results of one `atrun replay`.
type replaySummary struct {
	total, passed, mismatched, failed, unreadable, skipped int
	timedOut, overran                                      int
	virtual                                                time.Duration // session time replayed, all transcripts together
	wall                                                   time.Duration // the command's own time
	first                                                  error         // the first mismatch, in argument order
}

func summarise(results []replayResult, wall time.Duration) replaySummary {
	s := replaySummary{total: len(results), wall: wall}
	for _, r := range results {
		s.virtual += r.virtual
		switch r.status {
		case statusPass:
			s.passed++
		case statusMismatch:
			s.mismatched++
			if s.first == nil {
				s.first = r.err
			}
		case statusFail:
			s.failed++
		case statusTimeout:
			s.timedOut++
		case statusOverrun:
			s.overran++
		case statusError:
			s.unreadable++
		case statusSkipped:
			s.skipped++
		}
	}
	return s
}

// String is the summary line:
//
//	8 transcripts: 7 passed, 1 mismatched (replayed 12.3 s of sessions in 40 ms)
func (s replaySummary) String() string {
	parts := []string{fmt.Sprintf("%d passed", s.passed)}
	for _, p := range []struct {
		n    int
		what string
	}{{s.mismatched, "mismatched"}, {s.failed, "failed"}, {s.timedOut, "timed out"}, {s.overran, "overran"},
		{s.unreadable, "unreadable"}, {s.skipped, "not run"}} {
		if p.n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", p.n, p.what))
		}
	}
	return fmt.Sprintf("%s: %s (replayed %s of sessions in %s)",
		plural(s.total, "transcript"), strings.Join(parts, ", "), humanDuration(s.virtual), humanDuration(s.wall))
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// err is the command's error, which decides its exit code (exit.go): a
// mismatch wins, then a failure, then a transcript that could not be
// read. Skipped transcripts are the interruption's doing; the caller
// reports that.
func (s replaySummary) err() error {
	switch {
	case s.mismatched > 0:
		return &replayMismatchError{count: s.mismatched, total: s.total, first: s.first}
	case s.failed+s.timedOut+s.overran > 0:
		return fmt.Errorf("%d of %s failed", s.failed+s.timedOut+s.overran, plural(s.total, "transcript"))
	case s.unreadable > 0:
		return usagef("%d of %s could not be read", s.unreadable, plural(s.total, "transcript"))
	}
	return nil
}

// replayMismatchError is a replay command with mismatches. It unwraps to
// the first one, a *transcript.MismatchError, so that exit.go gives it the
// mismatch exit code.
type replayMismatchError struct {
	count, total int
	first        error
}

func (e *replayMismatchError) Error() string {
	return fmt.Sprintf("%d of %s mismatched", e.count, plural(e.total, "transcript"))
}

func (e *replayMismatchError) Unwrap() error {
	var mm *transcript.MismatchError
	if errors.As(e.first, &mm) {
		return mm
	}
	return e.first
}
