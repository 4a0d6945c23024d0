package replay

import (
	"fmt"
	"strings"
	"time"

	"github.com/atrun/atrun/internal/human"
)

// Summary counts the results of a suite.
type Summary struct {
	Total, Passed, Mismatched, Failed, TimedOut, Overran, Unreadable, Skipped int
	Virtual                                                                   time.Duration // session time replayed, all transcripts together
	Wall                                                                      time.Duration // the suite's own time
	FirstMismatch                                                             error         // the first mismatch, in the order of the files
}

// Summarise counts results; wall is how long the suite took.
func Summarise(results []FileResult, wall time.Duration) Summary {
	s := Summary{Total: len(results), Wall: wall}
	for _, r := range results {
		s.Virtual += r.Virtual
		switch r.Status {
		case StatusPass:
			s.Passed++
		case StatusMismatch:
			s.Mismatched++
			if s.FirstMismatch == nil {
				s.FirstMismatch = r.Err
			}
		case StatusFail:
			s.Failed++
		case StatusTimeout:
			s.TimedOut++
		case StatusOverrun:
			s.Overran++
		case StatusError:
			s.Unreadable++
		case StatusSkipped:
			s.Skipped++
		}
	}
	return s
}

// String is the summary line:
//
//	8 transcripts: 7 passed, 1 mismatched (replayed 12.3 s of sessions in 40 ms)
func (s Summary) String() string {
	parts := []string{fmt.Sprintf("%d passed", s.Passed)}
	for _, p := range []struct {
		n    int
		what string
	}{{s.Mismatched, "mismatched"}, {s.Failed, "failed"}, {s.TimedOut, "timed out"}, {s.Overran, "overran"},
		{s.Unreadable, "unreadable"}, {s.Skipped, "not run"}} {
		if p.n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", p.n, p.what))
		}
	}
	return fmt.Sprintf("%s: %s (replayed %s of sessions in %s)",
		human.Plural(s.Total, "transcript"), strings.Join(parts, ", "), human.Duration(s.Virtual), human.Duration(s.Wall))
}
