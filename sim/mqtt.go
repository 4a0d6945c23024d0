package sim

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	paho "github.com/eclipse/paho.mqtt.golang"
)

// linkState is where one MQTT client is, from AT+QMTOPEN to AT+QMTCLOSE.
type linkState int

const (
	linkClosed        linkState = iota
	linkOpening                 // TCP/TLS being set up
	linkOpen                    // network up, no MQTT session ("initializing")
	linkConnecting              // CONNECT sent
	linkConnected               // CONNACK accepted
	linkDisconnecting           // DISCONNECT being sent
)

const (
	dialTimeout = 30 * time.Second
	recvSlots   = 5 // buffers of recv/mode 1
)

// mqttLink is one of the six MQTT clients. The network side is a real TCP
// (and TLS) connection dialled at AT+QMTOPEN and handed to a paho client at
// AT+QMTCONN. Loop-owned; goroutines report back with the gen they started
// under, and results for an older gen are dropped.
type mqttLink struct {
	clientLink
	idx   int
	host  string
	port  int
	watch *linkWatch
	slots [recvSlots]*inMsg
}

// inMsg is a message the broker delivered.
type inMsg struct {
	topic   string
	payload []byte
	id      uint16
}

func (m *Modem) link(idx int) *mqttLink {
	if m.links[idx] == nil {
		m.links[idx] = &mqttLink{idx: idx}
	}
	return m.links[idx]
}

// openLink starts AT+QMTOPEN; the outcome is the URC +QMTOPEN: <idx>,<result>.
func (m *Modem) openLink(l *mqttLink, host string, port int) {
	cfg := m.st.mcfg[l.idx]
	if l.state != linkClosed {
		m.urc(fmt.Sprintf("+QMTOPEN: %d,2", l.idx)) // identifier occupied
		return
	}
	if !m.activate(cfg.pdpcid) {
		m.urc(fmt.Sprintf("+QMTOPEN: %d,3", l.idx)) // PDP cannot be activated
		return
	}
	var tlsCfg *tls.Config
	var handshake time.Duration
	if cfg.ssl {
		var err error
		if tlsCfg, handshake, err = m.tlsConfig(cfg.sslCtx, host); err != nil {
			m.urc(fmt.Sprintf("+QMTOPEN: %d,-1", l.idx))
			return
		}
	}
	addr := net.JoinHostPort(host, strconv.Itoa(port))
	if m.faults.ServerDown {
		addr = closedAddr()
	}
	l.state, l.host, l.port = linkOpening, host, port
	ctx, cancel := context.WithCancel(m.ctx)
	l.cancel = cancel
	gen, dial := l.gen, m.opts.Dial
	m.goBackground(func() {
		raw, conn, code := dialLink(ctx, dial, addr, tlsCfg, handshake)
		m.post(func() { m.linkOpened(l, gen, raw, conn, code) })
	})
}

// dialLink opens TCP and, with tlsCfg, TLS. Its code is the +QMTOPEN
// result: 0, 4 when the name does not resolve, -1 for any other failure
// (refused, unreachable, handshake), which is what EC25/BG95/BG96 print.
func dialLink(ctx context.Context, dial dialFunc, addr string, tlsCfg *tls.Config, handshake time.Duration) (raw, conn net.Conn, code int) {
	raw, conn, err := dialConn(ctx, dial, "tcp", addr, tlsCfg, handshake)
	switch {
	case err == nil:
		return raw, conn, 0
	case notResolved(err):
		return nil, nil, 4
	}
	return nil, nil, -1
}

// closedAddr returns a local address nothing listens on (server-down).
func closedAddr() string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "127.0.0.1:1"
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

func (m *Modem) linkOpened(l *mqttLink, gen int, raw, conn net.Conn, code int) {
	if gen != l.gen || l.state != linkOpening {
		if raw != nil {
			raw.Close()
		}
		return
	}
	if code != 0 {
		l.state = linkClosed
		m.urc(fmt.Sprintf("+QMTOPEN: %d,%d", l.idx, code))
		return
	}
	l.raw, l.conn, l.state = raw, &cutConn{Conn: conn}, linkOpen
	l.watch = m.watchIdle(l, gen)
	m.urc(fmt.Sprintf("+QMTOPEN: %d,0", l.idx))
}

// linkLost reports a link that broke in state want as +QMTSTAT: <idx>,<code>.
func (m *Modem) linkLost(l *mqttLink, gen int, want linkState, code int) {
	if gen != l.gen || l.state != want {
		return
	}
	l.teardown(m)
	m.urc(fmt.Sprintf("+QMTSTAT: %d,%d", l.idx, code))
}

// teardown closes whatever the link holds and forgets it, with the
// EC20's own state: its server, its watch and the messages it held.
func (l *mqttLink) teardown(m *Modem) {
	l.clientLink.teardown(m)
	l.host, l.port, l.watch = "", 0, nil
	l.slots = [recvSlots]*inMsg{}
}

// connectOutcome is how AT+QMTCONN ended.
type connectOutcome struct {
	cli      paho.Client
	accepted bool
	refused  int // CONNACK return code 1..5 when refused
}

// connectLink starts AT+QMTCONN; the outcome is +QMTCONN: <idx>,<result>[,<ret_code>].
func (m *Modem) connectLink(l *mqttLink, clientID, user, pass string) {
	cfg := m.st.mcfg[l.idx]
	if m.faults.BadCredentials {
		pass = "not-" + pass
	}
	l.state = linkConnecting
	gen, conn, watch := l.gen, l.conn, l.watch
	opts := m.pahoOptions(l, gen, cfg, clientID, user, pass, conn)
	m.goBackground(func() {
		var out connectOutcome
		if watch.stop(conn) == nil {
			out = runConnect(opts, cfg.wait(), conn)
		}
		m.post(func() { m.linkConnected(l, gen, out) })
	})
}

// runConnect performs the MQTT CONNECT over the open connection.
func runConnect(opts *paho.ClientOptions, wait time.Duration, conn net.Conn) connectOutcome {
	cli := paho.NewClient(opts)
	tok := cli.Connect()
	if !tok.WaitTimeout(wait) {
		conn.Close() // ends paho's attempt
		tok.Wait()
	}
	if tok.Error() == nil {
		return connectOutcome{cli: cli, accepted: true}
	}
	rc := tok.(*paho.ConnectToken).ReturnCode()
	if rc >= 1 && rc <= 5 {
		return connectOutcome{refused: int(rc)}
	}
	return connectOutcome{}
}

func (m *Modem) pahoOptions(l *mqttLink, gen int, cfg mqttConfig, clientID, user, pass string, conn net.Conn) *paho.ClientOptions {
	var used atomic.Bool
	o := paho.NewClientOptions().
		AddBroker("tcp://" + net.JoinHostPort(l.host, strconv.Itoa(l.port))).
		SetClientID(clientID).SetUsername(user).SetPassword(pass).
		SetCleanSession(cfg.clean == 1).
		SetKeepAlive(time.Duration(cfg.keepalive) * time.Second).
		SetProtocolVersion(uint(cfg.version)).
		SetAutoReconnect(false).SetConnectRetry(false).
		SetConnectTimeout(time.Duration(cfg.pktTimeout) * time.Second).
		SetDefaultPublishHandler(func(_ paho.Client, msg paho.Message) {
			in := inMsg{topic: msg.Topic(), payload: msg.Payload(), id: msg.MessageID()}
			m.post(func() { m.deliver(l, gen, in) })
		}).
		SetConnectionLostHandler(func(_ paho.Client, err error) {
			code := 1 // closed or reset by peer
			if err != nil && strings.Contains(err.Error(), "pingresp") {
				code = 2
			}
			m.post(func() { m.linkLost(l, gen, linkConnected, code) })
		}).
		SetCustomOpenConnectionFn(func(*url.URL, paho.ClientOptions) (net.Conn, error) {
			if used.Swap(true) {
				return nil, errors.New("the link was opened by AT+QMTOPEN and is used once")
			}
			return conn, nil
		})
	if w := cfg.will; w.flag == 1 {
		o.SetWill(w.topic, w.msg, byte(w.qos), w.retain == 1)
	}
	return o
}

func (m *Modem) linkConnected(l *mqttLink, gen int, out connectOutcome) {
	if gen != l.gen || l.state != linkConnecting {
		if out.cli != nil {
			m.goBackground(func() { out.cli.Disconnect(0) })
		}
		return
	}
	switch {
	case out.accepted:
		l.cli, l.state = out.cli, linkConnected
		m.urc(fmt.Sprintf("+QMTCONN: %d,0,0", l.idx))
		m.armDrop(l)
	case out.refused > 0:
		l.teardown(m) // the broker closes the link after a refusal
		m.urc(fmt.Sprintf("+QMTCONN: %d,0,%d", l.idx, out.refused))
	default:
		l.teardown(m)
		m.urc(fmt.Sprintf("+QMTCONN: %d,2", l.idx))
	}
}

// armDrop schedules the drop-connection fault: the TCP link is cut, and
// the MQTT client sees its peer gone (+QMTSTAT: <idx>,1).
func (m *Modem) armDrop(l *mqttLink) {
	if m.faults.DropConnection <= 0 {
		return
	}
	gen := l.gen
	l.drop = m.after(m.faults.DropConnection, func() {
		if gen == l.gen && l.state == linkConnected {
			l.conn.cutLink(l.raw)
		}
	})
}

// disconnectLink is AT+QMTDISC: +QMTDISC: <idx>,0, then +QMTSTAT: <idx>,5
// as the link closes behind the DISCONNECT.
func (m *Modem) disconnectLink(l *mqttLink) {
	if l.state != linkConnected {
		m.urc(fmt.Sprintf("+QMTDISC: %d,-1", l.idx))
		return
	}
	m.sendDisconnect(&l.clientLink, func() {
		l.teardown(m)
		m.urc(fmt.Sprintf("+QMTDISC: %d,0", l.idx))
		m.urc(fmt.Sprintf("+QMTSTAT: %d,5", l.idx))
	})
}

// deliver turns a broker message into +QMTRECV per recv/mode.
func (m *Modem) deliver(l *mqttLink, gen int, in inMsg) {
	if gen != l.gen || (l.state != linkConnected && l.state != linkDisconnecting) {
		return
	}
	cfg := m.st.mcfg[l.idx]
	if cfg.recvMode == 0 {
		m.urc(recvLine(l.idx, in, cfg.recvLen == 1))
		return
	}
	for i, s := range l.slots {
		if s == nil {
			l.slots[i] = &in
			m.urc(fmt.Sprintf("+QMTRECV: %d,%d", l.idx, i))
			return
		}
	}
	// All buffers full: the message is lost, as on the module.
}

// recvLine is +QMTRECV: <idx>,<msgid>,"<topic>"[,<len>],"<payload>" with the
// payload raw between the quotes.
func recvLine(idx int, in inMsg, withLen bool) string {
	var b strings.Builder
	fmt.Fprintf(&b, `+QMTRECV: %d,%d,"%s",`, idx, in.id, in.topic)
	if withLen {
		fmt.Fprintf(&b, "%d,", len(in.payload))
	}
	b.WriteByte('"')
	b.Write(in.payload)
	b.WriteByte('"')
	return b.String()
}

// mqttRequest runs a paho operation for an AT command in the background and
// reports it as a URC built from whether it completed in time. op and urc
// run in the background: they must not touch the link.
func (m *Modem) mqttRequest(l *mqttLink, op func(paho.Client) paho.Token, urc func(tok paho.Token, ok bool) string) {
	gen, cli, wait, ctx := l.gen, l.cli, m.st.mcfg[l.idx].wait(), m.ctx
	m.goBackground(func() {
		tok, issued := issue(ctx, cli, op)
		if !issued {
			return // the modem stopped: no URC to give
		}
		ok := waitToken(ctx, tok, wait)
		text := urc(tok, ok)
		m.post(func() {
			if gen == l.gen {
				m.urc(text)
			}
		})
	})
}

// issue calls op(cli) and returns its token, or false if ctx ends first.
// op runs in a goroutine the modem's stop does not wait for: paho may block
// in it (a publish handed to a client whose connection went away meanwhile
// waits for paho's write timeout, 30 s), and a modem whose line closed
// must stop at once. Such a call ends on its own, unheard.
func issue(ctx context.Context, cli paho.Client, op func(paho.Client) paho.Token) (paho.Token, bool) {
	issued := make(chan paho.Token, 1)
	go func() { issued <- op(cli) }()
	select {
	case tok := <-issued:
		return tok, true
	case <-ctx.Done():
		return nil, false
	}
}

// waitToken waits for a paho token for up to d, or until the modem stops
// (a QoS 0 publish queued as the client goes away is never completed).
func waitToken(ctx context.Context, tok paho.Token, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-tok.Done():
		return tok.Error() == nil
	case <-t.C:
	case <-ctx.Done():
	}
	return false
}
