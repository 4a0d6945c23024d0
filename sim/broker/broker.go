// Package broker is the MQTT side of the simulator: an embedded TLS broker
// (mochi-mqtt) with certificates made at start and a checked user name and
// password, or a client for an external broker, behind one interface that
// lets a caller see what the modem published and publish a downlink to it.
//
//	b, err := broker.Start(broker.Options{Dir: dir})
//	defer b.Close()
//	sub, _ := b.Subscribe(ctx, "modem/up")      // what the modem publishes
//	_ = b.Publish(ctx, "modem/down", []byte("hi"), 1, false)
//
// b.CAFile() is the CA certificate a modem uploads (AT+QFUPL) as its trust
// root; b.Addr(), b.Username() and b.Password() go into AT+QMTOPEN and
// AT+QMTCONN.
package broker

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"sync"

	mqtt "github.com/mochi-mqtt/server/v2"
	"github.com/mochi-mqtt/server/v2/hooks/auth"
	"github.com/mochi-mqtt/server/v2/packets"
)

// Broker is what the simulator needs from a broker, embedded or external.
type Broker interface {
	// Addr is host:port for AT+QMTOPEN.
	Addr() string
	// URL is mqtts://host:port.
	URL() string
	// CAFile is the path of the CA certificate (PEM) to trust.
	CAFile() string
	Username() string
	Password() string
	// Subscribe shows the messages published on a topic filter.
	Subscribe(ctx context.Context, filter string) (*Subscription, error)
	// Publish sends a message, e.g. a downlink to the modem's topic.
	Publish(ctx context.Context, topic string, payload []byte, qos byte, retain bool) error
	Close() error
}

// Options configure the embedded broker.
type Options struct {
	// Addr to listen on; default 127.0.0.1:0 (a free port).
	Addr string
	// Dir receives ca.pem; default a temporary directory removed by Close.
	Dir string
	// Username and Password the broker accepts; defaults "modem" and a
	// random password.
	Username, Password string
	// RequireClientCert makes the TLS listener demand a client certificate
	// signed by the CA (see CA().IssueClient).
	RequireClientCert bool
	// Events, if set, is told of each client that connects, disconnects,
	// subscribes or unsubscribes, one line each. It must not block.
	Events func(event string)
}

// CAFileName is the name of the CA file in Options.Dir.
const CAFileName = "ca.pem"

// Embedded is a mochi-mqtt broker with one TLS listener.
type Embedded struct {
	srv    *mqtt.Server
	addr   string
	ca     *CA
	caFile string
	user   string
	pass   string
	tmpDir string

	listener *tlsListener

	mu     sync.Mutex
	nextID int
	closed bool
}

var _ Broker = (*Embedded)(nil)

// Start generates the CA and server certificate, writes the CA file and
// starts listening. The broker logs nothing.
func Start(opts Options) (*Embedded, error) {
	b := &Embedded{user: opts.Username, pass: opts.Password}
	if err := b.prepare(opts); err != nil {
		return nil, err
	}
	tlsCfg, err := b.tlsConfig(opts.RequireClientCert)
	if err != nil {
		b.removeTemp()
		return nil, err
	}
	if err := b.serve(opts.Addr, tlsCfg, opts.Events); err != nil {
		b.removeTemp()
		return nil, err
	}
	return b, nil
}

// prepare fills defaults, makes the CA and writes the CA file.
func (b *Embedded) prepare(opts Options) error {
	if b.user == "" {
		b.user = "modem"
	}
	if b.pass == "" {
		b.pass = randomSecret()
	}
	dir := opts.Dir
	if dir == "" {
		tmp, err := os.MkdirTemp("", "atrun-broker-")
		if err != nil {
			return err
		}
		dir, b.tmpDir = tmp, tmp
	}
	ca, err := NewCA("atrun simulator CA")
	if err != nil {
		b.removeTemp()
		return err
	}
	b.ca, b.caFile = ca, filepath.Join(dir, CAFileName)
	if err := os.WriteFile(b.caFile, ca.CertPEM(), 0o644); err != nil {
		b.removeTemp()
		return fmt.Errorf("write CA file: %w", err)
	}
	return nil
}

// tlsConfig issues the server certificate (localhost, 127.0.0.1, ::1).
func (b *Embedded) tlsConfig(requireClient bool) (*tls.Config, error) {
	leaf, err := b.ca.IssueServer("localhost", "127.0.0.1", "::1")
	if err != nil {
		return nil, err
	}
	cert, err := leaf.TLS()
	if err != nil {
		return nil, err
	}
	// TLS 1.2 is the most the EC20 speaks, so the broker must offer it.
	cfg := &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	if requireClient {
		cfg.ClientAuth = tls.RequireAndVerifyClientCert
		cfg.ClientCAs = b.ca.Pool()
	}
	return cfg, nil
}

// serve builds the mochi server with its hooks and TLS listener.
func (b *Embedded) serve(addr string, tlsCfg *tls.Config, events func(string)) error {
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	// Each client gets a channel of MaximumClientWritesPending pointers
	// for its outgoing packets: mochi's default (8192) is 64 KiB per
	// client, made and zeroed at every connection. A modem's session has
	// a handful in flight; 1024 still queues any downlink burst the tests
	// and labs send.
	caps := mqtt.NewDefaultServerCapabilities()
	caps.MaximumClientWritesPending = 1024
	srv := mqtt.New(&mqtt.Options{
		InlineClient: true,
		Capabilities: caps,
		Logger:       slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	users := map[string]string{b.user: b.pass}
	if err := srv.AddHook(&credentialCheck{srv: srv, users: users}, nil); err != nil {
		return err
	}
	ledger := &auth.Ledger{Users: auth.Users{b.user: {Username: auth.RString(b.user), Password: auth.RString(b.pass)}}}
	if err := srv.AddHook(new(auth.Hook), &auth.Options{Ledger: ledger}); err != nil {
		return err
	}
	if events != nil {
		if err := srv.AddHook(&eventLog{events: events}, nil); err != nil {
			return err
		}
	}
	l := newTLSListener("tls", addr, tlsCfg)
	if err := srv.AddListener(l); err != nil {
		return fmt.Errorf("listen on %s: %w", addr, err)
	}
	if err := srv.Serve(); err != nil {
		srv.Close()
		return err
	}
	b.srv, b.addr, b.listener = srv, l.Address(), l
	return nil
}

func randomSecret() string {
	buf := make([]byte, 8)
	_, _ = rand.Read(buf)
	return hex.EncodeToString(buf)
}

// Addr returns the listener's host:port.
func (b *Embedded) Addr() string { return b.addr }

// URL returns mqtts://host:port.
func (b *Embedded) URL() string { return "mqtts://" + b.addr }

// Port returns the listener's port.
func (b *Embedded) Port() int {
	_, p, _ := net.SplitHostPort(b.addr)
	var n int
	fmt.Sscan(p, &n)
	return n
}

// CAFile returns the path of the CA certificate.
func (b *Embedded) CAFile() string { return b.caFile }

// CA returns the broker's CA, e.g. to issue a client certificate.
func (b *Embedded) CA() *CA { return b.ca }

// Username returns the accepted user name.
func (b *Embedded) Username() string { return b.user }

// Password returns the accepted password.
func (b *Embedded) Password() string { return b.pass }

// Subscribe shows every message published on filter from now on.
func (b *Embedded) Subscribe(_ context.Context, filter string) (*Subscription, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return nil, errClosed
	}
	b.nextID++
	id := b.nextID
	s := newSubscription()
	err := b.srv.Subscribe(filter, id, func(_ *mqtt.Client, _ packets.Subscription, pk packets.Packet) {
		s.deliver(Message{Topic: pk.TopicName, Payload: append([]byte(nil), pk.Payload...),
			QoS: pk.FixedHeader.Qos, Retain: pk.FixedHeader.Retain})
	})
	if err != nil {
		return nil, err
	}
	s.cancel = func() { _ = b.srv.Unsubscribe(filter, id) }
	return s, nil
}

// Publish injects a message as if a client had published it.
func (b *Embedded) Publish(_ context.Context, topic string, payload []byte, qos byte, retain bool) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return errClosed
	}
	return b.srv.Publish(topic, payload, retain, qos)
}

var errClosed = errors.New("broker: closed")

// Close stops the broker and removes its temporary directory.
func (b *Embedded) Close() error {
	b.mu.Lock()
	if b.closed {
		b.mu.Unlock()
		return nil
	}
	b.closed = true
	b.mu.Unlock()
	// mochi-mqtt v2.7.9's Server.Close can deadlock: its sweep of a
	// listener's clients (Clients.GetByListener) takes the clients' read
	// lock twice, and a client ending its session at that moment queues
	// a write lock in between, which blocks the second read lock for good.
	// So the listener is closed first with no sweep: it closes every
	// connection itself and waits for mochi to be done with each
	// (listener.go), and Server.Close then skips its own sweep, the
	// listener being closed already. What is left are sessions mochi
	// keeps after their connection (clean session off), disconnected from
	// a copy of the map, taken under one lock.
	b.listener.Close(func(string) {})
	for _, cl := range b.srv.Clients.GetAll() {
		if !cl.Net.Inline {
			_ = b.srv.DisconnectClient(cl, packets.ErrServerShuttingDown)
		}
	}
	err := b.srv.Close()
	b.removeTemp()
	return err
}

func (b *Embedded) removeTemp() {
	if b.tmpDir != "" {
		os.RemoveAll(b.tmpDir)
	}
}
