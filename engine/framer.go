package engine

import (
	"bytes"
	"strings"
)

// Kind says what sort of frame the modem sent.
type Kind uint8

const (
	// Line is a line of text; its terminators (CR, LF, or both) are removed.
	Line Kind = iota
	// Prompt is the `>` (usually `> `) a modem sends, with no line end,
	// when it waits for a payload.
	Prompt
	// Data is raw bytes passed through while the stream is in data mode
	// (after CONNECT, for a caller that asked for it).
	Data
)

func (k Kind) String() string {
	switch k {
	case Line:
		return "line"
	case Prompt:
		return "prompt"
	default:
		return "data"
	}
}

// Frame is one unit of what the modem sent.
type Frame struct {
	Kind Kind
	Text string
}

// framer turns the modem's byte stream into frames. It keeps no state but
// the unfinished line, so any split of the stream gives the same frames.
//
// Rules: a line ends at CR or LF (so CR LF, a lone CR as after an echo, and a
// lone LF all end it) and empty or blank lines are dropped; `>` at the start
// of a frame is a prompt, and one space after it belongs to it; while raw > 0
// bytes pass through as Data.
type framer struct {
	buf       []byte // the unfinished line
	raw       int    // bytes still to pass through as Data
	skipSpace bool   // a prompt was just seen; drop one space after it
	afterCR   bool   // a line just ended with CR; an LF right after belongs to it
}

// feed frames p, calling emit for each frame in order. emit may switch the
// framer to data mode (setRaw); the switch applies to the very next byte.
func (f *framer) feed(p []byte, emit func(Frame)) {
	for len(p) > 0 {
		switch {
		case f.afterCR:
			f.afterCR = false
			if p[0] == '\n' {
				p = p[1:]
			}
		case f.raw > 0:
			n := min(f.raw, len(p))
			f.raw -= n
			emit(Frame{Kind: Data, Text: string(p[:n])})
			p = p[n:]
		case f.skipSpace:
			f.skipSpace = false
			if p[0] == ' ' {
				p = p[1:]
			}
		case len(f.buf) == 0 && p[0] == '>':
			f.skipSpace = true
			emit(Frame{Kind: Prompt, Text: ">"})
			p = p[1:]
		default:
			p = f.line(p, emit)
		}
	}
}

// line consumes p up to and including the next line end, emitting the line
// if it is complete, and returns the rest.
func (f *framer) line(p []byte, emit func(Frame)) []byte {
	end := lineEnd(p)
	if end < 0 {
		f.buf = append(f.buf, p...)
		return nil
	}
	var text string
	if len(f.buf) > 0 {
		f.buf = append(f.buf, p[:end]...)
		text = string(f.buf)
		f.buf = f.buf[:0]
	} else {
		text = string(p[:end])
	}
	f.afterCR = p[end] == '\r'
	f.emitLine(text, emit)
	return p[end+1:]
}

// lineEnd returns the index of the first CR or LF in p, or -1. Two
// vectorised byte searches beat one loop testing both bytes.
func lineEnd(p []byte) int {
	lf := bytes.IndexByte(p, '\n')
	if lf < 0 {
		return bytes.IndexByte(p, '\r')
	}
	if cr := bytes.IndexByte(p[:lf], '\r'); cr >= 0 {
		return cr
	}
	return lf
}

// gluedFinals are results after which a modem has been seen to send the
// next command's echo with no line end in between (`SEND OKAT+QIRD=0,0`).
var gluedFinals = []string{"OK", "ERROR", "SEND OK", "SEND FAIL", "NO CARRIER"}

func (f *framer) emitLine(text string, emit func(Frame)) {
	if isBlank(text) {
		return
	}
	if mayBeGlued(text) {
		f.splitGlued(text, emit)
		return
	}
	emit(Frame{Kind: Line, Text: text})
}

// mayBeGlued is a cheap test, run on every line, for a line that starts
// with a final result and goes on.
func mayBeGlued(text string) bool {
	if len(text) < 4 {
		return false
	}
	switch text[0] {
	case 'O', 'E', 'S', 'N':
		return true
	}
	return false
}

func (f *framer) splitGlued(text string, emit func(Frame)) {
	for _, final := range gluedFinals {
		rest, ok := strings.CutPrefix(text, final)
		if ok && len(rest) >= 2 && strings.EqualFold(rest[:2], "AT") {
			emit(Frame{Kind: Line, Text: final})
			emit(Frame{Kind: Line, Text: rest})
			return
		}
	}
	emit(Frame{Kind: Line, Text: text})
}

// setRaw makes the next n bytes pass through as Data frames.
func (f *framer) setRaw(n int) { f.raw = n }

func isBlank(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] != ' ' && s[i] != '\t' {
			return false
		}
	}
	return true
}
