package atruncli

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/atrun/atrun/engine"
	"github.com/atrun/atrun/internal/ansi"
	"github.com/atrun/atrun/internal/human"
	"github.com/atrun/atrun/luabind"
)

// humanReport prints a run for people. The script's prints are the run's
// results (stdout), so that `atrun run ... > out.txt` keeps just them; steps,
// logs and progress go to stderr, logs indented under the step they belong
// to:
//
//	▸ SIM
//	  SIM ready
//	✓ SIM (12 ms)
//	✗ Connect (5.0 s): AT+QMTCONN=...: modem answered ERROR
type humanReport struct {
	mu       sync.Mutex
	out, err io.Writer
	colour   bool // stderr is a terminal that takes colour
	errTTY   bool // stderr is a terminal: progress lines
	depth    int  // how many steps are open
	bar      bool // a progress line is open on stderr
}

func newHumanReport(out, errw io.Writer) *humanReport {
	return &humanReport{out: out, err: errw, colour: useColour(errw), errTTY: isTerminal(errw)}
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
		fmt.Fprintf(h.err, "%s%s %s\n", indent, ansi.Paint(h.colour, ansi.Dim, "▸"), name)
		h.depth++
	case "ok":
		fmt.Fprintf(h.err, "%s%s %s (%s)\n", indent, ansi.Paint(h.colour, ansi.Green, "✓"), name, human.Duration(elapsed))
	default:
		msg := ""
		if err != nil {
			msg = ": " + err.Error()
		}
		fmt.Fprintf(h.err, "%s%s %s (%s)%s\n", indent, ansi.Paint(h.colour, ansi.Red, "✗"), name, human.Duration(elapsed), msg)
	}
}

// Log prints a script's log line under its step. Outside any step it says
// where in the script it comes from; inside one, the step says enough.
func (h *humanReport) Log(level, msg, where string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.endBar()
	prefix := strings.Repeat("  ", h.depth)
	if h.depth == 0 && where != "" {
		prefix = where + ": "
	}
	if level == "warn" {
		prefix += ansi.Paint(h.colour, ansi.Yellow, "warning") + ": "
	}
	fmt.Fprintf(h.err, "%s%s\n", prefix, msg)
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

// Dropped warns of URCs lost to a full queue.
func (h *humanReport) Dropped(d engine.DropReport) { h.Notice(d.String() + ": pass --urc-queue N") }

// Finish prints nothing: the steps said how the run went, and a failure is
// reported once, by reportFailure.
func (h *humanReport) Finish(*luabind.Result, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.endBar()
}
