package sim

import (
	"context"
	"crypto/tls"
	"errors"
	"net"
	"testing"
	"time"
)

// dialConn's failures are told apart as each command set needs: a name
// that does not resolve, a handshake that fails on an open connection,
// anything else.
func TestDialConnFailures(t *testing.T) {
	ctx := context.Background()
	noName := func(context.Context, string, string) (net.Conn, error) {
		return nil, &net.DNSError{Err: "no such host", Name: "broker.invalid", IsNotFound: true}
	}
	if _, _, err := dialConn(ctx, noName, "tcp", "broker.invalid:8883", nil, time.Second); !notResolved(err) || failedHandshake(err) {
		t.Errorf("unresolved name: %v", err)
	}
	refused := func(context.Context, string, string) (net.Conn, error) { return nil, errors.New("connection refused") }
	if _, _, err := dialConn(ctx, refused, "tcp", "127.0.0.1:1", nil, time.Second); err == nil || notResolved(err) || failedHandshake(err) {
		t.Errorf("refused: %v", err)
	}
	// A server that closes at once: the TLS handshake fails on an open
	// connection.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			c.Close()
		}
	}()
	var d net.Dialer
	if _, _, err := dialConn(ctx, d.DialContext, "tcp", ln.Addr().String(), &tls.Config{ServerName: "x"}, 5*time.Second); !failedHandshake(err) || notResolved(err) {
		t.Errorf("closed before the handshake: %v", err)
	}
	raw, conn, err := dialConn(ctx, d.DialContext, "tcp", ln.Addr().String(), nil, time.Second)
	if err != nil || raw != conn {
		t.Errorf("plain TCP: %v %v %v", raw, conn, err)
	}
	if raw != nil {
		raw.Close()
	}
}
