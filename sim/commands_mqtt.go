package sim

import (
	"fmt"
	"strings"

	paho "github.com/eclipse/paho.mqtt.golang"
)

const (
	maxTopics  = 5    // topic/QoS pairs in one AT+QMTSUB
	maxPayload = 4096 // bytes in one publish
	maxHost    = 100
)

var mqttCommands = map[string]handler{
	"+QMTCFG":   cmdQMTCFG,
	"+QMTOPEN":  cmdQMTOPEN,
	"+QMTCLOSE": cmdQMTCLOSE,
	"+QMTCONN":  cmdQMTCONN,
	"+QMTDISC":  cmdQMTDISC,
	"+QMTSUB":   cmdQMTSUB,
	"+QMTUNS":   cmdQMTUNS,
	"+QMTPUB":   publishHandler("+QMTPUB", false),
	"+QMTPUBEX": publishHandler("+QMTPUBEX", true),
	"+QMTRECV":  cmdQMTRECV,
}

// clientArg reads the client index, parameter 0.
func clientArg(m *Modem, c *command) (*mqttLink, bool) {
	idx, ok := c.intArg(0, 0, numClients-1)
	if !ok {
		return nil, false
	}
	return m.link(idx), true
}

// cmdQMTOPEN is AT+QMTOPEN=<idx>,"<host>",<port>; the read form lists open
// clients and is a bare OK when none is.
func cmdQMTOPEN(m *Modem, c *command) result {
	switch c.form {
	case formTest:
		m.info(`+QMTOPEN: (0-5),"<host_name>",(1-65535)`)
		return okResult
	case formRead:
		for _, l := range m.links {
			if l != nil && l.state >= linkOpen {
				m.info(fmt.Sprintf(`+QMTOPEN: %d,"%s",%d`, l.idx, l.host, l.port))
			}
		}
		return okResult
	case formWrite:
	default:
		return errorResult
	}
	l, ok1 := clientArg(m, c)
	host, ok2 := c.strArg(1)
	port, ok3 := c.intArg(2, 1, 65535)
	if !ok1 || !ok2 || !ok3 || c.argc() != 3 || host == "" || len(host) > maxHost {
		return errorResult
	}
	m.openLink(l, host, port)
	return okResult
}

func cmdQMTCLOSE(m *Modem, c *command) result {
	if c.form != formWrite {
		return okTest(c)
	}
	l, ok := clientArg(m, c)
	if !ok || c.argc() != 1 {
		return errorResult
	}
	l.teardown(m)
	m.urc(fmt.Sprintf("+QMTCLOSE: %d,0", l.idx))
	return okResult
}

// connStates maps link states to the AT+QMTCONN? numbers.
var connStates = map[linkState]int{linkOpen: 1, linkConnecting: 2, linkConnected: 3, linkDisconnecting: 4}

// cmdQMTCONN is AT+QMTCONN=<idx>,"<clientID>"[,"<user>"[,"<password>"]].
func cmdQMTCONN(m *Modem, c *command) result {
	switch c.form {
	case formTest:
		m.info(`+QMTCONN: (0-5),"<clientID>","<username>","<password>"`)
		return okResult
	case formRead:
		for _, l := range m.links {
			if n, ok := connStates[linkStateOf(l)]; ok {
				m.info(fmt.Sprintf("+QMTCONN: %d,%d", l.idx, n))
			}
		}
		return okResult
	case formWrite:
	default:
		return errorResult
	}
	l, ok1 := clientArg(m, c)
	id, ok2 := c.strArg(1)
	user, pass, ok3 := credentials(c)
	if !ok1 || !ok2 || !ok3 || c.argc() > 4 || id == "" {
		return errorResult
	}
	if l.state != linkOpen {
		return cme(3) // not opened, or already connected
	}
	m.connectLink(l, id, user, pass)
	return okResult
}

func linkStateOf(l *mqttLink) linkState {
	if l == nil {
		return linkClosed
	}
	return l.state
}

// credentials reads the optional quoted user name and password.
func credentials(c *command) (user, pass string, ok bool) {
	ok = true
	if c.has(2) {
		user, ok = c.strArg(2)
	}
	if ok && c.has(3) {
		pass, ok = c.strArg(3)
	}
	return user, pass, ok
}

func cmdQMTDISC(m *Modem, c *command) result {
	if c.form != formWrite {
		return okTest(c)
	}
	l, ok := clientArg(m, c)
	if !ok || c.argc() != 1 {
		return errorResult
	}
	m.disconnectLink(l)
	return okResult
}

// cmdQMTSUB is AT+QMTSUB=<idx>,<msgid>,"<topic>",<qos>[,"<topic>",<qos>...];
// the URC is +QMTSUB: <idx>,<msgid>,0,<granted QoS>[,<granted QoS>...].
func cmdQMTSUB(m *Modem, c *command) result {
	if c.form == formTest {
		m.info(`+QMTSUB: (0-5),(1-65535),"<topic>",(0-2)`)
		return okResult
	}
	l, ok1 := clientArg(m, c)
	msgid, ok2 := c.intArg(1, 1, 65535)
	pairs := (c.argc() - 2) / 2
	if c.form != formWrite || !ok1 || !ok2 || c.argc()%2 != 0 || pairs < 1 || pairs > maxTopics {
		return errorResult
	}
	topics := make([]string, pairs)
	filters := map[string]byte{}
	for i := range topics {
		t, okT := c.strArg(2 + 2*i)
		q, okQ := c.intArg(3+2*i, 0, 2)
		if !okT || !okQ || t == "" {
			return errorResult
		}
		topics[i], filters[t] = t, byte(q)
	}
	if l.state != linkConnected {
		return cme(3)
	}
	idx := l.idx
	m.mqttRequest(l, func(cli paho.Client) paho.Token { return cli.SubscribeMultiple(filters, nil) },
		func(tok paho.Token, ok bool) string {
			if !ok {
				return fmt.Sprintf("+QMTSUB: %d,%d,2", idx, msgid)
			}
			granted := tok.(*paho.SubscribeToken).Result()
			m.reply.subscribed(topics)
			qos := make([]string, len(topics))
			for i, t := range topics {
				qos[i] = fmt.Sprint(granted[t])
			}
			return fmt.Sprintf("+QMTSUB: %d,%d,0,%s", idx, msgid, strings.Join(qos, ","))
		})
	return okResult
}

// cmdQMTUNS is AT+QMTUNS=<idx>,<msgid>,"<topic>"[,"<topic>"...].
func cmdQMTUNS(m *Modem, c *command) result {
	if c.form == formTest {
		m.info(`+QMTUNS: (0-5),(1-65535),"<topic>"`)
		return okResult
	}
	l, ok1 := clientArg(m, c)
	msgid, ok2 := c.intArg(1, 1, 65535)
	if c.form != formWrite || !ok1 || !ok2 || c.argc() < 3 || c.argc() > 2+maxTopics {
		return errorResult
	}
	topics := make([]string, 0, c.argc()-2)
	for i := 2; i < c.argc(); i++ {
		t, ok := c.strArg(i)
		if !ok || t == "" {
			return errorResult
		}
		topics = append(topics, t)
	}
	if l.state != linkConnected {
		return cme(3)
	}
	idx := l.idx
	m.mqttRequest(l, func(cli paho.Client) paho.Token { return cli.Unsubscribe(topics...) },
		func(_ paho.Token, ok bool) string {
			return fmt.Sprintf("+QMTUNS: %d,%d,%d", idx, msgid, okCode(ok))
		})
	return okResult
}

func okCode(ok bool) int {
	if ok {
		return 0
	}
	return 2
}

// cmdQMTRECV reads buffered messages (recv/mode 1): AT+QMTRECV=<idx>[,<slot>]
// prints and frees them; AT+QMTRECV? shows which slots hold one.
func cmdQMTRECV(m *Modem, c *command) result {
	switch c.form {
	case formTest:
		m.info("+QMTRECV: (0-5),(0-4)")
		return okResult
	case formRead:
		for _, l := range m.links {
			if linkStateOf(l) == linkConnected {
				m.info(fmt.Sprintf("+QMTRECV: %d%s", l.idx, slotFlags(l)))
			}
		}
		return okResult
	case formWrite:
	default:
		return errorResult
	}
	l, ok1 := clientArg(m, c)
	slot, ok2 := c.optInt(1, 0, recvSlots-1, -1)
	if !ok1 || !ok2 || c.argc() > 2 {
		return errorResult
	}
	withLen := m.st.mcfg[l.idx].recvLen == 1
	for i, s := range l.slots {
		if s != nil && (slot < 0 || slot == i) {
			m.info(recvLine(l.idx, *s, withLen))
			l.slots[i] = nil
		}
	}
	return okResult
}

func slotFlags(l *mqttLink) string {
	var b strings.Builder
	for _, s := range l.slots {
		if s != nil {
			b.WriteString(",1")
		} else {
			b.WriteString(",0")
		}
	}
	return b.String()
}
