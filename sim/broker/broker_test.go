package broker

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"net"
	"os"
	"testing"
	"time"

	paho "github.com/eclipse/paho.mqtt.golang"
)

func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func start(t *testing.T, opts Options) *Embedded {
	t.Helper()
	if opts.Dir == "" {
		opts.Dir = t.TempDir()
	}
	b, err := Start(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	return b
}

// client connects a paho client over TLS, trusting the broker's CA file,
// with MQTT 3.1.1.
func client(t *testing.T, b *Embedded, user, pass string) (paho.Client, paho.Token) {
	t.Helper()
	pemBytes, err := os.ReadFile(b.CAFile())
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pemBytes) {
		t.Fatal("CA file holds no certificate")
	}
	opts := paho.NewClientOptions().AddBroker("ssl://" + b.Addr()).SetClientID("t-" + user).
		SetTLSConfig(&tls.Config{RootCAs: pool}).SetProtocolVersion(4).SetAutoReconnect(false)
	if user != "" {
		opts.SetUsername(user).SetPassword(pass)
	}
	c := paho.NewClient(opts)
	tok := c.Connect()
	if !tok.WaitTimeout(10 * time.Second) {
		t.Fatal("connect timed out")
	}
	t.Cleanup(func() { c.Disconnect(0) })
	return c, tok
}

// The CA is ECDSA P-256, and the server certificate names localhost,
// 127.0.0.1 and ::1.
func TestCertificates(t *testing.T) {
	b := start(t, Options{})
	block, _ := pem.Decode(mustRead(t, b.CAFile()))
	if block == nil {
		t.Fatal("CA file is not PEM")
	}
	ca, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	if !ca.IsCA || ca.PublicKeyAlgorithm != x509.ECDSA {
		t.Fatalf("CA: IsCA=%v key=%v", ca.IsCA, ca.PublicKeyAlgorithm)
	}
	conn, err := tls.Dial("tcp", b.Addr(), &tls.Config{RootCAs: b.CA().Pool(), ServerName: "localhost"})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	leaf := conn.ConnectionState().PeerCertificates[0]
	for _, host := range []string{"localhost", "127.0.0.1", "::1"} {
		if err := leaf.VerifyHostname(host); err != nil {
			t.Errorf("server certificate: %v", err)
		}
	}
}

func mustRead(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// CONNACK return codes: 0 accepted, 4 for a wrong password or unknown user
// (MQTT 3.1.1's "bad user name or password"), 5 without any credentials.
func TestCredentials(t *testing.T) {
	b := start(t, Options{Username: "modem", Password: "s3cret"})
	tests := []struct {
		name, user, pass string
		want             byte
	}{
		{"right", "modem", "s3cret", 0},
		{"wrong password", "modem", "nope", 4},
		{"unknown user", "someone", "s3cret", 4},
		{"anonymous", "", "", 5},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, tok := client(t, b, tc.user, tc.pass)
			if got := tok.(*paho.ConnectToken).ReturnCode(); got != tc.want {
				t.Fatalf("return code %d (%v), want %d", got, tok.Error(), tc.want)
			}
		})
	}
}

// Subscribe shows what a client published; Publish reaches a client.
func TestSubscribePublish(t *testing.T) {
	ctx := testCtx(t)
	b := start(t, Options{})
	sub, err := b.Subscribe(ctx, "dev/+/up")
	if err != nil {
		t.Fatal(err)
	}
	defer sub.Close()
	c, tok := client(t, b, b.Username(), b.Password())
	if tok.Error() != nil {
		t.Fatal(tok.Error())
	}
	got := make(chan paho.Message, 1)
	if tok := c.Subscribe("dev/1/down", 1, func(_ paho.Client, m paho.Message) { got <- m }); !tok.WaitTimeout(5*time.Second) || tok.Error() != nil {
		t.Fatalf("subscribe: %v", tok.Error())
	}
	if tok := c.Publish("dev/1/up", 1, false, "hello"); !tok.WaitTimeout(5*time.Second) || tok.Error() != nil {
		t.Fatalf("publish: %v", tok.Error())
	}
	m, err := sub.Next(ctx)
	if err != nil || m.Topic != "dev/1/up" || string(m.Payload) != "hello" {
		t.Fatalf("broker saw %+v, %v", m, err)
	}
	if err := b.Publish(ctx, "dev/1/down", []byte("on"), 1, false); err != nil {
		t.Fatal(err)
	}
	select {
	case m := <-got:
		if string(m.Payload()) != "on" {
			t.Fatalf("downlink %q", m.Payload())
		}
	case <-ctx.Done():
		t.Fatal("downlink never arrived")
	}
}

// A broker that demands client certificates refuses a client without one.
func TestRequireClientCert(t *testing.T) {
	b := start(t, Options{RequireClientCert: true})
	leaf, err := b.CA().IssueClient("modem")
	if err != nil {
		t.Fatal(err)
	}
	cert, err := leaf.TLS()
	if err != nil {
		t.Fatal(err)
	}
	dial := func(certs []tls.Certificate) error {
		conn, err := tls.Dial("tcp", b.Addr(), &tls.Config{RootCAs: b.CA().Pool(), ServerName: "localhost", Certificates: certs})
		if err != nil {
			return err
		}
		defer conn.Close()
		// TLS 1.3 reports a refused client certificate on the first read.
		conn.SetReadDeadline(time.Now().Add(200 * time.Millisecond))
		_, err = conn.Read(make([]byte, 1))
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			return nil
		}
		return err
	}
	if err := dial(nil); err == nil {
		t.Error("no client certificate, yet the broker accepted")
	}
	if err := dial([]tls.Certificate{cert}); err != nil {
		t.Errorf("with a client certificate: %v", err)
	}
}

// Remote talks to a broker it did not start, through the same interface.
func TestRemote(t *testing.T) {
	ctx := testCtx(t)
	b := start(t, Options{})
	r, err := Connect(ctx, External{URL: b.URL(), CAFile: b.CAFile(), Username: b.Username(), Password: b.Password()})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var _ Broker = r
	sub, err := r.Subscribe(ctx, "x/#")
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Publish(ctx, "x/y", []byte("1"), 1, false); err != nil {
		t.Fatal(err)
	}
	if m, err := sub.Next(ctx); err != nil || m.Topic != "x/y" || string(m.Payload) != "1" {
		t.Fatalf("remote saw %+v, %v", m, err)
	}
	sub.Close()
	if r.Addr() != b.Addr() {
		t.Errorf("Addr %s, want %s", r.Addr(), b.Addr())
	}
	if _, err := Connect(ctx, External{URL: b.URL(), CAFile: b.CAFile(), Username: b.Username(), Password: "bad"}); err == nil {
		t.Error("a wrong password connected")
	}
	if _, err := Connect(ctx, External{URL: "http://x", CAFile: b.CAFile()}); err == nil {
		t.Error("a non-TLS URL was accepted")
	}
}

func TestTopicMatch(t *testing.T) {
	tests := []struct {
		filter, topic string
		want          bool
	}{
		{"a/b", "a/b", true},
		{"a/+", "a/b", true},
		{"a/+", "a/b/c", false},
		{"a/#", "a/b/c", true},
		{"#", "a", true},
		{"a/b", "a", false},
		{"a", "a/b", false},
	}
	for _, tc := range tests {
		if got := matches(tc.filter, tc.topic); got != tc.want {
			t.Errorf("matches(%q, %q) = %v", tc.filter, tc.topic, got)
		}
	}
}

// Without a Dir the CA file lives in a temporary directory Close removes.
func TestTempDir(t *testing.T) {
	b, err := Start(Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(b.CAFile()); err != nil {
		t.Fatal(err)
	}
	b.Close()
	if _, err := os.Stat(b.CAFile()); err == nil {
		t.Error("CA file left after Close")
	}
}
