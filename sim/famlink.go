package sim

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	paho "github.com/eclipse/paho.mqtt.golang"
)

// famLink is one MQTT client of the SIMCom and u-blox command sets. Both
// open TCP, TLS and the MQTT session in one command (AT+CMQTTCONNECT,
// AT+UMQTTC=1), unlike the EC20's AT+QMTOPEN then AT+QMTCONN; the network
// side is the same real TCP, TLS and paho client. Loop-owned; goroutines
// report back with the gen they started under, and results for an older
// gen are dropped.
type famLink struct {
	clientLink
}

// clientLink is what every family's MQTT client holds of its connection:
// the EC20's links (mqttLink) and the other families' (famLink) add their
// own state to it. Loop-owned, as they are.
type clientLink struct {
	state  linkState // linkClosed, linkConnecting, linkConnected, linkDisconnecting
	gen    int       // bumped by teardown: a goroutine's report under an older gen is dropped
	cancel context.CancelFunc
	raw    net.Conn // the TCP connection (closing it cuts the link)
	conn   *cutConn // what MQTT runs over: raw or TLS on raw
	cli    paho.Client
	drop   Timer
}

// famSession is what a connect needs.
type famSession struct {
	host      string
	port      int
	tls       *tls.Config // nil: plain TCP
	handshake time.Duration
	clientID  string
	user      string
	pass      string
	keepalive int // seconds
	clean     bool
}

// famFailure says why a connect failed, for the family's result code.
type famFailure int

const (
	famNone    famFailure = iota
	famDNS                // the name did not resolve
	famTCP                // refused or unreachable
	famTLS                // the handshake failed
	famRefused            // the broker answered CONNACK with a refusal
	famTimeout            // no CONNACK in time
)

// famOutcome is how a connect ended: failure famNone is success; refused
// holds the CONNACK code 1..5 when failure is famRefused.
type famOutcome struct {
	failure famFailure
	refused int
}

// famHooks are run on the loop for the link's events.
type famHooks struct {
	message func(in inMsg, qos byte)
	lost    func(code int) // 1 closed or reset by the peer, 2 no PINGRESP
}

const famConnectWait = 30 * time.Second

// famConnect dials, handshakes and sends CONNECT; done runs on the loop
// with the outcome. The faults apply as on the EC20: server-down dials a
// closed port, tls-failure verifies against an unrelated CA (the caller's
// tls config comes from famTLS), bad-credentials changes the password,
// drop-connection cuts the link a while after CONNACK.
func (m *Modem) famConnect(l *famLink, s famSession, hooks famHooks, done func(famOutcome)) {
	l.gen++
	l.state = linkConnecting
	addr := net.JoinHostPort(s.host, strconv.Itoa(s.port))
	if m.faults.ServerDown {
		addr = closedAddr()
	}
	if m.faults.BadCredentials {
		s.pass = "not-" + s.pass
	}
	ctx, cancel := context.WithCancel(m.ctx)
	l.cancel = cancel
	gen, dial := l.gen, m.opts.Dial
	m.goBackground(func() {
		raw, conn, fail := famDial(ctx, dial, addr, s)
		var cli paho.Client
		out := famOutcome{failure: fail}
		var cc *cutConn
		if fail == famNone {
			cc = &cutConn{Conn: conn}
			cli, out = famMQTTConnect(m.famPahoOptions(l, gen, s, cc, hooks))
			if out.failure != famNone {
				raw.Close()
			}
		}
		m.post(func() { m.famConnected(l, gen, raw, cc, cli, out, done) })
	})
}

// famDial opens TCP and, with the session's TLS, TLS over it; the failure
// says which step failed.
func famDial(ctx context.Context, dial dialFunc, addr string, s famSession) (raw, conn net.Conn, fail famFailure) {
	raw, conn, err := dialConn(ctx, dial, "tcp", addr, s.tls, s.handshake)
	switch {
	case err == nil:
		return raw, conn, famNone
	case notResolved(err):
		return nil, nil, famDNS
	case failedHandshake(err):
		return nil, nil, famTLS
	}
	return nil, nil, famTCP
}

func famMQTTConnect(opts *paho.ClientOptions) (paho.Client, famOutcome) {
	cli := paho.NewClient(opts)
	tok := cli.Connect()
	if !tok.WaitTimeout(famConnectWait) {
		return nil, famOutcome{failure: famTimeout}
	}
	if tok.Error() == nil {
		return cli, famOutcome{}
	}
	rc := tok.(*paho.ConnectToken).ReturnCode()
	if rc >= 1 && rc <= 5 {
		return nil, famOutcome{failure: famRefused, refused: int(rc)}
	}
	return nil, famOutcome{failure: famTimeout}
}

func (m *Modem) famPahoOptions(l *famLink, gen int, s famSession, conn net.Conn, hooks famHooks) *paho.ClientOptions {
	var used atomic.Bool
	return paho.NewClientOptions().
		AddBroker("tcp://" + net.JoinHostPort(s.host, strconv.Itoa(s.port))).
		SetClientID(s.clientID).SetUsername(s.user).SetPassword(s.pass).
		SetCleanSession(s.clean).
		SetKeepAlive(time.Duration(s.keepalive) * time.Second).
		SetProtocolVersion(4).
		SetAutoReconnect(false).SetConnectRetry(false).
		SetConnectTimeout(famConnectWait).
		SetDefaultPublishHandler(func(_ paho.Client, msg paho.Message) {
			in := inMsg{topic: msg.Topic(), payload: msg.Payload(), id: msg.MessageID()}
			qos := msg.Qos()
			m.post(func() {
				if gen == l.gen && l.state == linkConnected {
					hooks.message(in, qos)
				}
			})
		}).
		SetConnectionLostHandler(func(_ paho.Client, err error) {
			code := 1
			if err != nil && strings.Contains(err.Error(), "pingresp") {
				code = 2
			}
			m.post(func() {
				if gen == l.gen && l.state == linkConnected {
					l.teardown(m)
					hooks.lost(code)
				}
			})
		}).
		SetCustomOpenConnectionFn(func(*url.URL, paho.ClientOptions) (net.Conn, error) {
			if used.Swap(true) {
				return nil, errors.New("the link is used once")
			}
			return conn, nil
		})
}

func (m *Modem) famConnected(l *famLink, gen int, raw net.Conn, conn *cutConn, cli paho.Client,
	out famOutcome, done func(famOutcome)) {
	if gen != l.gen || l.state != linkConnecting {
		if cli != nil {
			m.goBackground(func() { cli.Disconnect(0) })
		} else if raw != nil {
			raw.Close()
		}
		return
	}
	if out.failure != famNone {
		l.teardown(m)
		done(out)
		return
	}
	l.raw, l.conn, l.cli, l.state = raw, conn, cli, linkConnected
	if d := m.faults.DropConnection; d > 0 {
		l.drop = m.after(d, func() {
			if gen == l.gen && l.state == linkConnected {
				l.conn.cutLink(l.raw)
			}
		})
	}
	done(out)
}

// famRequest runs a paho operation in the background; done runs on the
// loop with whether it completed in time, unless the link moved on.
func (m *Modem) famRequest(l *famLink, op func(paho.Client) paho.Token, done func(tok paho.Token, ok bool)) {
	gen, cli, ctx := l.gen, l.cli, m.ctx
	m.goBackground(func() {
		tok, issued := issue(ctx, cli, op)
		if !issued {
			return // the modem stopped
		}
		ok := waitToken(ctx, tok, famConnectWait)
		m.post(func() {
			if gen == l.gen {
				done(tok, ok)
			}
		})
	})
}

// famDisconnect sends DISCONNECT and closes the link; done runs on the loop.
func (m *Modem) famDisconnect(l *famLink, done func()) {
	if l.state != linkConnected {
		l.teardown(m)
		done()
		return
	}
	m.sendDisconnect(&l.clientLink, func() {
		l.teardown(m)
		done()
	})
}

// sendDisconnect sends an MQTT DISCONNECT on a connected link, off the
// loop, then runs closed on the loop unless the link was torn down
// meanwhile; closed tears it down.
func (m *Modem) sendDisconnect(l *clientLink, closed func()) {
	l.state = linkDisconnecting
	gen, cli := l.gen, l.cli
	m.goBackground(func() {
		cli.Disconnect(250)
		m.post(func() {
			if gen != l.gen {
				return
			}
			l.cli = nil
			closed()
		})
	})
}

// teardown closes whatever the link holds and forgets it; anything still
// running for it reports under an old gen and is ignored.
func (l *clientLink) teardown(m *Modem) {
	l.gen++
	if l.cancel != nil {
		l.cancel()
	}
	if l.drop != nil {
		l.drop.Stop()
	}
	if l.raw != nil {
		l.raw.Close()
	}
	if cli := l.cli; cli != nil {
		m.goBackground(func() { cli.Disconnect(0) })
	}
	l.state = linkClosed
	l.cancel, l.raw, l.conn, l.cli, l.drop = nil, nil, nil, nil, nil
}

// famTLSParams are a family's TLS settings, certificates as PEM.
type famTLSParams struct {
	verify     bool // check the server against ca
	ca         []byte
	clientCert []byte
	clientKey  []byte
	minVersion uint16
	maxVersion uint16
	sni        bool
	host       string
}

// famTLS builds the client TLS configuration. Under tls-failure the server
// is verified against a CA that signed nothing the broker uses.
func (m *Modem) famTLS(p famTLSParams) (*tls.Config, error) {
	cfg := &tls.Config{MinVersion: p.minVersion, MaxVersion: p.maxVersion, InsecureSkipVerify: true}
	if p.sni && net.ParseIP(p.host) == nil {
		cfg.ServerName = p.host
	}
	verify := p.verify
	var roots *x509.CertPool
	if verify {
		roots = x509.NewCertPool()
		if !roots.AppendCertsFromPEM(p.ca) {
			return nil, errors.New("no CA certificate")
		}
	}
	if m.faults.TLSFailure {
		verify = true
		var err error
		if roots, err = m.bogusRoots(); err != nil {
			return nil, err
		}
	}
	if verify {
		cfg.VerifyConnection = verifier(roots, p.host, true, m.clk.Now)
	}
	if p.clientCert != nil {
		pair, err := tls.X509KeyPair(p.clientCert, p.clientKey)
		if err != nil {
			return nil, err
		}
		cfg.Certificates = []tls.Certificate{pair}
	}
	cfg.ClientSessionCache = clientSessions(m.opts.tlsSessions, cfg)
	return cfg, nil
}

// dropFamilyLinks closes the SIMCom and u-blox links (power off, reboot,
// shutdown); their volatile settings go with them.
func (m *Modem) dropFamilyLinks() {
	if m.simcom != nil {
		m.simcom.reset(m)
	}
	if m.ublox != nil {
		m.ublox.reset(m)
	}
}

// famPrompt takes exactly n bytes after a ">" prompt and hands them to
// done, whose result ends the command line (its information lines too).
type famPrompt struct {
	n     int
	buf   []byte
	done  func(m *Modem, b []byte) result
	timer Timer
}

// famPromptWait is how long a prompt waits for its bytes before the line
// ends with ERROR, so a host that stops sending does not leave the modem
// deaf for ever.
const famPromptWait = 60 * time.Second

func (p *famPrompt) feed(m *Modem, b []byte) int {
	k := min(len(b), p.n-len(p.buf))
	if m.st.echo {
		m.write(b[:k])
	}
	p.buf = append(p.buf, b[:k]...)
	if len(p.buf) == p.n {
		p.timer.Stop()
		m.leaveData(p.done(m, p.buf))
	}
	return k
}

// startFamPrompt sends the prompt (CR LF then ">", no space: the form both
// families show) and takes n bytes.
func (m *Modem) startFamPrompt(n int, done func(m *Modem, b []byte) result) result {
	m.resp.WriteString("\r\n>")
	m.flushResp()
	p := &famPrompt{n: n, done: done}
	p.timer = m.after(famPromptWait, func() {
		if m.data == dataMode(p) {
			m.leaveData(errorResult)
		}
	})
	m.enterData(p)
	return pendingResult
}
