package term

import (
	"fmt"
	"io"
	"strings"
	"sync"

	"github.com/atrun/atrun/engine"
)

// style says what a printed line is, for its colour on a terminal.
type style int

const (
	styleLine  style = iota // an information line
	styleFinal              // a final result that succeeded
	styleError              // an error result, or why there was none
	styleURC                // an unsolicited line
	styleTrace              // bytes on the wire
	styleData               // data a command or URC carried
	styleInfo               // what the terminal itself says
)

// ANSI colours by style, used only on a terminal without NO_COLOR.
var colours = map[style]string{
	styleFinal: "\x1b[32m",
	styleError: "\x1b[31m",
	styleURC:   "\x1b[36m",
	styleTrace: "\x1b[2m",
	styleData:  "\x1b[2m",
	styleInfo:  "\x1b[33m",
}

// printer writes whole lines, one at a time, from any goroutine: answers
// from the command loop and URCs from the engine never interleave. On a
// terminal, w redraws the line being typed under each line written.
type printer struct {
	mu     sync.Mutex
	w      io.Writer // lines go here
	raw    io.Writer // the terminal itself, for the progress bar
	colour bool
	tty    bool
}

func (p *printer) linef(st style, format string, args ...any) {
	text := fmt.Sprintf(format, args...)
	if p.colour {
		if c, ok := colours[st]; ok {
			text = c + text + "\x1b[0m"
		}
	}
	if !strings.HasSuffix(text, "\n") {
		text += "\n"
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	io.WriteString(p.w, text)
}

// progressMin is the size from which an upload shows a progress bar.
const progressMin = 16 << 10

// progress returns a function drawing an upload's progress bar on a
// terminal, or nil when there is no terminal or the upload is short.
func (p *printer) progress(name string, total int) func(sent, total int) {
	if !p.tty || total < progressMin {
		return nil
	}
	const width = 30
	return func(sent, total int) {
		n := sent * width / max(total, 1)
		p.mu.Lock()
		defer p.mu.Unlock()
		fmt.Fprintf(p.raw, "\r%s [%s%s] %3d%%", name, strings.Repeat("#", n), strings.Repeat(" ", width-n), sent*100/max(total, 1))
		if sent == total {
			io.WriteString(p.raw, "\r\x1b[K")
		}
	}
}

// describe is err in one line, with what to check when that is known.
func describe(err error) string {
	d := engine.Describe(err)
	if d.Hint != "" {
		return d.Message + " (" + d.Hint + ")"
	}
	return d.Message
}
