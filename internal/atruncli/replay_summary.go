package atruncli

import (
	"errors"
	"fmt"

	"github.com/atrun/atrun/engine/transcript"
	"github.com/atrun/atrun/internal/human"
	"github.com/atrun/atrun/replay"
)

// replayErr is the replay command's error, which decides its exit code
// (exit.go): a mismatch wins, then a failure (a timeout and an overrun
// are failures), then a transcript that could not be read. Skipped
// transcripts are the interruption's doing; the caller reports that.
func replayErr(s replay.Summary) error {
	switch {
	case s.Mismatched > 0:
		return &replayMismatchError{count: s.Mismatched, total: s.Total, first: s.FirstMismatch}
	case s.Failed+s.TimedOut+s.Overran > 0:
		return fmt.Errorf("%d of %s failed", s.Failed+s.TimedOut+s.Overran, human.Plural(s.Total, "transcript"))
	case s.Unreadable > 0:
		return usagef("%d of %s could not be read", s.Unreadable, human.Plural(s.Total, "transcript"))
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
	return fmt.Sprintf("%d of %s mismatched", e.count, human.Plural(e.total, "transcript"))
}

func (e *replayMismatchError) Unwrap() error {
	var mm *transcript.MismatchError
	if errors.As(e.first, &mm) {
		return mm
	}
	return e.first
}
