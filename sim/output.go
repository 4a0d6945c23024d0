package sim

import (
	"strconv"
	"time"
)

// partialHold is how long a partly typed command line holds URCs back. A
// host that stops in the middle of a line does not silence the modem for
// ever.
const partialHold = time.Second

// resultKind is the final result of a command.
type resultKind int

const (
	resOK      resultKind = iota
	resError              // plain ERROR: syntax, unknown command, bad value
	resCME                // +CME ERROR: <code> (ERROR with AT+CMEE=0)
	resCMS                // +CMS ERROR: <code>, the SMS commands' error (ERROR with AT+CMEE=0)
	resPending            // the command entered data mode; its result comes later
	resWord               // another final result word: SEND OK, SEND FAIL (word, code its digit)
)

type result struct {
	kind resultKind
	code int
	word string
}

var (
	okResult      = result{kind: resOK}
	errorResult   = result{kind: resError}
	pendingResult = result{kind: resPending}
)

func cme(code int) result { return result{kind: resCME, code: code} }

func cms(code int) result { return result{kind: resCMS, code: code} }

// info appends an information line to the response. In verbose mode a
// command's information text opens with CR LF and every line ends with CR
// LF, so consecutive lines of one command have no empty line between them
// (ATI, AT+QFLST, AT+CGDCONT? in the logs). Numeric mode (ATV0) drops the
// opening CR LF.
func (m *Modem) info(text string) {
	if m.st.verbose && !m.inBlock {
		m.resp.WriteString("\r\n")
	}
	m.inBlock = true
	m.resp.WriteString(text)
	m.resp.WriteString("\r\n")
}

// endBlock ends a command's information text: the next line opens a new
// block (the next command of the line, a URC).
func (m *Modem) endBlock() { m.inBlock = false }

// resultCode appends a result code in the current mode: "\r\n<word>\r\n"
// verbose, "<digit>\r" numeric.
func (m *Modem) resultCode(word string, digit int) {
	m.endBlock()
	if m.st.verbose {
		m.resp.WriteString("\r\n" + word + "\r\n")
		return
	}
	m.resp.WriteString(strconv.Itoa(digit) + "\r")
}

// final appends the final result code of r.
func (m *Modem) final(r result) {
	switch {
	case r.kind == resOK:
		m.resultCode("OK", 0)
	case r.kind == resWord:
		m.resultCode(r.word, r.code)
	case r.kind == resCME && m.st.cmee == 1:
		m.endBlock()
		m.info("+CME ERROR: " + strconv.Itoa(r.code))
	case r.kind == resCME && m.st.cmee == 2:
		m.endBlock()
		m.info("+CME ERROR: " + cmeText(r.code))
	case r.kind == resCMS && m.st.cmee == 1:
		m.endBlock()
		m.info("+CMS ERROR: " + strconv.Itoa(r.code))
	case r.kind == resCMS && m.st.cmee == 2:
		m.endBlock()
		m.info("+CMS ERROR: " + cmsText(r.code))
	default:
		m.resultCode("ERROR", 4)
	}
}

// flushResp writes the response collected so far. The first output of a
// command line and each URC block sit at a line boundary, where the
// line-noise fault may put junk first.
func (m *Modem) flushResp() {
	if m.resp.Len() == 0 {
		return
	}
	if m.noiseDue {
		m.noiseDue = false
		m.maybeNoise()
	}
	m.write(m.resp.Bytes())
	m.resp.Reset()
}

// finish ends the current command line with r, then lets held URCs out.
func (m *Modem) finish(r result) {
	m.final(r)
	m.endBlock()
	m.flushResp()
	m.busy = false
	after := m.afterLine
	m.afterLine = nil
	for _, f := range after {
		f()
	}
	m.flushURCs()
}

// urc queues an unsolicited result code. It goes out at once when the modem
// is idle, otherwise after the current command's final result: a real modem
// does not put a URC inside a command's response. URCs for another port
// (AT+QURCCFG="urcport") never reach this line.
func (m *Modem) urc(text string) {
	if p := m.st.urcPort; p != "all" && p != m.opts.Port {
		m.tracef("URC for port %s, not this one: %s", p, text)
		return
	}
	m.tracef("URC: %s", text)
	m.urcs = append(m.urcs, text)
	m.flushURCs()
}

// idle reports whether URCs may go out now.
func (m *Modem) idle() bool {
	return !m.busy && m.data == nil && !m.rebooting && !m.typing()
}

// typing reports a partial command line younger than partialHold.
func (m *Modem) typing() bool {
	return m.asm.partial() && m.clk.Now().Sub(m.partialAt) < partialHold
}

// flushURCs writes the held URCs if the modem is idle, each framed like an
// information line.
func (m *Modem) flushURCs() {
	if len(m.urcs) == 0 {
		return
	}
	if !m.idle() {
		m.retryURCsLater()
		return
	}
	for _, u := range m.urcs {
		m.endBlock()
		m.info(u) // each URC framed on its own
	}
	m.endBlock()
	m.urcs = m.urcs[:0]
	m.noiseDue = true
	m.flushResp()
}

// retryURCsLater re-checks once a stale partial line stops holding URCs.
func (m *Modem) retryURCsLater() {
	if !m.typing() || m.busy || m.data != nil {
		return
	}
	if m.urcTimer != nil {
		m.urcTimer.Stop()
	}
	wait := partialHold - m.clk.Now().Sub(m.partialAt)
	m.urcTimer = m.after(wait, m.flushURCs)
}

// noiseBytes are the junk bytes of the line-noise fault: none is a line
// terminator, a prompt, a URC's '+' or a data-mode control byte.
var noiseBytes = []byte("J?@`*~#%!\x80\xfe\xff")

// maybeNoise writes 1-3 junk bytes at a line boundary, now and then, when
// the line-noise fault is on.
func (m *Modem) maybeNoise() {
	if !m.faults.LineNoise || m.rng.Intn(3) != 0 {
		return
	}
	n := 1 + m.rng.Intn(3)
	junk := make([]byte, n)
	for i := range junk {
		junk[i] = noiseBytes[m.rng.Intn(len(noiseBytes))]
	}
	m.write(junk)
}

// cmeText is the verbose (AT+CMEE=2) form of an error code.
func cmeText(code int) string {
	if t, ok := cmeTexts[code]; ok {
		return t
	}
	return "Unknown error"
}

var cmeTexts = map[int]string{
	0: "phone failure", 3: "operation not allowed", 4: "operation not supported",
	10: "SIM not inserted", 11: "SIM PIN required", 12: "SIM PUK required",
	13: "SIM failure", 14: "SIM busy", 16: "incorrect password", 30: "no network service",
	400: "invalid input value", 403: "drive full", 405: "file not found",
	406: "invalid file name", 407: "file already existed", 413: "reach the max number of file allowed to be opened",
	414: "file read only", 416: "invalid file descriptor", 418: "fail to delete the file",
	421: "time out", 423: "file too large", 426: "file already opened", 561: "open PDP context failed",
}
