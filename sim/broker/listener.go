package broker

import (
	"crypto/tls"
	"log/slog"
	"net"
	"sync"

	"github.com/mochi-mqtt/server/v2/listeners"
)

// tlsListener is the broker's TLS port, in place of mochi-mqtt v2.7.9's
// listeners.TCP, which has three defects a fleet of virtual modems meets:
//
//   - its accept loop shares one error variable among the goroutines of
//     every connection, a data race when many connections end at once;
//   - a connection accepted while the server closes calls its
//     WaitGroup's Add while Server.Close is in Wait;
//   - Close does not end connections that have not sent their CONNECT
//     yet (mochi only knows clients after it), and Server.Close waits for
//     them: a modem stuck between its TLS handshake and its CONNECT held
//     the broker's close forever.
//
// This listener counts the connections it hands to mochi and, on Close,
// stops accepting, closes every connection it handed over (mochi's own
// goroutine for each then ends), and waits for those goroutines to
// return, before Server.Close reaches its Wait.
type tlsListener struct {
	id   string
	addr string
	tls  *tls.Config

	ln  net.Listener // set by Init, before Serve and Close
	log *slog.Logger // set by Init

	mu     sync.Mutex
	closed bool                  // guarded by mu
	conns  map[net.Conn]struct{} // guarded by mu: handed to mochi, not yet returned
	served sync.WaitGroup        // one per connection handed to mochi
}

var _ listeners.Listener = (*tlsListener)(nil)

func newTLSListener(id, addr string, cfg *tls.Config) *tlsListener {
	return &tlsListener{id: id, addr: addr, tls: cfg, conns: map[net.Conn]struct{}{}}
}

func (l *tlsListener) ID() string       { return l.id }
func (l *tlsListener) Protocol() string { return "tcp" }

// Address is the address listened on once Init has run.
func (l *tlsListener) Address() string {
	if l.ln != nil {
		return l.ln.Addr().String()
	}
	return l.addr
}

// Init opens the port; mochi calls it from Server.AddListener.
func (l *tlsListener) Init(log *slog.Logger) error {
	l.log = log
	ln, err := tls.Listen("tcp", l.addr, l.tls)
	if err != nil {
		return err
	}
	l.ln = ln
	return nil
}

// Serve hands every connection to mochi on a goroutine of its own until
// the listener closes; mochi calls it on a goroutine from Server.Serve.
func (l *tlsListener) Serve(establish listeners.EstablishFn) {
	for {
		conn, err := l.ln.Accept()
		if err != nil {
			return // closed
		}
		if !l.handOver(conn) {
			conn.Close()
			return
		}
		go func() {
			defer l.returned(conn)
			if err := establish(l.id, conn); err != nil {
				l.log.Debug("connection ended", "error", err)
			}
		}()
	}
}

// handOver counts conn as handed to mochi, unless the listener closed.
func (l *tlsListener) handOver(conn net.Conn) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return false
	}
	l.conns[conn] = struct{}{}
	l.served.Add(1)
	return true
}

func (l *tlsListener) returned(conn net.Conn) {
	l.mu.Lock()
	delete(l.conns, conn)
	l.mu.Unlock()
	l.served.Done()
}

// Close stops accepting, asks mochi to end its clients, closes every
// connection still handed over and waits until mochi is done with each.
// Calls after the first return at once.
func (l *tlsListener) Close(closeClients listeners.CloseFn) {
	l.mu.Lock()
	if l.closed {
		l.mu.Unlock()
		return
	}
	l.closed = true
	open := make([]net.Conn, 0, len(l.conns))
	for c := range l.conns {
		open = append(open, c)
	}
	l.mu.Unlock()
	if l.ln != nil {
		l.ln.Close()
	}
	closeClients(l.id)
	for _, c := range open {
		c.Close()
	}
	l.served.Wait()
}
