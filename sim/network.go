package sim

import (
	"fmt"
	"time"
)

// Cell identity shown with registration mode 2.
const (
	cellLAC = "1A2B"
	cellCI  = "80D413D"
	actLTE  = 7
)

var regNames = [3]string{"+CREG", "+CGREG", "+CEREG"}

// startRadio (re)starts network registration after power-up, AT+CFUN or
// the SIM becoming ready. The faults decide where registration ends.
func (m *Modem) startRadio() {
	m.regGen++
	if m.regTimer != nil {
		m.regTimer.Stop()
	}
	if m.st.cfun != 1 || m.st.sim != simReady {
		m.setStat(0)
		return
	}
	switch {
	case m.faults.NoSignal:
		m.setStat(2)
	case m.faults.RegistrationDenied:
		m.setStat(3)
	case m.faults.SlowRegistration > 0:
		m.setStat(2)
		gen := m.regGen
		m.regTimer = m.after(m.faults.SlowRegistration, func() {
			if gen == m.regGen {
				m.setStat(1)
			}
		})
	default:
		m.setStat(1)
	}
}

// setStat changes the registration state and reports it to every
// registration command whose URC mode asks for it.
func (m *Modem) setStat(stat int) {
	if stat == m.st.stat {
		return
	}
	m.st.stat = stat
	if !m.st.registered() {
		m.st.detached = false
		for _, c := range m.st.pdp {
			c.active, c.addr = false, ""
		}
	}
	for kind := range regNames {
		if m.st.regN[kind] > 0 {
			m.urc(m.regURC(kind))
		}
	}
	m.registrationWaiterDone()
}

// regURC is the unsolicited form: "+CREG: <stat>" with n=1, plus the cell
// with n=2 while registered.
func (m *Modem) regURC(kind int) string {
	s := fmt.Sprintf("%s: %d", regNames[kind], m.st.stat)
	if m.st.regN[kind] == 2 && m.st.registered() {
		s += m.cellSuffix()
	}
	return s
}

// regRead is the read answer: "+CREG: <n>,<stat>[,<lac>,<ci>,<AcT>]".
func (m *Modem) regRead(kind int) string {
	n := m.st.regN[kind]
	s := fmt.Sprintf("%s: %d,%d", regNames[kind], n, m.st.stat)
	if n == 2 && m.st.registered() {
		s += m.cellSuffix()
	}
	return s
}

func (m *Modem) cellSuffix() string {
	return fmt.Sprintf(`,"%s","%s",%d`, cellLAC, cellCI, actLTE)
}

// signal returns the AT+CSQ values.
func (m *Modem) signal() (rssi, ber int) {
	if m.faults.NoSignal || m.st.cfun != 1 {
		return 99, 99
	}
	return m.opts.Signal, 99
}

// activate brings PDP context cid up for the TCP/IP stack. It needs PS
// attach, as the module does, and fails under pdp-failure.
func (m *Modem) activate(cid int) bool {
	if !m.st.attached() || m.faults.PDPFailure {
		return false
	}
	c := m.context(cid)
	c.active = true
	if c.addr == "" {
		c.addr = fmt.Sprintf("10.64.%d.%d", cid, 10+m.rng.Intn(240))
	}
	return true
}

// Longest waits of the module for network procedures (reference §5.11).
const (
	attachLimit   = 140 * time.Second
	activateLimit = 150 * time.Second
)

// regWait holds a command that needs registration while the modem is still
// searching (AT+CGATT=1, AT+QIACT): its final result comes once the network
// registers, or +CME ERROR: 30 when the limit passes. Input meanwhile is
// ignored, as the module ignores it while it works.
type regWait struct {
	gen   int
	then  func() result
	timer Timer
}

func (w *regWait) feed(_ *Modem, b []byte) int { return len(b) }

// awaitRegistration runs then at once if registered, fails at once unless
// the modem is searching, and otherwise waits.
func (m *Modem) awaitRegistration(limit time.Duration, then func() result) result {
	switch {
	case m.st.registered():
		return then()
	case m.st.stat != 2:
		return cme(30)
	}
	w := &regWait{then: then}
	m.enterData(w)
	w.gen = m.dataGen
	w.timer = m.after(limit, func() {
		if m.data == dataMode(w) && m.dataGen == w.gen {
			m.leaveData(cme(30))
		}
	})
	return pendingResult
}

// registrationWaiterDone completes a command waiting for registration.
func (m *Modem) registrationWaiterDone() {
	if w, ok := m.data.(*regWait); ok && m.st.registered() {
		w.timer.Stop()
		m.leaveData(w.then())
	}
}
