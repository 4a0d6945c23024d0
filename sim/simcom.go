package sim

import (
	"crypto/tls"
	"fmt"
	"sort"
)

// The virtual SIMCom A7670E: the A76xx/SIM7600 certificate, SSL and CMQTT
// command sets (docs/at-reference/simcom.md) over the shared 3GPP commands.
// The identity strings are an A7670E's as SIMCom prints them; the revision
// is made up in the firmware's pattern.
const (
	simcomManufacturer = "SIMCOM INCORPORATED"
	simcomModelName    = "A7670E-LASE"
	simcomRevision     = "A011B07A7670M7"
	simcomMaxCert      = 10240 // bytes in one AT+CCERTDOWN
	simcomSSLContexts  = 10
)

var simcomModel = &modelSpec{
	title:    "SIMCom A7670E",
	revision: simcomRevision,
	handlers: withModelCommands(simcomCommands, simcomMQTTCommands),
	bootURCs: func(m *Modem) {
		m.urc("RDY")
		m.simURCs()
	},
	simURCs: simcomSIMURCs,
}

var simcomCommands = map[string]handler{
	"I":          simcomATI,
	"+SIMCOMATI": simcomATI,
	"+GMI":       fixedInfo(simcomManufacturer),
	"+CGMI":      fixedInfo(simcomManufacturer),
	"+GMM":       fixedInfo(simcomModelName),
	"+CGMM":      fixedInfo(simcomModelName),
	"+CGMR":      func(m *Modem, c *command) result { return simcomRev(m, c, "+CGMR: ") },
	"+GMR":       func(m *Modem, c *command) result { return simcomRev(m, c, "") },
	"+CCERTDOWN": cmdCCERTDOWN,
	"+CCERTLIST": cmdCCERTLIST,
	"+CCERTDELE": cmdCCERTDELE,
	"+CSSLCFG":   cmdCSSLCFG,
}

// simcomSIMURCs: the SIM's state, then SMS DONE and PB DONE without the
// EC20's +QIND: prefix (logs 18, 19).
func simcomSIMURCs(m *Modem) {
	switch m.st.sim {
	case simAbsent:
		m.urc("+CPIN: NOT READY")
	case simPIN:
		m.urc("+CPIN: SIM PIN")
	default:
		m.urc("+CPIN: READY")
		m.urc("SMS DONE")
		m.urc("PB DONE")
	}
}

func simcomATI(m *Modem, c *command) result {
	if c.num != 0 || c.form == formTest {
		return okResult
	}
	m.info("Manufacturer: " + simcomManufacturer)
	m.info("Model: " + simcomModelName)
	m.info("Revision: " + m.opts.Revision)
	m.info("IMEI: " + m.opts.Identity.IMEI)
	m.info("+GCAP: +CGSM,+FCLASS,+DS")
	return okResult
}

func simcomRev(m *Modem, c *command, prefix string) result {
	if c.form != formExec {
		return okTest(c)
	}
	m.info(prefix + m.opts.Revision)
	return okResult
}

// simcomState is the SIMCom command sets' state. Certificates live in
// the module's flash and survive a reboot; the rest is volatile.
type simcomState struct {
	certs   map[string][]byte
	ssl     [simcomSSLContexts]simcomSSL
	started bool // AT+CMQTTSTART
	clients [simcomClients]*simcomClient
}

// simcomSSL is one AT+CSSLCFG context.
type simcomSSL struct {
	version    int // 0 SSL3.0, 1 TLS1.0, 2 TLS1.1, 3 TLS1.2, 4 all
	authmode   int // 0 none, 1 server, 2 server and client, 3 client only
	cacert     string
	clientcert string
	clientkey  string
	sni        bool
	ignoreTime int
}

func defaultSimcomSSL() simcomSSL { return simcomSSL{version: 4, ignoreTime: 1} }

func (m *Modem) sc() *simcomState {
	if m.simcom == nil {
		m.simcom = &simcomState{certs: map[string][]byte{}}
		for i := range m.simcom.ssl {
			m.simcom.ssl[i] = defaultSimcomSSL()
		}
	}
	return m.simcom
}

// reset closes the MQTT clients and forgets the volatile settings.
func (s *simcomState) reset(m *Modem) {
	for _, cl := range s.clients {
		if cl != nil {
			cl.link.teardown(m)
		}
	}
	s.clients = [simcomClients]*simcomClient{}
	s.started = false
	for i := range s.ssl {
		s.ssl[i] = defaultSimcomSSL()
	}
}

// cmdCCERTDOWN is AT+CCERTDOWN="<name>",<len>: ">" prompt, exactly len
// bytes, OK. A certificate of the same name is replaced.
func cmdCCERTDOWN(m *Modem, c *command) result {
	if c.form == formTest {
		m.info(fmt.Sprintf("+CCERTDOWN: 5-108,1-%d", simcomMaxCert))
		return okResult
	}
	name, ok1 := c.strArg(0)
	n, ok2 := c.intArg(1, 1, simcomMaxCert)
	if c.form != formWrite || !ok1 || !ok2 || c.argc() != 2 || name == "" || len(name) > 108 {
		return errorResult
	}
	return m.startFamPrompt(n, func(m *Modem, b []byte) result {
		m.sc().certs[name] = append([]byte(nil), b...)
		return okResult
	})
}

// cmdCCERTLIST lists the certificates: +CCERTLIST: "<name>" each.
func cmdCCERTLIST(m *Modem, c *command) result {
	if c.form == formTest {
		return okResult
	}
	if c.form != formExec {
		return errorResult
	}
	names := make([]string, 0, len(m.sc().certs))
	for name := range m.sc().certs {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		m.info(fmt.Sprintf(`+CCERTLIST: "%s"`, name))
	}
	return okResult
}

// cmdCCERTDELE is AT+CCERTDELE="<name>"; an unknown name is ERROR.
func cmdCCERTDELE(m *Modem, c *command) result {
	if c.form == formTest {
		return okResult
	}
	name, ok := c.strArg(0)
	if c.form != formWrite || !ok || c.argc() != 1 {
		return errorResult
	}
	if _, found := m.sc().certs[name]; !found {
		return errorResult
	}
	delete(m.sc().certs, name)
	return okResult
}

// cmdCSSLCFG is AT+CSSLCFG="<item>",<ctx>,<value>; AT+CSSLCFG=<ctx> reads
// a context back.
func cmdCSSLCFG(m *Modem, c *command) result {
	if c.form == formTest {
		m.info(`+CSSLCFG: "sslversion",(0-9),(0-4)`)
		m.info(`+CSSLCFG: "authmode",(0-9),(0-3)`)
		m.info(`+CSSLCFG: "cacert",(0-9),(5-108)`)
		return okResult
	}
	if c.form != formWrite {
		return errorResult
	}
	if id, ok := c.intArg(0, 0, simcomSSLContexts-1); ok && c.argc() == 1 {
		showSimcomSSL(m, id)
		return okResult
	}
	item, ok1 := c.nameArg()
	id, ok2 := c.intArg(1, 0, simcomSSLContexts-1)
	if !ok1 || !ok2 || c.argc() != 3 {
		return errorResult
	}
	sc := &m.sc().ssl[id]
	var ok bool
	switch item {
	case "sslversion":
		sc.version, ok = c.intArg(2, 0, 4)
	case "authmode":
		sc.authmode, ok = c.intArg(2, 0, 3)
	case "ignorelocaltime":
		sc.ignoreTime, ok = c.intArg(2, 0, 1)
	case "enablesni":
		var v int
		v, ok = c.intArg(2, 0, 1)
		sc.sni = v == 1
	case "cacert":
		sc.cacert, ok = c.strArg(2)
	case "clientcert":
		sc.clientcert, ok = c.strArg(2)
	case "clientkey":
		sc.clientkey, ok = c.strArg(2)
	case "negotiatetime", "ciphersuites":
		_, ok = c.intArg(2, 0, 0xFFFF)
	}
	if !ok {
		return errorResult
	}
	return okResult
}

func showSimcomSSL(m *Modem, id int) {
	sc := m.sc().ssl[id]
	sni := 0
	if sc.sni {
		sni = 1
	}
	m.info(fmt.Sprintf(`+CSSLCFG: %d,%d,%d,%d,"%s","%s","%s",%d`, id, sc.version, sc.authmode,
		sc.ignoreTime, sc.cacert, sc.clientcert, sc.clientkey, sni))
}

// simcomTLSVersions maps "sslversion" to the versions offered; 0 (SSL 3.0)
// is not spoken, which fails the handshake as any current server would.
var simcomTLSVersions = map[int][2]uint16{
	1: {tls.VersionTLS10, tls.VersionTLS10},
	2: {tls.VersionTLS11, tls.VersionTLS11},
	3: {tls.VersionTLS12, tls.VersionTLS12},
	4: {tls.VersionTLS10, tls.VersionTLS13},
}

// tlsFor builds the TLS client of SSL context id for host. ok is false
// when a certificate the authmode needs is missing (+CMQTTCONNECT: <n>,33).
func (s *simcomState) tlsFor(m *Modem, id int, host string) (*tls.Config, bool) {
	sc := s.ssl[id]
	v, found := simcomTLSVersions[sc.version]
	if !found {
		v = [2]uint16{0x0300, 0x0300} // SSL 3.0: Go will not speak it, so the handshake fails
	}
	p := famTLSParams{minVersion: v[0], maxVersion: v[1], sni: sc.sni, host: host,
		verify: sc.authmode == 1 || sc.authmode == 2}
	if p.verify {
		ca, ok := s.certs[sc.cacert]
		if !ok {
			return nil, false
		}
		p.ca = ca
	}
	if sc.authmode == 2 || sc.authmode == 3 {
		cert, ok1 := s.certs[sc.clientcert]
		key, ok2 := s.certs[sc.clientkey]
		if !ok1 || !ok2 {
			return nil, false
		}
		p.clientCert, p.clientKey = cert, key
	}
	cfg, err := m.famTLS(p)
	if err != nil {
		return nil, false
	}
	return cfg, true
}
