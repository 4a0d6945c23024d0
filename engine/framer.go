package engine

import (
	"bytes"

	"github.com/atrun/atrun/engine/codes"
)

// Kind says what sort of frame the modem sent.
type Kind uint8

const (
	// Line is a line of text; its terminators (CR, LF, or both) are removed.
	Line Kind = iota
	// Prompt is the `>` (usually `> `) a modem sends, with no line end,
	// when it waits for a payload.
	Prompt
	// Data is the bytes a download received after its CONNECT, whole.
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
	// Data is what came with a line besides its text: the n bytes after
	// `+QIRD: <n>` (exact, CR LF and all), the text line after `+CMT:`.
	// Empty for most lines. A payload inside the line (+QMTRECV with its
	// length) stays in Text.
	Data string
}

// framer turns the modem's byte stream into frames. It keeps only the
// unfinished frame, so any split of the stream gives the same frames.
//
// Rules: a line ends at CR or LF (so CR LF, a lone CR as after an echo, and a
// lone LF all end it) and empty or blank lines are dropped; `>` at the start
// of a frame is a prompt, and one space after it belongs to it. A payload a
// line announces (see codes.InlinePayload, codes.PayloadAfter) is read by its
// count, whatever it holds, and a URC that owns the next line
// (codes.TakesNextLine) gets it; so a CR LF, a `> ` or an OK inside such a
// payload is payload. After a download's CONNECT, the bytes up to the end
// the download describes are one Data frame.
type framer struct {
	buf       []byte // the unfinished line
	inline    int    // bytes of a payload inside the line still to copy as they are
	hold      *Frame // a line waiting for what comes with it
	need      int    // bytes hold still waits for
	nextLine  bool   // hold waits for the next line
	data      []byte // what hold or the download has received so far
	dl        *download
	skipSpace bool // a prompt was just seen; drop one space after it
	afterCR   bool // a line just ended with CR; an LF right after belongs to it
}

// download says where the data after a CONNECT ends: after n bytes, or
// where end finds it (checked at each LF received).
type download struct {
	n       int
	end     func(buf []byte) (dataEnd int, ok bool)
	scanned int // bytes of data already checked with end
}

// feed frames p, calling emit for each frame in order. emit may start a
// download (startDownload); it applies to the very next byte.
func (f *framer) feed(p []byte, emit func(Frame)) {
	for len(p) > 0 {
		switch {
		case f.afterCR:
			f.afterCR = false
			if p[0] == '\n' {
				p = p[1:]
			}
		case f.inline > 0:
			n := min(f.inline, len(p))
			f.buf = append(f.buf, p[:n]...)
			f.inline -= n
			p = p[n:]
		case f.need > 0:
			p = f.payload(p, emit)
		case f.dl != nil:
			p = f.downloaded(p, emit)
		case f.skipSpace:
			f.skipSpace = false
			if p[0] == ' ' {
				p = p[1:]
			}
		case len(f.buf) == 0 && p[0] == '>' && !f.nextLine:
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
	line := p[:end]
	if len(f.buf) > 0 {
		f.buf = append(f.buf, line...)
		line = f.buf
	}
	text := string(line)
	if rest, ok := insidePayload(text); ok {
		// The line end is payload: copy it, and what follows, as it is.
		if len(f.buf) == 0 {
			f.buf = append(f.buf, line...)
		}
		f.inline = rest
		return p[end:]
	}
	f.buf = f.buf[:0]
	f.afterCR = p[end] == '\r'
	f.emitLine(text, emit)
	return p[end+1:]
}

// insidePayload reports whether line, which met a line end, is in the middle
// of a payload it announced, and how many payload bytes are still to come.
func insidePayload(line string) (int, bool) {
	if len(line) < 10 || line[0] != '+' || line[1]|0x20 != 'q' && line[1]|0x20 != 'u' {
		return 0, false // the cheap test first (+QMTRECV, +UMQTTC): this runs on every line
	}
	start, n, ok := codes.InlinePayload(line)
	if !ok || len(line) >= start+n {
		return 0, false
	}
	return start + n - len(line), true
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

func (f *framer) emitLine(text string, emit func(Frame)) {
	if f.nextLine {
		// The line a URC owns is taken as it is, even blank.
		h := f.hold
		f.hold, f.nextLine = nil, false
		h.Data = text
		emit(*h)
		return
	}
	if isBlank(text) {
		return
	}
	if final, rest, ok := codes.SplitGlued(text); ok {
		// A modem has been seen to send the next command's echo with no
		// line end after a result (`SEND OKAT+QIRD=0,0`).
		emit(Frame{Kind: Line, Text: final})
		text = rest
	}
	if text[0] == '+' {
		if n, ok := codes.PayloadAfter(text); ok {
			f.hold, f.need, f.data = &Frame{Kind: Line, Text: text}, n, f.data[:0]
			return
		}
		if codes.TakesNextLine(text) {
			f.hold, f.nextLine = &Frame{Kind: Line, Text: text}, true
			return
		}
	}
	emit(Frame{Kind: Line, Text: text})
}

// payload takes bytes of the payload that follows hold's line.
func (f *framer) payload(p []byte, emit func(Frame)) []byte {
	n := min(f.need, len(p))
	f.data = append(f.data, p[:n]...)
	f.need -= n
	if f.need == 0 {
		h := f.hold
		f.hold = nil
		h.Data = string(f.data)
		f.data = f.data[:0]
		emit(*h)
	}
	return p[n:]
}

// startDownload makes the bytes from the next one on a download's data,
// ending as d says.
func (f *framer) startDownload(d download) {
	f.dl = &d
	f.data = f.data[:0]
}

// downloaded takes bytes of a download; once its end is found, the data is
// emitted as one frame and the bytes after it are framed again as lines.
func (f *framer) downloaded(p []byte, emit func(Frame)) []byte {
	d := f.dl
	if d.n > 0 {
		n := min(d.n-len(f.data), len(p))
		f.data = append(f.data, p[:n]...)
		if len(f.data) < d.n {
			return nil
		}
		f.endDownload(len(f.data), emit)
		return p[n:]
	}
	f.data = append(f.data, p...)
	for {
		i := bytes.IndexByte(f.data[d.scanned:], '\n')
		if i < 0 {
			d.scanned = len(f.data)
			return nil
		}
		d.scanned += i + 1
		if end, ok := d.end(f.data[:d.scanned]); ok {
			rest := append([]byte(nil), f.data[end:]...)
			f.endDownload(end, emit)
			return rest
		}
	}
}

func (f *framer) endDownload(end int, emit func(Frame)) {
	f.dl = nil
	data := string(f.data[:end])
	f.data = f.data[:0]
	emit(Frame{Kind: Data, Text: data})
}

func isBlank(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] != ' ' && s[i] != '\t' {
			return false
		}
	}
	return true
}
