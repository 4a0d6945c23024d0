package sim

import (
	"encoding/hex"
	"fmt"
	"strings"

	paho "github.com/eclipse/paho.mqtt.golang"
)

const (
	ubloxMaxTopic   = 256
	ubloxMaxMessage = 1024 // bytes in one AT+UMQTTC=9 publish
	ubloxInbox      = 16   // unread messages kept; more are dropped
)

// Results of +UUMQTTC: 0 (the link ended), after ubxlib's handling of
// SARA-R5/R422: 1 logged out, 100 inactivity, 101 connection lost, 102
// protocol violation.
const (
	umqttLoggedOut = 1
	umqttConnLost  = 101
)

// +UMQTTER: <class>,<code> values this simulator reports. The classes
// are its own (docs/at-reference/ublox.md): 0 no error, 1 the broker
// refused CONNECT (code: the CONNACK code), 2 the network side failed
// (code: 1 DNS, 2 TCP, 3 TLS, 4 timeout, 5 no PDP), 3 not configured.
const (
	umqttErrNone    = 0
	umqttErrRefused = 1
	umqttErrNetwork = 2
	umqttErrConfig  = 3
)

var ubloxMQTTCommands = map[string]handler{
	"+UMQTT":   cmdUMQTT,
	"+UMQTTC":  cmdUMQTTC,
	"+UMQTTER": cmdUMQTTER,
}

// ubloxMQTT is the MQTT profile (AT+UMQTT) and the one client's state.
type ubloxMQTT struct {
	clientID  string
	host      string
	port      int
	user      string
	pass      string
	keepalive int
	secure    bool
	prf       int
	clean     int
	link      famLink
	inbox     []ubloxMsg
	errClass  int
	errCode   int
}

type ubloxMsg struct {
	in  inMsg
	qos byte
}

func defaultUbloxMQTT() ubloxMQTT { return ubloxMQTT{port: 1883, keepalive: 0, clean: 1} }

// cmdUMQTT sets one item of the MQTT profile; each answers
// +UMQTT: <op>,1 before OK:
//
//	0,"<client id>"  2,"<server>"[,<port>]  3,"<IP>"[,<port>]
//	4,"<user>"[,"<password>"]  10,<keepalive>  11,<secure>[,<prf>]  12,<clean>
func cmdUMQTT(m *Modem, c *command) result {
	if c.form != formWrite {
		return okTest(c)
	}
	op, ok := c.intArg(0, 0, 15)
	if !ok {
		return errorResult
	}
	p := &m.ub().mqtt
	switch op {
	case 0:
		p.clientID, ok = c.strArg(1)
	case 1:
		_, ok = c.intArg(1, 1, 65535) // local port
	case 2, 3:
		p.host, ok = c.strArg(1)
		if ok {
			p.port, ok = c.optInt(2, 1, 65535, p.port)
		}
	case 4:
		p.user, ok = c.strArg(1)
		if ok && c.has(2) {
			p.pass, ok = c.strArg(2)
		}
	case 10:
		p.keepalive, ok = c.intArg(1, 0, 65535)
	case 11:
		var v int
		v, ok = c.intArg(1, 0, 1)
		p.secure = v == 1
		if ok {
			p.prf, ok = c.optInt(2, 0, ubloxProfiles-1, 0)
		}
	case 12:
		p.clean, ok = c.intArg(1, 0, 1)
	default:
		ok = c.argc() >= 2 // will and other items: taken, not used
	}
	if !ok {
		return errorResult
	}
	m.info(fmt.Sprintf("+UMQTT: %d,1", op))
	return okResult
}

// cmdUMQTTER reads the last MQTT error: +UMQTTER: <class>,<code>.
func cmdUMQTTER(m *Modem, c *command) result {
	if c.form != formExec {
		return okTest(c)
	}
	p := &m.ub().mqtt
	m.info(fmt.Sprintf("+UMQTTER: %d,%d", p.errClass, p.errCode))
	return okResult
}

// cmdUMQTTC runs an MQTT action: the command answers +UMQTTC: <op>,<1|0>
// (taken or not) before OK, and the outcome comes as +UUMQTTC: <op>,...
func cmdUMQTTC(m *Modem, c *command) result {
	if c.form != formWrite {
		return okTest(c)
	}
	op, ok := c.intArg(0, 0, 9)
	if !ok {
		return errorResult
	}
	p := &m.ub().mqtt
	switch op {
	case 0:
		return ubloxLogout(m, p, c)
	case 1:
		return ubloxLogin(m, p, c)
	case 2:
		return ubloxPublishText(m, p, c)
	case 4:
		return ubloxSubscribe(m, p, c)
	case 5:
		return ubloxUnsubscribe(m, p, c)
	case 6:
		return ubloxRead(m, p, c)
	case 8:
		return ubloxTaken(m, 8, p.link.state == linkConnected)
	case 9:
		return ubloxPublishBinary(m, p, c)
	}
	return errorResult
}

// ubloxTaken ends an action with +UMQTTC: <op>,<1|0> and OK.
func ubloxTaken(m *Modem, op int, taken bool) result {
	m.info(fmt.Sprintf("+UMQTTC: %d,%d", op, boolInt(taken)))
	return okResult
}

func (p *ubloxMQTT) setErr(class, code int) { p.errClass, p.errCode = class, code }

// ubloxLogout is AT+UMQTTC=0: +UMQTTC: 0,1, OK, then +UUMQTTC: 0,1 once
// the DISCONNECT is out.
func ubloxLogout(m *Modem, p *ubloxMQTT, c *command) result {
	if c.argc() != 1 {
		return errorResult
	}
	if p.link.state != linkConnected {
		return ubloxTaken(m, 0, false)
	}
	m.afterLine = append(m.afterLine, func() {
		m.famDisconnect(&p.link, func() {
			p.inbox = nil
			m.urc(fmt.Sprintf("+UUMQTTC: 0,%d", umqttLoggedOut))
		})
	})
	return ubloxTaken(m, 0, true)
}

// ubloxLogin is AT+UMQTTC=1: TCP, TLS (AT+UMQTT=11,1,<prf>) and CONNECT
// in one step; +UMQTTC: 1,1, OK, then +UUMQTTC: 1,<1 success|0 failure>.
// AT+UMQTTER tells why a login failed.
func ubloxLogin(m *Modem, p *ubloxMQTT, c *command) result {
	if c.argc() != 1 {
		return errorResult
	}
	if p.host == "" || p.link.state != linkClosed {
		if p.host == "" {
			p.setErr(umqttErrConfig, 1)
		}
		return ubloxTaken(m, 1, false)
	}
	m.afterLine = append(m.afterLine, func() { m.ubloxConnect(p) })
	return ubloxTaken(m, 1, true)
}

func (m *Modem) ubloxConnect(p *ubloxMQTT) {
	fail := func(class, code int) {
		p.setErr(class, code)
		m.urc("+UUMQTTC: 1,0")
	}
	if !m.st.attached() || m.faults.PDPFailure {
		fail(umqttErrNetwork, 5)
		return
	}
	sess := famSession{host: p.host, port: p.port, clientID: p.clientID, user: p.user, pass: p.pass,
		keepalive: p.keepalive, clean: p.clean == 1, handshake: famConnectWait}
	if p.secure {
		cfg, ok := m.ub().tlsFor(m, p.prf, p.host)
		if !ok {
			fail(umqttErrConfig, 2)
			return
		}
		sess.tls = cfg
	}
	hooks := famHooks{
		message: func(in inMsg, qos byte) { m.ubloxDeliver(p, in, qos) },
		lost: func(int) {
			p.inbox = nil
			p.setErr(umqttErrNetwork, 2)
			m.urc(fmt.Sprintf("+UUMQTTC: 0,%d", umqttConnLost))
		},
	}
	m.famConnect(&p.link, sess, hooks, func(out famOutcome) {
		switch out.failure {
		case famNone:
			p.setErr(umqttErrNone, 0)
			m.urc("+UUMQTTC: 1,1")
		case famRefused:
			fail(umqttErrRefused, out.refused)
		default:
			fail(umqttErrNetwork, int(out.failure))
		}
	})
}

// ubloxDeliver keeps an incoming message and announces the unread count:
// +UUMQTTC: 6,<n>.
func (m *Modem) ubloxDeliver(p *ubloxMQTT, in inMsg, qos byte) {
	if len(p.inbox) >= ubloxInbox {
		m.tracef("MQTT: inbox full, message on %s dropped", in.topic)
		return
	}
	p.inbox = append(p.inbox, ubloxMsg{in: in, qos: qos})
	m.urc(fmt.Sprintf("+UUMQTTC: 6,%d", len(p.inbox)))
}

// ubloxRead is AT+UMQTTC=6[,<one>]: each message read is
//
//	+UMQTTC: 6,<qos>,<topic+msg len>,<topic len>,"<topic>",<msg len>,"<msg>"
//
// with the message raw between its quotes, then OK. With <one> = 1 only
// the oldest is read.
func ubloxRead(m *Modem, p *ubloxMQTT, c *command) result {
	one, ok := c.optInt(1, 0, 1, 0)
	if !ok || c.argc() > 2 {
		return errorResult
	}
	if len(p.inbox) == 0 {
		return ubloxTaken(m, 6, false)
	}
	n := len(p.inbox)
	if one == 1 {
		n = 1
	}
	for _, msg := range p.inbox[:n] {
		t, pl := msg.in.topic, msg.in.payload
		m.info(fmt.Sprintf(`+UMQTTC: 6,%d,%d,%d,"%s",%d,"%s"`, msg.qos, len(t)+len(pl), len(t), t, len(pl), pl))
	}
	p.inbox = p.inbox[n:]
	if left := len(p.inbox); left > 0 {
		m.afterLine = append(m.afterLine, func() { m.urc(fmt.Sprintf("+UUMQTTC: 6,%d", left)) })
	}
	return okResult
}

// ubloxSubscribe is AT+UMQTTC=4,<max qos>,"<filter>": +UMQTTC: 4,1, OK,
// then +UUMQTTC: 4,<1|0>,<granted qos>,"<filter>".
func ubloxSubscribe(m *Modem, p *ubloxMQTT, c *command) result {
	qos, ok1 := c.intArg(1, 0, 2)
	filter, ok2 := c.strArg(2)
	if !ok1 || !ok2 || c.argc() != 3 || filter == "" || len(filter) > ubloxMaxTopic {
		return errorResult
	}
	if p.link.state != linkConnected {
		return ubloxTaken(m, 4, false)
	}
	m.afterLine = append(m.afterLine, func() {
		m.famRequest(&p.link, func(cli paho.Client) paho.Token { return cli.Subscribe(filter, byte(qos), nil) },
			func(tok paho.Token, ok bool) {
				if !ok {
					m.urc(fmt.Sprintf(`+UUMQTTC: 4,0,128,"%s"`, filter))
					return
				}
				granted := tok.(*paho.SubscribeToken).Result()[filter]
				m.reply.subscribed([]string{filter})
				m.urc(fmt.Sprintf(`+UUMQTTC: 4,1,%d,"%s"`, granted, filter))
			})
	})
	return ubloxTaken(m, 4, true)
}

// ubloxUnsubscribe is AT+UMQTTC=5,"<filter>": +UMQTTC: 5,1, OK, then
// +UUMQTTC: 5,<1|0>.
func ubloxUnsubscribe(m *Modem, p *ubloxMQTT, c *command) result {
	filter, ok := c.strArg(1)
	if !ok || c.argc() != 2 {
		return errorResult
	}
	if p.link.state != linkConnected {
		return ubloxTaken(m, 5, false)
	}
	m.afterLine = append(m.afterLine, func() {
		m.famRequest(&p.link, func(cli paho.Client) paho.Token { return cli.Unsubscribe(filter) },
			func(_ paho.Token, ok bool) { m.urc(fmt.Sprintf("+UUMQTTC: 5,%d", boolInt(ok))) })
	})
	return ubloxTaken(m, 5, true)
}

// ubloxPublishText is AT+UMQTTC=2,<qos>,<retain>[,<hex>],"<topic>","<msg>".
func ubloxPublishText(m *Modem, p *ubloxMQTT, c *command) result {
	qos, ok1 := c.intArg(1, 0, 2)
	retain, ok2 := c.intArg(2, 0, 1)
	at := 3
	hexMode := 0
	if c.argc() == 6 {
		var ok bool
		if hexMode, ok = c.intArg(3, 0, 1); !ok {
			return errorResult
		}
		at = 4
	}
	topic, ok3 := c.strArg(at)
	msg, ok4 := c.strArg(at + 1)
	if !ok1 || !ok2 || !ok3 || !ok4 || c.argc() != at+2 || topic == "" {
		return errorResult
	}
	payload := []byte(msg)
	if hexMode == 1 {
		var err error
		if payload, err = decodeHex(msg); err != nil {
			return errorResult
		}
	}
	return m.ubloxPublish(p, 2, topic, payload, qos, retain == 1)
}

func decodeHex(s string) ([]byte, error) { return hex.DecodeString(strings.TrimSpace(s)) }

// ubloxPublishBinary is AT+UMQTTC=9,<qos>,<retain>,"<topic>",<len>: ">"
// prompt, exactly len bytes, then +UMQTTC: 9,1 and OK.
func ubloxPublishBinary(m *Modem, p *ubloxMQTT, c *command) result {
	qos, ok1 := c.intArg(1, 0, 2)
	retain, ok2 := c.intArg(2, 0, 1)
	topic, ok3 := c.strArg(3)
	n, ok4 := c.intArg(4, 1, ubloxMaxMessage)
	if !ok1 || !ok2 || !ok3 || !ok4 || c.argc() != 5 || topic == "" {
		return errorResult
	}
	if p.link.state != linkConnected {
		return ubloxTaken(m, 9, false)
	}
	return m.startFamPrompt(n, func(m *Modem, b []byte) result {
		return m.ubloxPublish(p, 9, topic, append([]byte(nil), b...), qos, retain == 1)
	})
}

// ubloxPublish sends the message; +UUMQTTC: <op>,<1|0> tells whether the
// broker took it. Under publish-fail nothing is sent and the URC says 0.
func (m *Modem) ubloxPublish(p *ubloxMQTT, op int, topic string, payload []byte, qos int, retain bool) result {
	if p.link.state != linkConnected {
		return ubloxTaken(m, op, false)
	}
	m.afterLine = append(m.afterLine, func() {
		if m.faults.PublishFail {
			m.urc(fmt.Sprintf("+UUMQTTC: %d,0", op))
			return
		}
		m.famRequest(&p.link, func(cli paho.Client) paho.Token {
			return cli.Publish(topic, byte(qos), retain, payload)
		}, func(_ paho.Token, ok bool) {
			if ok {
				m.reply.published(topic)
			}
			m.urc(fmt.Sprintf("+UUMQTTC: %d,%d", op, boolInt(ok)))
		})
	})
	return ubloxTaken(m, op, true)
}
