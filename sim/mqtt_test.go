package sim

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"strings"
	"testing"
	"time"

	paho "github.com/eclipse/paho.mqtt.golang"

	"github.com/atrun/atrun/sim/broker"
)

// runBroker runs an embedded broker for one test.
func runBroker(t *testing.T, opts broker.Options) *broker.Embedded {
	t.Helper()
	if opts.Dir == "" {
		opts.Dir = t.TempDir()
	}
	b, err := broker.Start(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	return b
}

// urc waits for a line starting with prefix, consumes output through it and
// returns the line without its CR LF.
func (h *harness) urc(prefix string) string {
	h.t.Helper()
	marker := []byte("\r\n" + prefix)
	h.waitUntil(prefix+" line", func(out []byte) bool {
		i := bytes.Index(out, marker)
		return i >= 0 && bytes.Contains(out[i+len(marker):], []byte("\r\n"))
	})
	h.mu.Lock()
	defer h.mu.Unlock()
	i := bytes.Index(h.out, marker) + 2
	j := i + bytes.Index(h.out[i:], []byte("\r\n"))
	line := string(h.out[i:j])
	h.out = h.out[j+2:]
	return line
}

// must sends a command and fails the test unless it answers want.
func (h *harness) must(line, want string) {
	h.t.Helper()
	if got := h.cmd(line); got != want {
		h.t.Fatalf("%s:\n got %q\nwant %q", line, got, want)
	}
}

const ok = "\r\nOK\r\n"

// upload sends a file with AT+QFUPL and checks the reported checksum.
func (h *harness) upload(name string, data []byte) {
	h.t.Helper()
	h.send(fmt.Sprintf(`AT+QFUPL="%s",%d,10`, name, len(data)) + "\r")
	h.expect("\r\nCONNECT\r\n")
	h.send(string(data))
	h.expect(fmt.Sprintf("\r\n+QFUPL: %d,%s\r\n\r\nOK\r\n", len(data), ChecksumString(data)))
}

// tlsSetup is the EC20 sequence of reference §7 up to QMTOPEN: echo off,
// CA upload, SSL context 2, client 0 on TLS with length-prefixed receive.
func (h *harness) tlsSetup(caFile string) {
	h.t.Helper()
	ca, err := os.ReadFile(caFile)
	if err != nil {
		h.t.Fatal(err)
	}
	h.bootDone()
	h.echoOff()
	h.must("AT+CMEE=1", ok)
	h.upload("RAM:ca.pem", ca)
	for _, line := range []string{
		`AT+QSSLCFG="cacert",2,"RAM:ca.pem"`,
		`AT+QSSLCFG="seclevel",2,1`,
		`AT+QSSLCFG="sslversion",2,4`,
		`AT+QSSLCFG="ciphersuite",2,0xFFFF`,
		`AT+QSSLCFG="ignorelocaltime",2,1`,
		`AT+QMTCFG="recv/mode",0,0,1`,
		`AT+QMTCFG="SSL",0,1,2`,
		`AT+QMTCFG="version",0,4`,
	} {
		h.must(line, ok)
	}
}

// openAndConnect runs AT+QMTOPEN and AT+QMTCONN and returns their URCs.
func (h *harness) openAndConnect(b broker.Broker, password string) (open, conn string) {
	h.t.Helper()
	h.must(fmt.Sprintf(`AT+QMTOPEN=0,"127.0.0.1",%s`, port(b)), ok)
	open = h.urc("+QMTOPEN:")
	if open != "+QMTOPEN: 0,0" {
		return open, ""
	}
	h.must(fmt.Sprintf(`AT+QMTCONN=0,"sim-test","%s","%s"`, b.Username(), password), ok)
	return open, h.urc("+QMTCONN:")
}

func port(b broker.Broker) string {
	return b.Addr()[strings.LastIndex(b.Addr(), ":")+1:]
}

func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	t.Cleanup(cancel)
	return ctx
}

// The MQTTS sequence over an in-memory line: publish both ways, receive a
// downlink, read forms, disconnect.
func TestMQTTSequence(t *testing.T) {
	b := runBroker(t, broker.Options{})
	ctx := testCtx(t)
	up, err := b.Subscribe(ctx, "dev/up")
	if err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, Options{})
	h.tlsSetup(b.CAFile())
	if open, conn := h.openAndConnect(b, b.Password()); conn != "+QMTCONN: 0,0,0" {
		t.Fatalf("open %q, connect %q", open, conn)
	}
	h.must("AT+QMTOPEN?", fmt.Sprintf("\r\n+QMTOPEN: 0,\"127.0.0.1\",%s\r\n\r\nOK\r\n", port(b)))
	h.must("AT+QMTCONN?", "\r\n+QMTCONN: 0,3\r\n\r\nOK\r\n")

	h.must(`AT+QMTSUB=0,1,"dev/down",1`, ok)
	if got := h.urc("+QMTSUB:"); got != "+QMTSUB: 0,1,0,1" {
		t.Fatalf("subscribe: %q", got)
	}

	// Prompt form: "\r\n> ", payload, Ctrl+Z, OK, then the URC.
	h.send(`AT+QMTPUB=0,1,1,0,"dev/up"` + "\r")
	h.expect("\r\n> ")
	h.send(`{"temp":21.5}` + "\x1a")
	h.expect(ok)
	if got := h.urc("+QMTPUB:"); got != "+QMTPUB: 0,1,0" {
		t.Fatalf("publish: %q", got)
	}
	expectAtBroker(t, ctx, up, "dev/up", `{"temp":21.5}`)

	// Fixed length: exactly n bytes, no Ctrl+Z.
	h.send(`AT+QMTPUBEX=0,2,1,0,"dev/up",5` + "\r")
	h.expect("\r\n> ")
	h.send("hello")
	h.expect(ok)
	if got := h.urc("+QMTPUBEX:"); got != "+QMTPUBEX: 0,2,0" {
		t.Fatalf("publishex: %q", got)
	}
	expectAtBroker(t, ctx, up, "dev/up", "hello")

	// A downlink arrives as +QMTRECV with its length (recv/mode 0,0,1).
	down := `{"led":"on","n":1}`
	if err := b.Publish(ctx, "dev/down", []byte(down), 1, false); err != nil {
		t.Fatal(err)
	}
	got := h.urc("+QMTRECV:")
	want := fmt.Sprintf(`",%d,"%s"`, len(down), down)
	if !strings.HasPrefix(got, "+QMTRECV: 0,") || !strings.HasSuffix(got, `,"dev/down`+want) {
		t.Fatalf("downlink: %q", got)
	}

	h.must(`AT+QMTUNS=0,3,"dev/down"`, ok)
	if got := h.urc("+QMTUNS:"); got != "+QMTUNS: 0,3,0" {
		t.Fatalf("unsubscribe: %q", got)
	}
	h.must("AT+QMTDISC=0", ok)
	if got := h.urc("+QMTDISC:"); got != "+QMTDISC: 0,0" {
		t.Fatalf("disconnect: %q", got)
	}
	if got := h.urc("+QMTSTAT:"); got != "+QMTSTAT: 0,5" {
		t.Fatalf("after disconnect: %q", got)
	}
	h.must("AT+QMTCLOSE=0", ok)
	if got := h.urc("+QMTCLOSE:"); got != "+QMTCLOSE: 0,0" {
		t.Fatalf("close: %q", got)
	}
	h.must("AT+QMTOPEN?", ok)
}

func expectAtBroker(t *testing.T, ctx context.Context, sub *broker.Subscription, topic, payload string) {
	t.Helper()
	m, err := sub.Next(ctx)
	if err != nil {
		t.Fatalf("nothing at the broker: %v", err)
	}
	if m.Topic != topic || string(m.Payload) != payload {
		t.Fatalf("broker got %s %q, want %s %q", m.Topic, m.Payload, topic, payload)
	}
}

// Publish variants and the msgid rule; ESC cancels; echo shows the payload.
func TestPublishForms(t *testing.T) {
	b := runBroker(t, broker.Options{})
	ctx := testCtx(t)
	up, _ := b.Subscribe(ctx, "t")
	h := newHarness(t, Options{})
	h.tlsSetup(b.CAFile())
	h.openAndConnect(b, b.Password())

	for _, line := range []string{
		`AT+QMTPUB=0,0,1,0,"t"`,     // QoS 1 needs a msgid
		`AT+QMTPUB=0,5,0,0,"t"`,     // QoS 0 must have msgid 0
		`AT+QMTPUBEX=0,0,0,0,"t"`,   // PUBEX needs a length
		`AT+QMTPUBEX=0,0,0,0,"t",0`, // length 1..4096
		`AT+QMTPUB=0,0,0,0,""`,
	} {
		h.must(line, "\r\nERROR\r\n")
	}
	h.must(`AT+QMTPUB=1,0,0,0,"t"`, "\r\n+CME ERROR: 3\r\n") // client 1 not connected

	h.send(`AT+QMTPUB=0,0,0,0,"t"` + "\r")
	h.expect("\r\n> ")
	h.send("never sent\x1b")
	h.expect(ok)

	h.send(`AT+QMTPUB=0,0,0,0,"t",3` + "\r") // trailing length (BG95)
	h.expect("\r\n> ")
	h.send("abc")
	h.expect(ok)
	if got := h.urc("+QMTPUB:"); got != "+QMTPUB: 0,0,0" {
		t.Fatalf("fixed-length QMTPUB: %q", got)
	}
	expectAtBroker(t, ctx, up, "t", "abc") // "never sent" was not

	h.must(`AT+QMTPUB=0,0,0,0,"t","inline"`, ok) // BG95/BC26 inline form
	h.urc("+QMTPUB:")
	expectAtBroker(t, ctx, up, "t", "inline")

	h.must("ATE1", ok)
	h.send(`AT+QMTPUB=0,0,0,0,"t"` + "\r")
	h.expect("AT+QMTPUB=0,0,0,0,\"t\"\r\r\n> ")
	h.send("xy\x1a")
	h.expect("xy\r\nOK\r\n")
}

// recv/mode 1: the URC names a buffer, AT+QMTRECV reads it.
func TestReceiveBuffered(t *testing.T) {
	b := runBroker(t, broker.Options{})
	ctx := testCtx(t)
	h := newHarness(t, Options{})
	h.tlsSetup(b.CAFile())
	h.must(`AT+QMTCFG="recv/mode",0,1,1`, ok)
	h.openAndConnect(b, b.Password())
	h.must(`AT+QMTSUB=0,1,"d",0`, ok)
	h.urc("+QMTSUB:")
	if err := b.Publish(ctx, "d", []byte("x,\"y\""), 0, false); err != nil {
		t.Fatal(err)
	}
	if got := h.urc("+QMTRECV:"); got != "+QMTRECV: 0,0" {
		t.Fatalf("buffered URC: %q", got)
	}
	h.must("AT+QMTRECV?", "\r\n+QMTRECV: 0,1,0,0,0,0\r\n\r\nOK\r\n")
	h.must("AT+QMTRECV=0", "\r\n+QMTRECV: 0,0,\"d\",5,\"x,\"y\"\"\r\n\r\nOK\r\n")
	h.must("AT+QMTRECV?", "\r\n+QMTRECV: 0,0,0,0,0,0\r\n\r\nOK\r\n")
}

// Each MQTT fault shows as the real modem shows it.
func TestMQTTFaults(t *testing.T) {
	tests := []struct {
		fault    string
		wantOpen string
		wantConn string
	}{
		{"bad-credentials", "+QMTOPEN: 0,0", "+QMTCONN: 0,0,4"},
		{"server-down", "+QMTOPEN: 0,-1", ""},
		{"tls-failure", "+QMTOPEN: 0,-1", ""},
		{"no-signal", "+QMTOPEN: 0,3", ""},
	}
	for _, tc := range tests {
		t.Run(tc.fault, func(t *testing.T) {
			f, err := ParseFaults(tc.fault)
			if err != nil {
				t.Fatal(err)
			}
			b := runBroker(t, broker.Options{})
			h := newHarness(t, Options{Faults: f})
			h.tlsSetup(b.CAFile())
			open, conn := h.openAndConnect(b, b.Password())
			if open != tc.wantOpen || conn != tc.wantConn {
				t.Fatalf("got %q / %q, want %q / %q", open, conn, tc.wantOpen, tc.wantConn)
			}
		})
	}
}

// drop-connection: the link is cut D after CONNACK: +QMTSTAT: 0,1.
func TestDropConnection(t *testing.T) {
	f, _ := ParseFaults("drop-connection=2s")
	b := runBroker(t, broker.Options{})
	h := newHarness(t, Options{Faults: f})
	h.tlsSetup(b.CAFile())
	if _, conn := h.openAndConnect(b, b.Password()); conn != "+QMTCONN: 0,0,0" {
		t.Fatalf("connect: %q", conn)
	}
	h.advance(2*time.Second, 1)
	if got := h.urc("+QMTSTAT:"); got != "+QMTSTAT: 0,1" {
		t.Fatalf("drop: %q", got)
	}
	h.must("AT+QMTCONN?", ok)
	// The client can open again.
	if open, conn := h.openAndConnect(b, b.Password()); conn != "+QMTCONN: 0,0,0" {
		t.Fatalf("reopen: %q / %q", open, conn)
	}
}

// TLS trust as the SSL context says: a CA that did not sign the broker's
// certificate fails the handshake; seclevel 0 does not check; seclevel 2
// presents the uploaded client certificate to a broker that demands one.
func TestTLSTrust(t *testing.T) {
	other, err := broker.NewCA("some other CA")
	if err != nil {
		t.Fatal(err)
	}
	t.Run("wrong CA", func(t *testing.T) {
		b := runBroker(t, broker.Options{})
		h := newHarness(t, Options{})
		h.tlsSetup(writeTemp(t, other.CertPEM()))
		if open, _ := h.openAndConnect(b, b.Password()); open != "+QMTOPEN: 0,-1" {
			t.Fatalf("wrong CA opened: %q", open)
		}
	})
	t.Run("seclevel 0", func(t *testing.T) {
		b := runBroker(t, broker.Options{})
		h := newHarness(t, Options{})
		h.tlsSetup(writeTemp(t, other.CertPEM()))
		h.must(`AT+QSSLCFG="seclevel",2,0`, ok)
		if _, conn := h.openAndConnect(b, b.Password()); conn != "+QMTCONN: 0,0,0" {
			t.Fatalf("seclevel 0: %q", conn)
		}
	})
	t.Run("client certificate", func(t *testing.T) {
		b := runBroker(t, broker.Options{RequireClientCert: true})
		leaf, err := b.CA().IssueClient("modem")
		if err != nil {
			t.Fatal(err)
		}
		h := newHarness(t, Options{})
		h.tlsSetup(b.CAFile())
		if open, _ := h.openAndConnect(b, b.Password()); open != "+QMTOPEN: 0,-1" {
			t.Fatalf("without a client certificate: %q", open)
		}
		h.upload("RAM:client.pem", leaf.CertPEM)
		h.upload("RAM:client.key", leaf.KeyPEM)
		h.must(`AT+QSSLCFG="clientcert",2,"RAM:client.pem"`, ok)
		h.must(`AT+QSSLCFG="clientkey",2,"RAM:client.key"`, ok)
		h.must(`AT+QSSLCFG="seclevel",2,2`, ok)
		if _, conn := h.openAndConnect(b, b.Password()); conn != "+QMTCONN: 0,0,0" {
			t.Fatalf("with a client certificate: %q", conn)
		}
	})
}

func writeTemp(t *testing.T, data []byte) string {
	t.Helper()
	f := t.TempDir() + "/ca.pem"
	if err := os.WriteFile(f, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return f
}

// The broker refuses a user it does not know with 4 as well, and a client
// with no credentials at all with 5 (not authorized).
func TestConnackCodes(t *testing.T) {
	b := runBroker(t, broker.Options{})
	h := newHarness(t, Options{})
	h.tlsSetup(b.CAFile())
	port := port(b)
	for _, tc := range []struct{ conn, want string }{
		{`AT+QMTCONN=0,"c","stranger","x"`, "+QMTCONN: 0,0,4"},
		{`AT+QMTCONN=0,"c"`, "+QMTCONN: 0,0,5"},
	} {
		h.must(fmt.Sprintf(`AT+QMTOPEN=0,"127.0.0.1",%s`, port), ok)
		if got := h.urc("+QMTOPEN:"); got != "+QMTOPEN: 0,0" {
			t.Fatalf("open: %q", got)
		}
		h.must(tc.conn, ok)
		if got := h.urc("+QMTCONN:"); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.conn, got, tc.want)
		}
	}
	h.must(`AT+QMTCONN=0,"c"`, "\r\n+CME ERROR: 3\r\n") // no open link
}

// The other AT+QMTOPEN results: a name that does not resolve (4), a client
// already open (2), a PDP context that cannot come up (3).
func TestOpenResults(t *testing.T) {
	t.Run("no such host", func(t *testing.T) {
		dns := func(context.Context, string, string) (net.Conn, error) {
			return nil, &net.DNSError{Err: "no such host", Name: "broker.invalid", IsNotFound: true}
		}
		h := newHarness(t, Options{Dial: dns})
		h.bootDone()
		h.echoOff()
		h.must(`AT+QMTOPEN=0,"broker.invalid",8883`, ok)
		if got := h.urc("+QMTOPEN:"); got != "+QMTOPEN: 0,4" {
			t.Fatalf("got %q", got)
		}
	})
	t.Run("already open", func(t *testing.T) {
		b := runBroker(t, broker.Options{})
		h := newHarness(t, Options{})
		h.tlsSetup(b.CAFile())
		h.openAndConnect(b, b.Password())
		h.must(fmt.Sprintf(`AT+QMTOPEN=0,"127.0.0.1",%s`, port(b)), ok)
		if got := h.urc("+QMTOPEN:"); got != "+QMTOPEN: 0,2" {
			t.Fatalf("got %q", got)
		}
	})
	t.Run("detached", func(t *testing.T) {
		h := newHarness(t, Options{Dial: noDial})
		h.bootDone()
		h.echoOff()
		h.must("AT+CGATT=0", ok)
		h.must(`AT+QMTOPEN=0,"127.0.0.1",8883`, ok)
		if got := h.urc("+QMTOPEN:"); got != "+QMTOPEN: 0,3" {
			t.Fatalf("got %q", got)
		}
	})
}

// A paho call that does not return (a publish handed to a client whose
// connection went away meanwhile waits up to paho's 30 s write timeout)
// does not hold the modem when its line closes: Serve returns, and the
// call is left to end on its own.
func TestStopDoesNotWaitForAStuckClientCall(t *testing.T) {
	h := newHarness(t, Options{})
	started, stuck := make(chan struct{}), make(chan struct{})
	defer close(stuck)
	h.m.post(func() {
		h.m.mqttRequest(&mqttLink{}, func(paho.Client) paho.Token {
			close(started)
			<-stuck
			return failedToken{}
		}, func(paho.Token, bool) string { return "+QMTPUB: 0,0,2" })
	})
	<-started
	h.stop() // fails the test if Serve has not returned within testTimeout
}

// failedToken is a paho.Token already completed with an error.
type failedToken struct{}

func (failedToken) Wait() bool                     { return true }
func (failedToken) WaitTimeout(time.Duration) bool { return true }
func (failedToken) Done() <-chan struct{}          { return closedChan }
func (failedToken) Error() error                   { return errors.New("connection lost") }

var closedChan = func() chan struct{} { c := make(chan struct{}); close(c); return c }()
