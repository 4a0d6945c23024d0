package sim

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"strconv"
	"syscall"
	"time"
)

// The socket layer behind AT+QIOPEN (TCP and UDP clients) and AT+QSSLOPEN
// (TLS clients): each socket is a real connection on the host, dialled when
// the command runs, read by its own goroutine, which hands what arrives to
// the modem's loop as events.

const (
	numSockets  = 12   // connectID / clientID 0..11
	maxSend     = 1460 // bytes in one AT+QISEND / AT+QSSLSEND
	maxRead     = 1500 // bytes in one AT+QIRD / AT+QSSLRECV
	sendQueue   = 64   // writes waiting for the network before SEND FAIL
	readBufSize = 4096
)

// Access modes of AT+QIOPEN / AT+QSSLOPEN.
const (
	modeBuffer = 0 // "+QIURC: "recv",<id>", then AT+QIRD
	modePush   = 1 // "+QIURC: "recv",<id>,<len>" followed by the data
	modeTransp = 2 // transparent: the line is the socket (socket_transparent.go)
)

// Socket states as AT+QISTATE prints them.
const (
	sockInitial   = 0
	sockOpening   = 1
	sockConnected = 2
	sockClosing   = 4 // the peer closed; AT+QICLOSE frees the socket
)

// TCP/IP error codes (reference §6.2).
const (
	errSockUnknown    = 550
	errSockParams     = 552
	errSockWrite      = 558
	errSockPDP        = 561
	errSockIDUsed     = 563
	errSockDNS        = 565
	errSockConnect    = 566
	errSockClosed     = 567
	errSockTimeout    = 569
	errSockNotAllowed = 572
)

// sockFamily tells the TCP/IP sockets (+QIURC) from the SSL ones (+QSSLURC).
type sockFamily struct {
	name    string // for the log: "socket", "SSL client"
	urc     string // "+QIURC" or "+QSSLURC"
	open    string // "+QIOPEN" or "+QSSLOPEN"
	service func(s *socket) string
}

var (
	ipFamily  = sockFamily{name: "socket", urc: "+QIURC", open: "+QIOPEN", service: func(s *socket) string { return s.proto }}
	sslFamily = sockFamily{name: "SSL client", urc: "+QSSLURC", open: "+QSSLOPEN", service: func(*socket) string { return "SSLClient" }}
)

// socket is one open (or opening) socket. Loop-owned; goroutines report
// with the gen they started under, and a socket closed since ignores them.
type socket struct {
	fam    *sockFamily
	id     int
	proto  string // "TCP", "UDP"; "TCP" under TLS
	ctxID  int
	sslCtx int // -1 for TCP/IP sockets
	host   string
	port   int
	local  int
	mode   int
	state  int
	gen    int
	cancel context.CancelFunc
	raw    net.Conn // the TCP/UDP connection (closing it cuts the link)
	conn   net.Conn // what data goes over: raw or TLS on raw
	out    chan []byte
	drop   Timer

	rx       []byte // received and not yet read (buffer mode)
	rxTotal  int
	rxRead   int
	notified bool // a "recv" URC is out and the buffer is not drained yet
	sent     int
}

// ipStack is the modem's socket layer: TCP/UDP sockets, SSL clients and
// the HTTP client. Loop-owned.
type ipStack struct {
	socks   [numSockets]*socket
	ssl     [numSockets]*socket
	http    httpClient
	lastErr int // AT+QIGETERROR
}

func (m *Modem) stack() *ipStack {
	if m.ip == nil {
		m.ip = &ipStack{http: defaultHTTP()}
	}
	return m.ip
}

// closeAll closes every socket (shutdown).
func (ip *ipStack) closeAll() {
	if ip == nil {
		return
	}
	for _, tab := range []*[numSockets]*socket{&ip.socks, &ip.ssl} {
		for i, s := range tab {
			if s != nil {
				s.close()
				tab[i] = nil
			}
		}
	}
	ip.http.stop()
}

// openSocket dials s in the background; done reports the outcome on the
// loop with an error code (0: connected).
func (m *Modem) openSocket(s *socket, tlsCfg *tls.Config, handshake time.Duration, done func(code int)) {
	addr := net.JoinHostPort(s.host, strconv.Itoa(s.port))
	if m.faults.ServerDown {
		addr = closedAddr()
		if s.proto == "UDP" {
			addr = closedUDPAddr()
		}
	}
	network := "tcp"
	if s.proto == "UDP" {
		network = "udp"
	}
	ctx, cancel := context.WithCancel(m.ctx)
	s.cancel, s.state = cancel, sockOpening
	gen, dial := s.gen, m.opts.Dial
	m.goBackground(func() {
		raw, conn, code := dialSocket(ctx, dial, network, addr, tlsCfg, handshake)
		m.post(func() {
			if gen != s.gen || s.state != sockOpening {
				if raw != nil {
					raw.Close()
				}
				return
			}
			if code != 0 {
				s.close()
				done(code)
				return
			}
			s.raw, s.conn, s.state = raw, conn, sockConnected
			m.tracef("%s %d: %s connected to %s", s.fam.name, s.id, s.proto, addr)
			_, p, _ := net.SplitHostPort(raw.LocalAddr().String())
			s.local, _ = strconv.Atoi(p)
			m.startSocketIO(s)
			done(0)
		})
	})
}

// dialSocket opens the connection and, with tlsCfg, TLS over it. The code
// is 0, 565 when the name does not resolve, 566 for anything else.
func dialSocket(ctx context.Context, dial dialFunc, network, addr string, tlsCfg *tls.Config, handshake time.Duration) (raw, conn net.Conn, code int) {
	raw, conn, err := dialConn(ctx, dial, network, addr, tlsCfg, handshake)
	switch {
	case err == nil:
		return raw, conn, 0
	case notResolved(err):
		return nil, nil, errSockDNS
	}
	return nil, nil, errSockConnect
}

// closedUDPAddr is a local UDP port nothing listens on (server-down): the
// kernel answers datagrams to it with ICMP port unreachable.
func closedUDPAddr() string {
	c, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		return "127.0.0.1:1"
	}
	addr := c.LocalAddr().String()
	c.Close()
	return addr
}

// startSocketIO starts the socket's reader and writer goroutines and arms
// the drop-connection fault.
func (m *Modem) startSocketIO(s *socket) {
	gen, conn, out := s.gen, s.conn, make(chan []byte, sendQueue)
	udp := s.proto == "UDP"
	s.out = out
	m.goBackground(func() {
		buf := make([]byte, readBufSize)
		for {
			n, err := conn.Read(buf)
			if n > 0 {
				data := append([]byte(nil), buf[:n]...)
				m.post(func() { m.socketData(s, gen, data) })
			}
			if err != nil && udp && errors.Is(err, syscall.ECONNREFUSED) {
				continue // an ICMP "port unreachable": the datagram is lost, the socket stays
			}
			if err != nil {
				m.post(func() { m.socketClosed(s, gen) })
				return
			}
		}
	})
	m.goBackground(func() {
		for b := range out {
			_ = conn.SetWriteDeadline(time.Now().Add(dialTimeout))
			_, err := conn.Write(b)
			if err != nil && !(udp && errors.Is(err, syscall.ECONNREFUSED)) {
				conn.Close() // the reader then reports the socket closed
			}
		}
	})
	if d := m.faults.DropConnection; d > 0 {
		s.drop = m.after(d, func() {
			if gen == s.gen && s.state == sockConnected {
				s.raw.Close()
			}
		})
	}
}

// socketData delivers bytes from the network per the access mode.
func (m *Modem) socketData(s *socket, gen int, data []byte) {
	if gen != s.gen || s.state == sockInitial {
		return
	}
	s.rxTotal += len(data)
	if _, on := m.transparentOf(s); on {
		s.rxRead += len(data)
		m.write(data)
		return
	}
	if s.mode == modePush {
		s.rxRead += len(data)
		m.urc(fmt.Sprintf(`%s: "recv",%d,%d`, s.fam.urc, s.id, len(data)) + "\r\n" + string(data))
		return
	}
	s.rx = append(s.rx, data...)
	if !s.notified {
		s.notified = true
		m.urc(fmt.Sprintf(`%s: "recv",%d`, s.fam.urc, s.id))
	}
}

// socketClosed reports a connection the peer (or the network) closed. The
// socket stays until AT+QICLOSE, with its unread data.
func (m *Modem) socketClosed(s *socket, gen int) {
	if gen != s.gen || s.state != sockConnected {
		return
	}
	s.state = sockClosing
	s.stopIO()
	m.tracef("%s %d: the peer closed the connection", s.fam.name, s.id)
	if _, on := m.transparentOf(s); on {
		m.leaveData(noCarrier)
		return
	}
	m.urc(fmt.Sprintf(`%s: "closed",%d`, s.fam.urc, s.id))
}

// read takes up to n buffered bytes (AT+QIRD / AT+QSSLRECV). Once the
// buffer is drained the next arrival gets a new "recv" URC.
func (s *socket) read(n int) []byte {
	n = min(n, len(s.rx))
	data := s.rx[:n:n]
	s.rx = s.rx[n:]
	s.rxRead += n
	if len(s.rx) == 0 {
		s.rx, s.notified = nil, false
	}
	return data
}

// send queues data for the network; false when the queue is full (SEND
// FAIL).
func (s *socket) send(data []byte) bool {
	select {
	case s.out <- data:
		s.sent += len(data)
		return true
	default:
		return false
	}
}

// stopIO ends the writer and closes the connection; the reader ends with it.
func (s *socket) stopIO() {
	if s.out != nil {
		close(s.out)
		s.out = nil
	}
	if s.drop != nil {
		s.drop.Stop()
	}
	if s.raw != nil {
		s.raw.Close()
	}
}

// close forgets the socket: whatever still runs for it reports under an
// old gen.
func (s *socket) close() {
	s.gen++
	if s.cancel != nil {
		s.cancel()
	}
	s.stopIO()
	s.state = sockInitial
}

// stateLine is the +QISTATE / +QSSLSTATE line of s.
func (s *socket) stateLine(name string, port string) string {
	line := fmt.Sprintf(`%s: %d,"%s","%s",%d,%d,%d,%d,%d,%d,"%s"`, name, s.id, s.fam.service(s), s.host,
		s.port, s.local, s.state, s.ctxID, 0, s.mode, port)
	if s.sslCtx >= 0 {
		line += fmt.Sprintf(",%d", s.sslCtx)
	}
	return line
}
