package sim

import (
	"fmt"
	"strings"
)

var socketCommands = map[string]handler{
	"+QIOPEN":     cmdQIOPEN,
	"+QICLOSE":    closeHandler(&ipFamily),
	"+QISEND":     sendHandler(&ipFamily),
	"+QIRD":       readHandler(&ipFamily, "+QIRD"),
	"+QISTATE":    cmdQISTATE,
	"+QIGETERROR": cmdQIGETERROR,
	"+QISWTMD":    cmdQISWTMD,
	"O":           cmdATO,
}

// socketErrTexts are the verbose (AT+CMEE=2) texts of the TCP/IP and HTTP
// codes, from the EC20 tables (reference §6.2 and docs/at-reference).
var socketErrTexts = map[int]string{
	550: "unknown error", 551: "operation blocked", 552: "invalid parameters", 553: "memory not enough",
	554: "create socket failed", 555: "operation not supported", 556: "socket bind failed",
	557: "socket listen failed", 558: "socket write failed", 559: "socket read failed",
	560: "socket accept failed", 562: "close PDP context failed", 563: "socket identity has been used",
	564: "DNS busy", 565: "DNS parse failed", 566: "socket connect failed", 567: "socket has been closed",
	568: "operation busy", 569: "operation timeout", 570: "PDP context broken down", 571: "cancel send",
	572: "operation not allowed", 573: "APN not configured", 574: "port busy",
}

func init() {
	for _, t := range []map[int]string{socketErrTexts, httpErrTexts} {
		for code, text := range t {
			if _, known := cmeTexts[code]; !known {
				cmeTexts[code] = text
			}
		}
	}
}

// cmdQIOPEN is AT+QIOPEN=<contextID>,<connectID>,"TCP"|"UDP","<host>",
// <remote_port>[,<local_port>[,<access_mode>]]: OK, then
// +QIOPEN: <connectID>,<err> once the connection is up or has failed.
func cmdQIOPEN(m *Modem, c *command) result {
	switch c.form {
	case formTest:
		m.info(`+QIOPEN: (1-16),(0-11),"TCP/UDP/TCP LISTENER/UDP SERVICE","<IP_address>/<domain_name>",<remote_port>,<local_port>,(0-2)`)
		return okResult
	case formRead:
		return okResult
	case formWrite:
	default:
		return errorResult
	}
	ctxID, ok1 := c.intArg(0, 1, 16)
	id, ok2 := c.intArg(1, 0, numSockets-1)
	proto, ok3 := c.strArg(2)
	host, ok4 := c.strArg(3)
	port, ok5 := c.intArg(4, 1, 65535)
	local, ok6 := c.optInt(5, 0, 65535, 0)
	mode, ok7 := c.optInt(6, 0, 2, modeBuffer)
	proto = strings.ToUpper(proto)
	if !ok1 || !ok2 || !ok3 || !ok4 || !ok5 || !ok6 || !ok7 || c.argc() > 7 || host == "" || len(host) > maxHost {
		return errorResult
	}
	if proto != "TCP" && proto != "UDP" {
		m.logf("AT+QIOPEN with %q is not implemented here (only TCP and UDP clients): answered ERROR", proto)
		return errorResult
	}
	s := &socket{fam: &ipFamily, id: id, proto: proto, ctxID: ctxID, sslCtx: -1, host: host, port: port, local: local, mode: mode}
	if mode == modeTransp {
		return m.openTransparent(&m.stack().socks, s, ctxID, nil)
	}
	m.afterLine = append(m.afterLine, func() { m.startOpen(&m.stack().socks, s, ctxID, nil, m.openURC(s)) })
	return okResult
}

// openURC reports an open's outcome as <open>: <id>,<err>.
func (m *Modem) openURC(s *socket) func(code int) {
	return func(code int) { m.urc(fmt.Sprintf("%s: %d,%d", s.fam.open, s.id, code)) }
}

// startOpen opens s in slot s.id of tab and gives done the outcome: 0 or
// an error code. In buffer and push mode it runs after the command's OK,
// so the URC always follows it.
func (m *Modem) startOpen(tab *[numSockets]*socket, s *socket, ctxID int, tlsOf func() (*tlsSetup, bool), done func(code int)) {
	report := func(code int) {
		if code != 0 {
			m.stack().lastErr = code
		}
		done(code)
	}
	if old := tab[s.id]; old != nil && old.state != sockInitial {
		report(errSockIDUsed)
		return
	}
	if !m.activate(ctxID) {
		report(errSockPDP)
		return
	}
	var ts *tlsSetup
	if tlsOf != nil {
		var ok bool
		if ts, ok = tlsOf(); !ok {
			report(errSockConnect)
			return
		}
	}
	tab[s.id] = s
	if ts != nil {
		m.openSocket(s, ts.cfg, ts.handshake, report)
		return
	}
	m.openSocket(s, nil, 0, report)
}

// closeHandler is AT+QICLOSE=<id>[,<timeout>] / AT+QSSLCLOSE: OK, and the
// socket is free again. Closing a free socket is OK too.
func closeHandler(fam *sockFamily) handler {
	return func(m *Modem, c *command) result {
		if c.form == formTest {
			m.info(fmt.Sprintf("%s: (0-11),(0-65535)", strings.Replace(fam.open, "OPEN", "CLOSE", 1)))
			return okResult
		}
		id, ok1 := c.intArg(0, 0, numSockets-1)
		_, ok2 := c.optInt(1, 0, 65535, 10)
		if c.form != formWrite || !ok1 || !ok2 || c.argc() > 2 {
			return errorResult
		}
		tab := m.table(fam)
		if s := tab[id]; s != nil {
			s.close()
			tab[id] = nil
		}
		return okResult
	}
}

func (m *Modem) table(fam *sockFamily) *[numSockets]*socket {
	if fam == &sslFamily {
		return &m.stack().ssl
	}
	return &m.stack().socks
}

// connected returns socket id of fam when it is connected.
func (m *Modem) connected(fam *sockFamily, id int) (*socket, bool) {
	s := m.table(fam)[id]
	return s, s != nil && s.state == sockConnected
}

// sendHandler serves AT+QISEND and AT+QSSLSEND:
//
//	=<id>            prompt, data up to Ctrl+Z (ESC cancels)
//	=<id>,<len>      prompt, exactly len bytes
//	=<id>,0          +QISEND: <sent>,<acked>,<unacked> (TCP/IP only)
//
// then SEND OK, or SEND FAIL when the send buffer is full; ERROR when the
// socket is not connected.
func sendHandler(fam *sockFamily) handler {
	name := strings.Replace(fam.open, "OPEN", "SEND", 1)
	return func(m *Modem, c *command) result {
		if c.form == formTest {
			m.info(fmt.Sprintf("%s: (0-11),(0-%d)", name, maxSend))
			return okResult
		}
		id, ok1 := c.intArg(0, 0, numSockets-1)
		n, ok2 := c.optInt(1, 0, maxSend, -1)
		if c.form != formWrite || !ok1 || !ok2 || c.argc() > 2 {
			return errorResult
		}
		s, up := m.connected(fam, id)
		if n == 0 && fam == &ipFamily {
			if s == nil || s.state == sockInitial {
				return errorResult
			}
			m.info(fmt.Sprintf("%s: %d,%d,0", name, s.sent, s.sent))
			return okResult
		}
		if !up || n == 0 {
			return errorResult
		}
		return m.startSendPrompt(max(n, 0), func(data []byte) result {
			if s.state != sockConnected || !s.send(data) {
				return result{kind: resWord, word: "SEND FAIL", code: 4}
			}
			return result{kind: resWord, word: "SEND OK", code: 0}
		})
	}
}

// readHandler serves AT+QIRD and AT+QSSLRECV:
//
//	=<id>[,<len>]    +QIRD: <n> CR LF <n bytes>, then OK (+QIRD: 0 when none)
//	=<id>,0          +QIRD: <total>,<read>,<unread> (TCP/IP only)
func readHandler(fam *sockFamily, name string) handler {
	return func(m *Modem, c *command) result {
		if c.form == formTest {
			m.info(fmt.Sprintf("%s: (0-11),(0-%d)", name, maxRead))
			return okResult
		}
		id, ok1 := c.intArg(0, 0, numSockets-1)
		n, ok2 := c.optInt(1, 0, maxRead, maxRead)
		if c.form != formWrite || !ok1 || !ok2 || c.argc() > 2 || (fam == &sslFamily && c.argc() != 2) {
			return errorResult
		}
		s := m.table(fam)[id]
		if s == nil || s.state == sockInitial || s.state == sockOpening {
			return errorResult
		}
		if n == 0 {
			if fam != &ipFamily {
				return errorResult
			}
			m.info(fmt.Sprintf("%s: %d,%d,%d", name, s.rxTotal, s.rxRead, len(s.rx)))
			return okResult
		}
		data := s.read(n)
		m.info(fmt.Sprintf("%s: %d", name, len(data)))
		if len(data) > 0 {
			m.resp.Write(data)
			m.resp.WriteString("\r\n")
		}
		return okResult
	}
}

// cmdQISTATE lists sockets: AT+QISTATE? (all), AT+QISTATE=0,<contextID>,
// AT+QISTATE=1,<connectID>.
func cmdQISTATE(m *Modem, c *command) result {
	switch c.form {
	case formTest:
		return okResult
	case formRead, formExec:
		m.listSockets(&ipFamily, "+QISTATE", func(*socket) bool { return true })
		return okResult
	}
	typ, ok1 := c.intArg(0, 0, 1)
	if !ok1 || c.argc() != 2 {
		return errorResult
	}
	if typ == 0 {
		cid, ok := c.intArg(1, 1, 16)
		if !ok {
			return errorResult
		}
		m.listSockets(&ipFamily, "+QISTATE", func(s *socket) bool { return s.ctxID == cid })
		return okResult
	}
	id, ok := c.intArg(1, 0, numSockets-1)
	if !ok {
		return errorResult
	}
	m.listSockets(&ipFamily, "+QISTATE", func(s *socket) bool { return s.id == id })
	return okResult
}

func (m *Modem) listSockets(fam *sockFamily, name string, keep func(*socket) bool) {
	for _, s := range m.table(fam) {
		if s != nil && s.state != sockInitial && keep(s) {
			m.info(s.stateLine(name, m.opts.Port))
		}
	}
}

// cmdQIGETERROR is AT+QIGETERROR: the last TCP/IP error and its text.
func cmdQIGETERROR(m *Modem, c *command) result {
	if c.form == formTest {
		return okResult
	}
	if c.form != formExec {
		return errorResult
	}
	code := m.stack().lastErr
	text := "no error"
	if code != 0 {
		text = cmeText(code)
	}
	m.info(fmt.Sprintf("+QIGETERROR: %d,%s", code, text))
	return okResult
}

// startSendPrompt sends "> " and takes the data: exactly n bytes, or with
// n == 0 up to Ctrl+Z (ESC cancels with OK). done gives the final result.
func (m *Modem) startSendPrompt(n int, done func([]byte) result) result {
	if m.st.verbose {
		m.resp.WriteString("\r\n")
	}
	m.resp.WriteString("> ")
	m.flushResp()
	m.enterData(&dataPrompt{fixed: n, limit: maxSend, done: done})
	return pendingResult
}

// dataPrompt is the data mode after a socket's "> ". Payload bytes are
// echoed with echo on, as after AT+QMTPUB's prompt.
type dataPrompt struct {
	fixed, limit int
	buf          []byte
	overflow     bool
	done         func([]byte) result
}

func (p *dataPrompt) feed(m *Modem, b []byte) int {
	if p.fixed > 0 {
		n := min(len(b), p.fixed-len(p.buf))
		p.take(m, b[:n])
		if len(p.buf) == p.fixed {
			m.leaveData(p.done(p.buf))
		}
		return n
	}
	for i, c := range b {
		switch c {
		case sub:
			p.take(m, b[:i])
			if p.overflow {
				m.leaveData(errorResult)
			} else {
				m.leaveData(p.done(p.buf))
			}
			return i + 1
		case esc:
			p.take(m, b[:i])
			m.leaveData(okResult) // cancelled: nothing sent
			return i + 1
		}
	}
	p.take(m, b)
	return len(b)
}

func (p *dataPrompt) take(m *Modem, b []byte) {
	if m.st.echo {
		m.write(b)
	}
	room := p.limit - len(p.buf)
	if len(b) > room {
		p.overflow = true
		b = b[:room]
	}
	p.buf = append(p.buf, b...)
}
