package sim

import (
	"fmt"

	paho "github.com/eclipse/paho.mqtt.golang"
)

// publication is one AT+QMTPUB / AT+QMTPUBEX waiting for its payload.
type publication struct {
	l      *mqttLink
	urc    string // "+QMTPUB" or "+QMTPUBEX"
	msgid  int
	qos    int
	retain bool
	topic  string
}

// publishHandler serves both publish commands:
//
//	AT+QMTPUB=<idx>,<msgid>,<qos>,<retain>,"<topic>"            prompt, payload, Ctrl+Z
//	AT+QMTPUB=<idx>,<msgid>,<qos>,<retain>,"<topic>",<length>   prompt, exactly length bytes
//	AT+QMTPUBEX=<idx>,<msgid>,<qos>,<retain>,"<topic>",<length> prompt, exactly length bytes
//
// A quoted sixth parameter is taken as an inline payload (the BG95/BC26
// form), without a prompt.
func publishHandler(name string, fixedOnly bool) handler {
	return func(m *Modem, c *command) result {
		if c.form == formTest {
			m.info(name + `: (0-5),(0-65535),(0-2),(0,1),"<topic>",(1-4096)`)
			return okResult
		}
		p, ok := parsePublication(m, c, name)
		if c.form != formWrite || !ok || c.argc() < 5 || c.argc() > 6 || (fixedOnly && c.argc() != 6) {
			return errorResult
		}
		if p.l.state != linkConnected {
			return cme(3)
		}
		if c.argc() == 5 {
			return m.startPrompt(0, p)
		}
		if payload, quoted := c.strArg(5); quoted {
			m.afterLine = append(m.afterLine, func() { m.publish(p, []byte(payload)) })
			return okResult
		}
		n, ok := c.intArg(5, 1, maxPayload)
		if !ok {
			return errorResult
		}
		return m.startPrompt(n, p)
	}
}

// parsePublication reads the first five parameters. The msgid must be 0
// exactly when the QoS is 0.
func parsePublication(m *Modem, c *command, name string) (publication, bool) {
	l, ok1 := clientArg(m, c)
	msgid, ok2 := c.intArg(1, 0, 65535)
	qos, ok3 := c.intArg(2, 0, 2)
	retain, ok4 := c.intArg(3, 0, 1)
	topic, ok5 := c.strArg(4)
	ok := ok1 && ok2 && ok3 && ok4 && ok5 && topic != "" && (qos == 0) == (msgid == 0)
	return publication{l: l, urc: name, msgid: msgid, qos: qos, retain: retain == 1, topic: topic}, ok
}

// publish sends the message; the URC says whether the broker took it.
// Under publish-fail nothing is sent and the URC says failed to send.
func (m *Modem) publish(p publication, payload []byte) {
	idx := p.l.idx
	if p.l.state != linkConnected || m.faults.PublishFail {
		m.urc(fmt.Sprintf("%s: %d,%d,2", p.urc, idx, p.msgid))
		return
	}
	m.mqttRequest(p.l, func(cli paho.Client) paho.Token {
		return cli.Publish(p.topic, byte(p.qos), p.retain, payload)
	}, func(_ paho.Token, ok bool) string {
		if ok {
			m.reply.published(p.topic)
		}
		return fmt.Sprintf("%s: %d,%d,%d", p.urc, idx, p.msgid, okCode(ok))
	})
}

// startPrompt sends the "> " prompt (after CR LF in verbose mode, with no
// line end) and takes the payload: exactly n bytes, or with n == 0 up to
// Ctrl+Z (ESC cancels).
func (m *Modem) startPrompt(n int, p publication) result {
	if m.st.verbose {
		m.resp.WriteString("\r\n")
	}
	m.resp.WriteString("> ")
	m.flushResp()
	m.enterData(&prompt{fixed: n, pub: p})
	return pendingResult
}

// prompt is the data mode after "> ". With echo on the payload bytes are
// echoed as they arrive (not the Ctrl+Z or ESC).
type prompt struct {
	fixed    int
	buf      []byte
	overflow bool
	pub      publication
}

func (p *prompt) feed(m *Modem, b []byte) int {
	if p.fixed > 0 {
		n := min(len(b), p.fixed-len(p.buf))
		p.take(m, b[:n])
		if len(p.buf) == p.fixed {
			p.done(m)
		}
		return n
	}
	for i, c := range b {
		switch c {
		case sub:
			p.take(m, b[:i])
			p.done(m)
			return i + 1
		case esc:
			p.take(m, b[:i])
			m.leaveData(okResult) // cancelled: OK and nothing sent
			return i + 1
		}
	}
	p.take(m, b)
	return len(b)
}

// take keeps payload bytes up to maxPayload and echoes them.
func (p *prompt) take(m *Modem, b []byte) {
	if m.st.echo {
		m.write(b)
	}
	room := maxPayload - len(p.buf)
	if len(b) > room {
		p.overflow = true
		b = b[:room]
	}
	p.buf = append(p.buf, b...)
}

func (p *prompt) done(m *Modem) {
	if p.overflow {
		m.leaveData(errorResult)
		return
	}
	payload := p.buf
	m.afterLine = append(m.afterLine, func() { m.publish(p.pub, payload) })
	m.leaveData(okResult)
}
