package sim

// maxLine bounds a command line. Longer lines are answered ERROR once their
// CR arrives, as a too-long line is on the real modem; the excess is dropped
// so a host sending garbage cannot grow memory without bound.
const maxLine = 2048

const (
	cr  = '\r'
	lf  = '\n'
	bs  = 0x08 // backspace, S5: deletes the previous character
	sub = 0x1A // Ctrl+Z: sends a prompt payload
	esc = 0x1B // ESC: cancels a prompt payload
)

// lineAssembler collects command-mode bytes into lines. Bytes may arrive in
// any pieces; a line ends at CR, and an LF right after a CR is dropped (so
// "\r\n" terminates a line as well as "\r").
type lineAssembler struct {
	buf      []byte
	afterCR  bool
	overflow bool
}

// push takes one byte. It reports whether the byte is echoed (everything
// except the LF that follows a CR) and, when the byte ends a line, the line
// without its CR. The returned slice is valid until the next push.
func (a *lineAssembler) push(b byte) (echo bool, line []byte, done bool) {
	prevCR := a.afterCR
	a.afterCR = b == cr
	switch {
	case b == cr:
		line = a.buf
		a.buf = a.buf[:0:0]
		return true, line, true
	case b == lf && prevCR:
		return false, nil, false
	case b == lf:
		return true, nil, false
	case b == bs:
		if n := len(a.buf); n > 0 {
			a.buf = a.buf[:n-1]
		}
		return true, nil, false
	}
	if len(a.buf) >= maxLine {
		a.overflow = true
		return true, nil, false
	}
	a.buf = append(a.buf, b)
	return true, nil, false
}

// partial reports whether part of a line has been received.
func (a *lineAssembler) partial() bool { return len(a.buf) > 0 }

// takeOverflow reports and clears the too-long flag of the line just ended.
func (a *lineAssembler) takeOverflow() bool {
	o := a.overflow
	a.overflow = false
	return o
}

// reset drops any partial line (used at reboot).
func (a *lineAssembler) reset() {
	a.buf, a.afterCR, a.overflow = nil, false, false
}
