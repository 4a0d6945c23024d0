package sim

import (
	"context"
	"crypto/tls"
	"errors"
	"net"
	"time"
)

// dialFunc opens a connection, as net.Dialer.DialContext does (Options.Dial
// puts the modems behind a test's own network).
type dialFunc = func(ctx context.Context, network, addr string) (net.Conn, error)

// dialConn opens a connection for a modem's socket or MQTT link and, with
// tlsCfg, a TLS session over it within handshake. raw is the connection
// itself (closing it cuts the link), conn what the data runs over: raw, or
// TLS on raw. Each command set words a failure its own way (notResolved,
// failedHandshake).
func dialConn(ctx context.Context, dial dialFunc, network, addr string, tlsCfg *tls.Config, handshake time.Duration) (raw, conn net.Conn, err error) {
	dctx, cancel := context.WithTimeout(ctx, dialTimeout)
	defer cancel()
	raw, err = dial(dctx, network, addr)
	if err != nil {
		return nil, nil, err
	}
	if tlsCfg == nil {
		return raw, raw, nil
	}
	hctx, cancel2 := context.WithTimeout(ctx, handshake)
	defer cancel2()
	tc := tls.Client(raw, tlsCfg)
	if err := tc.HandshakeContext(hctx); err != nil {
		raw.Close()
		return nil, nil, &handshakeError{err}
	}
	return raw, tc, nil
}

// notResolved reports whether a dial failed because the name did not
// resolve, which the command sets tell from other failures.
func notResolved(err error) bool {
	var dnsErr *net.DNSError
	return errors.As(err, &dnsErr)
}

// handshakeError is a connection opened whose TLS handshake failed.
type handshakeError struct{ err error }

func (e *handshakeError) Error() string { return "TLS handshake: " + e.err.Error() }
func (e *handshakeError) Unwrap() error { return e.err }

// failedHandshake reports whether the connection opened but its TLS
// handshake failed.
func failedHandshake(err error) bool {
	var he *handshakeError
	return errors.As(err, &he)
}
