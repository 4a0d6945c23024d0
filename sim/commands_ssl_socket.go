package sim

import (
	"crypto/tls"
	"time"
)

var sslSocketCommands = map[string]handler{
	"+QSSLOPEN":  cmdQSSLOPEN,
	"+QSSLSEND":  sendHandler(&sslFamily),
	"+QSSLRECV":  readHandler(&sslFamily, "+QSSLRECV"),
	"+QSSLCLOSE": closeHandler(&sslFamily),
	"+QSSLSTATE": cmdQSSLSTATE,
}

// tlsSetup is the client side of an SSL context, built on the loop when a
// connection opens (the module reads its certificate files then).
type tlsSetup struct {
	cfg       *tls.Config
	handshake time.Duration
}

// cmdQSSLOPEN is AT+QSSLOPEN=<pdpctxID>,<sslctxID>,<clientID>,
// "<serveraddr>",<server_port>[,<access_mode>]: OK, then
// +QSSLOPEN: <clientID>,<err> once the TLS session is up or has failed.
// The server is verified as AT+QSSLCFG configured context <sslctxID>.
func cmdQSSLOPEN(m *Modem, c *command) result {
	switch c.form {
	case formTest:
		m.info(`+QSSLOPEN: (1-16),(0-5),(0-11),"<serveraddr>",(1-65535),(0-2)`)
		return okResult
	case formRead:
		return okResult
	case formWrite:
	default:
		return errorResult
	}
	pdp, ok1 := c.intArg(0, 1, 16)
	sslCtx, ok2 := c.intArg(1, 0, numSSL-1)
	id, ok3 := c.intArg(2, 0, numSockets-1)
	host, ok4 := c.strArg(3)
	port, ok5 := c.intArg(4, 1, 65535)
	mode, ok6 := c.optInt(5, 0, 2, modeBuffer)
	if !ok1 || !ok2 || !ok3 || !ok4 || !ok5 || !ok6 || c.argc() > 6 || host == "" || len(host) > maxHost {
		return errorResult
	}
	s := &socket{fam: &sslFamily, id: id, proto: "TCP", ctxID: pdp, sslCtx: sslCtx, host: host, port: port, mode: mode}
	tlsOf := func() (*tlsSetup, bool) {
		cfg, hs, err := m.tlsConfig(sslCtx, host)
		if err != nil {
			return nil, false
		}
		return &tlsSetup{cfg: cfg, handshake: hs}, true
	}
	if mode == modeTransp {
		return m.openTransparent(&m.stack().ssl, s, pdp, tlsOf)
	}
	m.afterLine = append(m.afterLine, func() { m.startOpen(&m.stack().ssl, s, pdp, tlsOf, m.openURC(s)) })
	return okResult
}

// cmdQSSLSTATE lists SSL clients: AT+QSSLSTATE (all) or
// AT+QSSLSTATE=<clientID>.
func cmdQSSLSTATE(m *Modem, c *command) result {
	switch c.form {
	case formTest:
		return okResult
	case formExec, formRead:
		m.listSockets(&sslFamily, "+QSSLSTATE", func(*socket) bool { return true })
		return okResult
	}
	id, ok := c.intArg(0, 0, numSockets-1)
	if !ok || c.argc() != 1 {
		return errorResult
	}
	m.listSockets(&sslFamily, "+QSSLSTATE", func(s *socket) bool { return s.id == id })
	return okResult
}
