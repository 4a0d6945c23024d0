package main

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/atrun/atrun/luabind"
)

// humanReport prints a run for people. Steps and the script's prints are
// the run's output (stdout); logs and progress go to stderr.
//
//	▸ SIM ready
//	✓ SIM ready (12 ms)
//	✗ Connect (5.0 s): AT+QMTCONN=...: modem answered ERROR
type humanReport struct {
	mu       sync.Mutex
	out, err io.Writer
	colour   bool // stdout is a terminal
	errTTY   bool // stderr is a terminal: colour and progress
	depth    int  // how many steps are open
	bar      bool // a progress line is open on stderr
}

func newHumanReport(out, errw io.Writer) *humanReport {
	return &humanReport{out: out, err: errw, colour: useColour(out), errTTY: isTerminal(errw)}
}

func (h *humanReport) Step(name, status string, elapsed time.Duration, err error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.endBar()
	if status != "start" {
		h.depth = max(h.depth-1, 0)
	}
	indent := strings.Repeat("  ", h.depth)
	switch status {
	case "start":
		fmt.Fprintf(h.out, "%s%s %s\n", indent, paint(h.colour, ansiDim, "▸"), name)
		h.depth++
	case "ok":
		fmt.Fprintf(h.out, "%s%s %s (%s)\n", indent, paint(h.colour, ansiGreen, "✓"), name, humanDuration(elapsed))
	default:
		msg := ""
		if err != nil {
			msg = ": " + err.Error()
		}
		fmt.Fprintf(h.out, "%s%s %s (%s)%s\n", indent, paint(h.colour, ansiRed, "✗"), name, humanDuration(elapsed), msg)
	}
}

func (h *humanReport) Log(level, msg, where string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.endBar()
	label := "info"
	if level == "warn" {
		label = paint(h.errTTY && useColour(h.err), ansiYell, "warning")
	}
	if where != "" {
		where += ": "
	}
	fmt.Fprintf(h.err, "%s%s: %s\n", where, label, msg)
}

func (h *humanReport) Print(text string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.endBar()
	fmt.Fprintln(h.out, text)
}

// Progress draws an upload's progress on one line of stderr, when it is a
// terminal: in a file it would be noise.
func (h *humanReport) Progress(what string, sent, total int) {
	if !h.errTTY {
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	pct := 100
	if total > 0 {
		pct = sent * 100 / total
	}
	fmt.Fprintf(h.err, "\rupload %s: %d/%d bytes (%d%%)", what, sent, total, pct)
	h.bar = sent < total
	if !h.bar {
		fmt.Fprintln(h.err)
	}
}

// endBar ends an unfinished progress line before other output.
func (h *humanReport) endBar() {
	if h.bar {
		fmt.Fprintln(h.err)
		h.bar = false
	}
}

func (h *humanReport) Notice(msg string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.endBar()
	fmt.Fprintf(h.err, "atrun: warning: %s\n", msg)
}

// Finish prints nothing: the steps said how the run went, and a failure is
// reported once, by reportFailure.
func (h *humanReport) Finish(*luabind.Result, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.endBar()
}
