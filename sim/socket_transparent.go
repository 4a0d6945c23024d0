package sim

import (
	"bytes"
	"time"
)

// Transparent access mode (<access_mode> 2): after CONNECT the line is the
// socket. Host bytes go to the network and network bytes to the host until
// "+++", with a second of silence before and after it, returns to command
// mode (OK); ATO or AT+QISWTMD=<id>,2 goes back. A connection the peer
// closes ends the data mode with NO CARRIER.

// guardTime is the silence "+++" needs on both sides.
const guardTime = time.Second

var noCarrier = result{kind: resWord, word: "NO CARRIER", code: 3}

// openWait holds AT+QIOPEN / AT+QSSLOPEN in transparent mode until the
// connection is up or has failed; input meanwhile is ignored.
type openWait struct{}

func (openWait) feed(_ *Modem, b []byte) int { return len(b) }

// openLimit is how long the module may take to open a socket (the
// manual's 150 s); past it the command gives up on the modem's clock.
const openLimit = 150 * time.Second

// openTransparent opens s and answers CONNECT (then data mode) or ERROR.
func (m *Modem) openTransparent(tab *[numSockets]*socket, s *socket, ctxID int, tlsOf func() (*tlsSetup, bool)) result {
	w := &openWait{}
	m.enterData(w)
	gen := m.dataGen
	waiting := func() bool { return m.data == dataMode(w) && m.dataGen == gen }
	timer := m.after(openLimit, func() {
		if waiting() {
			s.close()
			if tab[s.id] == s {
				tab[s.id] = nil
			}
			m.stack().lastErr = errSockTimeout
			m.leaveData(errorResult)
		}
	})
	m.startOpen(tab, s, ctxID, tlsOf, func(code int) {
		timer.Stop()
		if !waiting() {
			return
		}
		if code != 0 {
			m.leaveData(errorResult) // AT+QIGETERROR tells why
			return
		}
		m.enterTransparent(s)
	})
	return pendingResult
}

// enterTransparent answers CONNECT and makes the line s's data path; what
// s buffered meanwhile comes first.
func (m *Modem) enterTransparent(s *socket) {
	s.mode = modeTransp
	t := &transparent{s: s, last: m.clk.Now()} // the guard time counts from CONNECT
	m.resultCode("CONNECT", 1)
	m.flushResp()
	m.enterData(t)
	if len(s.rx) > 0 {
		m.write(s.read(len(s.rx)))
	}
}

// transparent is the data mode of a socket in transparent access mode.
type transparent struct {
	s     *socket
	last  time.Time // when the host last sent a byte that was not a held '+'
	plus  int       // '+' bytes held back: maybe the escape
	guard Timer
}

func (t *transparent) feed(m *Modem, b []byte) int {
	now := m.clk.Now()
	var out []byte
	for _, c := range b {
		if c == '+' && t.plus < 3 && (t.plus > 0 || now.Sub(t.last) >= guardTime) {
			t.plus++
			continue
		}
		out = append(out, bytes.Repeat([]byte{'+'}, t.plus)...)
		out = append(out, c)
		t.plus = 0
		t.last = now
	}
	if t.guard != nil {
		t.guard.Stop()
		t.guard = nil
	}
	if len(out) > 0 && t.s.state == sockConnected {
		t.s.send(out)
	}
	if t.plus == 3 {
		gen := m.dataGen
		t.guard = m.after(guardTime, func() {
			if m.data == dataMode(t) && m.dataGen == gen && t.plus == 3 {
				m.leaveData(okResult)
			}
		})
	}
	return len(b)
}

// transparentOf returns the transparent data mode serving s, if any.
func (m *Modem) transparentOf(s *socket) (*transparent, bool) {
	t, ok := m.data.(*transparent)
	return t, ok && t.s == s
}

// cmdATO returns to the data mode of the socket last left with "+++".
func cmdATO(m *Modem, c *command) result {
	if c.hasNum && c.num != 0 {
		return errorResult
	}
	ip := m.stack()
	for _, tab := range []*[numSockets]*socket{&ip.socks, &ip.ssl} {
		for _, s := range tab {
			if s != nil && s.mode == modeTransp && s.state == sockConnected {
				m.enterTransparent(s)
				return pendingResult
			}
		}
	}
	return noCarrier
}

// cmdQISWTMD is AT+QISWTMD=<connectID>,<access_mode>: OK, or CONNECT and
// data mode for 2.
func cmdQISWTMD(m *Modem, c *command) result {
	if c.form == formTest {
		m.info("+QISWTMD: (0-11),(0-2)")
		return okResult
	}
	id, ok1 := c.intArg(0, 0, numSockets-1)
	mode, ok2 := c.intArg(1, 0, 2)
	if c.form != formWrite || !ok1 || !ok2 || c.argc() != 2 {
		return errorResult
	}
	s, up := m.connected(&ipFamily, id)
	if !up {
		return errorResult
	}
	if mode == modeTransp {
		m.enterTransparent(s)
		return pendingResult
	}
	s.mode = mode
	return okResult
}
