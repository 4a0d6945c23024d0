package sim

import (
	"fmt"
	"net"
	"net/url"
	"strconv"

	paho "github.com/eclipse/paho.mqtt.golang"
)

const (
	simcomClients    = 2    // MQTT clients 0 and 1
	simcomMaxTopic   = 1024 // bytes in a topic
	simcomMaxPayload = 10240
	simcomRxChunk    = 1500 // payload bytes in one +CMQTTRXPAYLOAD
)

// CMQTT result codes (the A76xx MQTT(S) application note's table).
const (
	cmqttOK            = 0
	cmqttFailed        = 1
	cmqttSockConnect   = 3
	cmqttNetOpenFail   = 7
	cmqttNoConnection  = 11
	cmqttBusy          = 14
	cmqttTimeout       = 17
	cmqttClientUsed    = 19
	cmqttNotAcquired   = 20
	cmqttNotReleased   = 21
	cmqttNetworkOpened = 23
	cmqttDNS           = 25
	cmqttRefusedBase   = 26 // + the CONNACK code 1..5: 27..31
	cmqttHandshake     = 32
	cmqttNoCert        = 33
	cmqttSendFail      = 16
)

var simcomMQTTCommands = map[string]handler{
	"+CMQTTSTART":    cmdCMQTTSTART,
	"+CMQTTSTOP":     cmdCMQTTSTOP,
	"+CMQTTACCQ":     cmdCMQTTACCQ,
	"+CMQTTREL":      cmdCMQTTREL,
	"+CMQTTSSLCFG":   cmdCMQTTSSLCFG,
	"+CMQTTCFG":      cmdCMQTTCFG,
	"+CMQTTCONNECT":  cmdCMQTTCONNECT,
	"+CMQTTDISC":     cmdCMQTTDISC,
	"+CMQTTTOPIC":    simcomBuffer("+CMQTTTOPIC", simcomMaxTopic, func(cl *simcomClient, b []byte) { cl.topic = b }),
	"+CMQTTPAYLOAD":  simcomBuffer("+CMQTTPAYLOAD", simcomMaxPayload, func(cl *simcomClient, b []byte) { cl.payload = b }),
	"+CMQTTSUBTOPIC": cmdCMQTTSUBTOPIC,
	"+CMQTTSUB":      cmdCMQTTSUB,
	"+CMQTTUNSUB":    cmdCMQTTUNSUB,
	"+CMQTTPUB":      cmdCMQTTPUB,
}

// simcomClient is one acquired MQTT client (AT+CMQTTACCQ).
type simcomClient struct {
	idx       int
	id        string
	ssl       bool // server type 1: SSL/TLS
	sslCtx    int  // AT+CMQTTSSLCFG
	server    string
	keepalive int
	clean     int
	topic     []byte          // AT+CMQTTTOPIC
	payload   []byte          // AT+CMQTTPAYLOAD
	subTopics map[string]byte // AT+CMQTTSUBTOPIC, for the next bare AT+CMQTTSUB
	link      famLink
}

// simcomClientArg reads the client index, parameter 0.
func simcomClientArg(m *Modem, c *command) (int, *simcomClient, bool) {
	idx, ok := c.intArg(0, 0, simcomClients-1)
	if !ok {
		return 0, nil, false
	}
	return idx, m.sc().clients[idx], true
}

// cmdCMQTTSTART starts the MQTT service: OK, then +CMQTTSTART: 0. Started
// already: +CMQTTSTART: 23 (network is opened) and ERROR.
func cmdCMQTTSTART(m *Modem, c *command) result {
	if c.form != formExec {
		return okTest(c)
	}
	s := m.sc()
	if s.started {
		m.info(fmt.Sprintf("+CMQTTSTART: %d", cmqttNetworkOpened))
		return errorResult
	}
	s.started = true
	m.afterLine = append(m.afterLine, func() { m.urc("+CMQTTSTART: 0") })
	return okResult
}

// cmdCMQTTSTOP stops the service; clients must be released first.
func cmdCMQTTSTOP(m *Modem, c *command) result {
	if c.form != formExec {
		return okTest(c)
	}
	s := m.sc()
	if !s.started {
		return errorResult
	}
	for _, cl := range s.clients {
		if cl != nil {
			m.info(fmt.Sprintf("+CMQTTSTOP: %d", cmqttNotReleased))
			return errorResult
		}
	}
	s.started = false
	m.afterLine = append(m.afterLine, func() { m.urc("+CMQTTSTOP: 0") })
	return okResult
}

// cmdCMQTTACCQ is AT+CMQTTACCQ=<client>,"<clientID>"[,<server_type>].
func cmdCMQTTACCQ(m *Modem, c *command) result {
	switch c.form {
	case formTest:
		m.info(`+CMQTTACCQ: (0-1),(1-128),(0-1)`)
		return okResult
	case formRead:
		for i, cl := range m.sc().clients {
			id, st := "", 0
			if cl != nil {
				id, st = cl.id, boolInt(cl.ssl)
			}
			m.info(fmt.Sprintf(`+CMQTTACCQ: %d,"%s",%d`, i, id, st))
		}
		return okResult
	case formWrite:
	default:
		return errorResult
	}
	idx, cl, ok1 := simcomClientArg(m, c)
	id, ok2 := c.strArg(1)
	st, ok3 := c.optInt(2, 0, 1, 0)
	if !ok1 || !ok2 || !ok3 || c.argc() > 3 || id == "" || len(id) > 128 {
		return errorResult
	}
	if !m.sc().started {
		return errorResult
	}
	if cl != nil {
		m.info(fmt.Sprintf("+CMQTTACCQ: %d,%d", idx, cmqttClientUsed))
		return errorResult
	}
	m.sc().clients[idx] = &simcomClient{idx: idx, id: id, ssl: st == 1, subTopics: map[string]byte{}}
	return okResult
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// cmdCMQTTREL releases a client; a connected one must disconnect first.
func cmdCMQTTREL(m *Modem, c *command) result {
	if c.form != formWrite {
		return okTest(c)
	}
	idx, cl, ok := simcomClientArg(m, c)
	if !ok || c.argc() != 1 {
		return errorResult
	}
	if cl == nil {
		m.info(fmt.Sprintf("+CMQTTREL: %d,%d", idx, cmqttNotAcquired))
		return errorResult
	}
	if cl.link.state != linkClosed {
		m.info(fmt.Sprintf("+CMQTTREL: %d,%d", idx, cmqttNotReleased))
		return errorResult
	}
	m.sc().clients[idx] = nil
	return okResult
}

// cmdCMQTTSSLCFG is AT+CMQTTSSLCFG=<session>,<ssl_ctx>.
func cmdCMQTTSSLCFG(m *Modem, c *command) result {
	if c.form != formWrite {
		return okTest(c)
	}
	_, cl, ok1 := simcomClientArg(m, c)
	ctx, ok2 := c.intArg(1, 0, simcomSSLContexts-1)
	if !ok1 || !ok2 || c.argc() != 2 || cl == nil {
		return errorResult
	}
	cl.sslCtx = ctx
	return okResult
}

// cmdCMQTTCFG takes "checkUTF8", "optimeout" and "argtopic" and keeps
// nothing: they change nothing this simulator does.
func cmdCMQTTCFG(m *Modem, c *command) result {
	if c.form != formWrite {
		return okTest(c)
	}
	item, ok1 := c.nameArg()
	idx, ok2 := c.intArg(1, 0, simcomClients-1)
	if !ok1 || !ok2 || m.sc().clients[idx] == nil || c.argc() < 3 {
		return errorResult
	}
	switch item {
	case "checkutf8", "optimeout", "argtopic":
		return okResult
	}
	return errorResult
}

// cmdCMQTTCONNECT is AT+CMQTTCONNECT=<client>,"tcp://<host>:<port>",
// <keepalive>,<clean>[,"<user>"[,"<pass>"]]: OK, then +CMQTTCONNECT:
// <client>,<err>. TCP, TLS (server type 1) and MQTT in one step.
func cmdCMQTTCONNECT(m *Modem, c *command) result {
	switch c.form {
	case formTest:
		m.info(`+CMQTTCONNECT: (0-1),(9-256),(1-64800),(0-1),(1-256),(1-256)`)
		return okResult
	case formRead:
		for i, cl := range m.sc().clients {
			if cl != nil && cl.link.state == linkConnected {
				m.info(fmt.Sprintf(`+CMQTTCONNECT: %d,"%s",%d,%d`, i, cl.server, cl.keepalive, cl.clean))
			} else {
				m.info(fmt.Sprintf("+CMQTTCONNECT: %d", i))
			}
		}
		return okResult
	case formWrite:
	default:
		return errorResult
	}
	idx, cl, ok1 := simcomClientArg(m, c)
	server, ok2 := c.strArg(1)
	keepalive, ok3 := c.intArg(2, 1, 64800)
	clean, ok4 := c.intArg(3, 0, 1)
	user, pass, ok5 := optStrings(c, 4, 5)
	host, port, ok6 := simcomServer(server)
	if !ok1 || !ok2 || !ok3 || !ok4 || !ok5 || !ok6 || c.argc() > 6 {
		return errorResult
	}
	if cl == nil {
		m.info(fmt.Sprintf("+CMQTTCONNECT: %d,%d", idx, cmqttNotAcquired))
		return errorResult
	}
	if cl.link.state != linkClosed {
		m.info(fmt.Sprintf("+CMQTTCONNECT: %d,%d", idx, cmqttBusy))
		return errorResult
	}
	cl.server, cl.keepalive, cl.clean = server, keepalive, clean
	m.afterLine = append(m.afterLine, func() { m.simcomConnect(cl, host, port, user, pass) })
	return okResult
}

// simcomServer splits "tcp://host:port".
func simcomServer(s string) (host string, port int, ok bool) {
	u, err := url.Parse(s)
	if err != nil || u.Scheme != "tcp" || u.Host == "" {
		return "", 0, false
	}
	h, p, err := net.SplitHostPort(u.Host)
	if err != nil {
		return "", 0, false
	}
	n, err := strconv.Atoi(p)
	if err != nil || n < 1 || n > 65535 || h == "" {
		return "", 0, false
	}
	return h, n, true
}

func (m *Modem) simcomConnect(cl *simcomClient, host string, port int, user, pass string) {
	report := func(code int) { m.urc(fmt.Sprintf("+CMQTTCONNECT: %d,%d", cl.idx, code)) }
	if !m.st.attached() || m.faults.PDPFailure {
		report(cmqttNetOpenFail)
		return
	}
	sess := famSession{host: host, port: port, clientID: cl.id, user: user, pass: pass,
		keepalive: cl.keepalive, clean: cl.clean == 1, handshake: famConnectWait}
	if cl.ssl {
		cfg, ok := m.sc().tlsFor(m, cl.sslCtx, host)
		if !ok {
			report(cmqttNoCert)
			return
		}
		sess.tls = cfg
	}
	hooks := famHooks{
		message: func(in inMsg, _ byte) { m.simcomReceive(cl.idx, in) },
		lost:    func(code int) { m.urc(fmt.Sprintf("+CMQTTCONNLOST: %d,%d", cl.idx, code)) },
	}
	m.famConnect(&cl.link, sess, hooks, func(out famOutcome) { report(simcomConnectCode(out)) })
}

func simcomConnectCode(out famOutcome) int {
	switch out.failure {
	case famNone:
		return cmqttOK
	case famDNS:
		return cmqttDNS
	case famTCP:
		return cmqttSockConnect
	case famTLS:
		return cmqttHandshake
	case famRefused:
		return cmqttRefusedBase + out.refused
	}
	return cmqttTimeout
}

// simcomReceive reports a message: +CMQTTRXSTART, +CMQTTRXTOPIC and the
// topic on its own line, +CMQTTRXPAYLOAD and up to simcomRxChunk bytes of
// payload on the next line (again for each further chunk), +CMQTTRXEND.
func (m *Modem) simcomReceive(idx int, in inMsg) {
	m.urc(fmt.Sprintf("+CMQTTRXSTART: %d,%d,%d", idx, len(in.topic), len(in.payload)))
	m.urc(fmt.Sprintf("+CMQTTRXTOPIC: %d,%d\r\n%s", idx, len(in.topic), in.topic))
	for p := in.payload; len(p) > 0; {
		n := min(len(p), simcomRxChunk)
		m.urc(fmt.Sprintf("+CMQTTRXPAYLOAD: %d,%d\r\n%s", idx, n, p[:n]))
		p = p[n:]
	}
	m.urc(fmt.Sprintf("+CMQTTRXEND: %d", idx))
}

// cmdCMQTTDISC is AT+CMQTTDISC=<client>,<timeout>: OK, then
// +CMQTTDISC: <client>,<err>.
func cmdCMQTTDISC(m *Modem, c *command) result {
	if c.form != formWrite {
		return okTest(c)
	}
	idx, cl, ok1 := simcomClientArg(m, c)
	_, ok2 := c.intArg(1, 0, 180)
	if !ok1 || !ok2 || c.argc() != 2 {
		return errorResult
	}
	if cl == nil || cl.link.state != linkConnected {
		m.info(fmt.Sprintf("+CMQTTDISC: %d,%d", idx, cmqttNoConnection))
		return errorResult
	}
	m.afterLine = append(m.afterLine, func() {
		m.famDisconnect(&cl.link, func() { m.urc(fmt.Sprintf("+CMQTTDISC: %d,0", idx)) })
	})
	return okResult
}

// simcomBuffer serves AT+CMQTTTOPIC=<client>,<len> and
// AT+CMQTTPAYLOAD=<client>,<len>: ">" prompt, exactly len bytes, OK.
func simcomBuffer(name string, max int, keep func(*simcomClient, []byte)) handler {
	return func(m *Modem, c *command) result {
		if c.form == formTest {
			m.info(fmt.Sprintf("%s: (0-1),(1-%d)", name, max))
			return okResult
		}
		_, cl, ok1 := simcomClientArg(m, c)
		n, ok2 := c.intArg(1, 1, max)
		if c.form != formWrite || !ok1 || !ok2 || c.argc() != 2 || cl == nil {
			return errorResult
		}
		return m.startFamPrompt(n, func(m *Modem, b []byte) result {
			keep(cl, append([]byte(nil), b...))
			return okResult
		})
	}
}

// cmdCMQTTSUBTOPIC is AT+CMQTTSUBTOPIC=<client>,<len>,<qos>: a topic for
// the next bare AT+CMQTTSUB=<client>.
func cmdCMQTTSUBTOPIC(m *Modem, c *command) result {
	if c.form != formWrite {
		return okTest(c)
	}
	_, cl, ok1 := simcomClientArg(m, c)
	n, ok2 := c.intArg(1, 1, simcomMaxTopic)
	qos, ok3 := c.intArg(2, 0, 2)
	if !ok1 || !ok2 || !ok3 || c.argc() != 3 || cl == nil {
		return errorResult
	}
	return m.startFamPrompt(n, func(m *Modem, b []byte) result {
		cl.subTopics[string(b)] = byte(qos)
		return okResult
	})
}

// cmdCMQTTSUB is AT+CMQTTSUB=<client>,<len>,<qos>[,<dup>] (">" prompt,
// the topic) or AT+CMQTTSUB=<client> (the topics of AT+CMQTTSUBTOPIC):
// OK, then +CMQTTSUB: <client>,<err>.
func cmdCMQTTSUB(m *Modem, c *command) result {
	if c.form != formWrite {
		return okTest(c)
	}
	_, cl, ok1 := simcomClientArg(m, c)
	if !ok1 || cl == nil {
		return errorResult
	}
	if c.argc() == 1 {
		if len(cl.subTopics) == 0 {
			return errorResult
		}
		filters := cl.subTopics
		cl.subTopics = map[string]byte{}
		m.afterLine = append(m.afterLine, func() { m.simcomSubscribe(cl, filters) })
		return okResult
	}
	n, ok2 := c.intArg(1, 1, simcomMaxTopic)
	qos, ok3 := c.intArg(2, 0, 2)
	_, ok4 := c.optInt(3, 0, 1, 0)
	if !ok2 || !ok3 || !ok4 || c.argc() > 4 {
		return errorResult
	}
	return m.startFamPrompt(n, func(m *Modem, b []byte) result {
		filters := map[string]byte{string(b): byte(qos)}
		m.afterLine = append(m.afterLine, func() { m.simcomSubscribe(cl, filters) })
		return okResult
	})
}

func (m *Modem) simcomSubscribe(cl *simcomClient, filters map[string]byte) {
	if cl.link.state != linkConnected {
		m.urc(fmt.Sprintf("+CMQTTSUB: %d,%d", cl.idx, cmqttNoConnection))
		return
	}
	topics := make([]string, 0, len(filters))
	for t := range filters {
		topics = append(topics, t)
	}
	m.famRequest(&cl.link, func(cli paho.Client) paho.Token { return cli.SubscribeMultiple(filters, nil) },
		func(_ paho.Token, ok bool) {
			code := cmqttOK
			if ok {
				m.reply.subscribed(topics)
			} else {
				code = cmqttFailed
			}
			m.urc(fmt.Sprintf("+CMQTTSUB: %d,%d", cl.idx, code))
		})
}

// cmdCMQTTUNSUB is AT+CMQTTUNSUB=<client>,<len>,<dup>: ">" prompt, the
// topic, OK, then +CMQTTUNSUB: <client>,<err>.
func cmdCMQTTUNSUB(m *Modem, c *command) result {
	if c.form != formWrite {
		return okTest(c)
	}
	_, cl, ok1 := simcomClientArg(m, c)
	n, ok2 := c.intArg(1, 1, simcomMaxTopic)
	if !ok1 || !ok2 || cl == nil || c.argc() > 3 {
		return errorResult
	}
	return m.startFamPrompt(n, func(m *Modem, b []byte) result {
		topic := string(b)
		m.afterLine = append(m.afterLine, func() {
			if cl.link.state != linkConnected {
				m.urc(fmt.Sprintf("+CMQTTUNSUB: %d,%d", cl.idx, cmqttNoConnection))
				return
			}
			m.famRequest(&cl.link, func(cli paho.Client) paho.Token { return cli.Unsubscribe(topic) },
				func(_ paho.Token, ok bool) {
					m.urc(fmt.Sprintf("+CMQTTUNSUB: %d,%d", cl.idx, 1-boolInt(ok)))
				})
		})
		return okResult
	})
}

// cmdCMQTTPUB is AT+CMQTTPUB=<client>,<qos>,<pub_timeout>[,<retain>[,<dup>]]:
// it publishes the topic and payload set before. OK, then +CMQTTPUB:
// <client>,<err>. Under publish-fail nothing is sent and the result is 16
// (sending failed).
func cmdCMQTTPUB(m *Modem, c *command) result {
	if c.form != formWrite {
		return okTest(c)
	}
	idx, cl, ok1 := simcomClientArg(m, c)
	qos, ok2 := c.intArg(1, 0, 2)
	_, ok3 := c.intArg(2, 1, 180)
	retain, ok4 := c.optInt(3, 0, 1, 0)
	_, ok5 := c.optInt(4, 0, 1, 0)
	if !ok1 || !ok2 || !ok3 || !ok4 || !ok5 || c.argc() > 5 || cl == nil {
		return errorResult
	}
	if len(cl.topic) == 0 {
		m.info(fmt.Sprintf("+CMQTTPUB: %d,%d", idx, 18)) // topic is empty
		return errorResult
	}
	topic, payload := string(cl.topic), cl.payload
	cl.topic, cl.payload = nil, nil
	m.afterLine = append(m.afterLine, func() {
		switch {
		case cl.link.state != linkConnected:
			m.urc(fmt.Sprintf("+CMQTTPUB: %d,%d", idx, cmqttNoConnection))
		case m.faults.PublishFail:
			m.urc(fmt.Sprintf("+CMQTTPUB: %d,%d", idx, cmqttSendFail))
		default:
			m.famRequest(&cl.link, func(cli paho.Client) paho.Token {
				return cli.Publish(topic, byte(qos), retain == 1, payload)
			}, func(_ paho.Token, ok bool) {
				code := cmqttOK
				if ok {
					m.reply.published(topic)
				} else {
					code = cmqttTimeout
				}
				m.urc(fmt.Sprintf("+CMQTTPUB: %d,%d", idx, code))
			})
		}
	})
	return okResult
}

// optStrings reads the optional quoted parameters i and j ("" when absent).
func optStrings(c *command, i, j int) (a, b string, ok bool) {
	ok = true
	if c.has(i) {
		a, ok = c.strArg(i)
	}
	if ok && c.has(j) {
		b, ok = c.strArg(j)
	}
	return a, b, ok
}
