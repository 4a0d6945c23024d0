package explain

// maxFrame bounds a frame that never ends, so a capture of binary noise
// cannot grow one line without limit.
const maxFrame = 64 << 10

// framer cuts the modem's byte stream into frames the way the engine does:
// lines end at CR or LF (empty ones are dropped), a ">" at the start of a
// frame is a prompt even with no line end, and a frame ended by a CR with
// no LF after it is marked, since that is how an echo ends.
type framer struct {
	buf     []byte
	bufLine int
	line    int  // input line of the next byte
	countLF bool // raw input: each LF starts a new input line
	afterCR int  // index in out of a frame whose CR may yet be followed by LF; -1 none
	space   bool // skip one space after a prompt
	out     []record
}

func newFramer(firstLine int, countLF bool) *framer {
	return &framer{line: firstLine, countLF: countLF, afterCR: -1}
}

// feed frames p; line is the input line it came from (ignored when the
// framer counts LFs itself).
func (f *framer) feed(p []byte, line int) {
	if !f.countLF {
		f.line = line
	}
	for _, b := range p {
		f.byte(b)
	}
}

// byte frames one byte.
func (f *framer) byte(b byte) {
	if f.afterCR >= 0 {
		f.out[f.afterCR].crOnly = b != '\n'
		f.afterCR = -1
	}
	if f.space {
		f.space = false
		if b == ' ' {
			return
		}
	}
	switch {
	case b == '\r':
		if f.emit() {
			f.afterCR = len(f.out) - 1
		}
	case b == '\n':
		f.emit()
		if f.countLF {
			f.line++
		}
	case b == '>' && len(f.buf) == 0:
		f.out = append(f.out, record{line: f.line, dir: Modem, text: ">", prompt: true})
		f.space = true
	default:
		if len(f.buf) == 0 {
			f.bufLine = f.line
		}
		f.buf = append(f.buf, b)
		if len(f.buf) >= maxFrame {
			f.emit()
		}
	}
}

// emit ends the current frame; it reports whether there was one.
func (f *framer) emit() bool {
	if len(f.buf) == 0 {
		return false
	}
	f.out = append(f.out, record{line: f.bufLine, dir: Modem, text: string(f.buf)})
	f.buf = f.buf[:0]
	return true
}

// flush ends the stream: a trailing CR counts as an echo's, and an
// unterminated frame ("POWERED DOWN" with no line end) is kept.
func (f *framer) flush() []record {
	if f.afterCR >= 0 {
		f.out[f.afterCR].crOnly = true
		f.afterCR = -1
	}
	f.emit()
	out := f.out
	f.out = nil
	return out
}

// take returns the frames completed so far. The last frame may still wait
// to learn whether its CR is followed by LF; when the other side speaks
// (decide), the modem has paused: a CR with nothing after it ended its
// frame alone, and a frame with no end yet is complete as it stands.
func (f *framer) take(decide bool) []record {
	if decide {
		if f.afterCR >= 0 {
			f.out[f.afterCR].crOnly = true
			f.afterCR = -1
		}
		f.emit()
	}
	n := len(f.out)
	if f.afterCR >= 0 {
		n--
	}
	out := append([]record(nil), f.out[:n]...)
	f.out = append(f.out[:0], f.out[n:]...)
	if f.afterCR >= 0 {
		f.afterCR = 0
	}
	return out
}
