package broker

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"strings"
	"sync"
	"time"

	paho "github.com/eclipse/paho.mqtt.golang"
)

// External names a broker run elsewhere (mosquitto, a cloud broker).
type External struct {
	URL      string // mqtts://host:port (also ssl://, tls://)
	CAFile   string // CA certificate (PEM) that signed the broker's
	Username string
	Password string
}

// Remote is a connection to an external broker, used to watch what the
// modem publishes and to publish downlinks.
type Remote struct {
	ext  External
	addr string
	cli  paho.Client

	mu   sync.Mutex
	subs map[string][]*Subscription
}

var _ Broker = (*Remote)(nil)

// Connect connects to an external broker over TLS with its CA file.
func Connect(ctx context.Context, ext External) (*Remote, error) {
	addr, err := hostPort(ext.URL)
	if err != nil {
		return nil, err
	}
	pemBytes, err := os.ReadFile(ext.CAFile)
	if err != nil {
		return nil, fmt.Errorf("broker CA file: %w", err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pemBytes) {
		return nil, fmt.Errorf("broker CA file %s holds no certificate", ext.CAFile)
	}
	r := &Remote{ext: ext, addr: addr, subs: map[string][]*Subscription{}}
	opts := paho.NewClientOptions().AddBroker("tls://" + addr).
		SetClientID("atrun-observer-" + randomSecret()).
		SetUsername(ext.Username).SetPassword(ext.Password).
		SetTLSConfig(&tls.Config{RootCAs: pool}).
		SetAutoReconnect(false).SetProtocolVersion(4).
		SetDefaultPublishHandler(r.route)
	r.cli = paho.NewClient(opts)
	if err := wait(ctx, r.cli.Connect()); err != nil {
		return nil, fmt.Errorf("connect to %s: %w", ext.URL, err)
	}
	return r, nil
}

// hostPort takes host:port out of an mqtts:// URL.
func hostPort(raw string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return "", fmt.Errorf("broker URL %q: want mqtts://host:port", raw)
	}
	switch strings.ToLower(u.Scheme) {
	case "mqtts", "ssl", "tls", "tcps", "mqtt+ssl":
	default:
		return "", fmt.Errorf("broker URL %q: only TLS schemes (mqtts://) are supported", raw)
	}
	if u.Port() == "" {
		return net.JoinHostPort(u.Hostname(), "8883"), nil
	}
	return u.Host, nil
}

// wait waits for a paho token or ctx's end.
func wait(ctx context.Context, tok paho.Token) error {
	select {
	case <-tok.Done():
		return tok.Error()
	case <-ctx.Done():
		return ctx.Err()
	}
}

// route hands an incoming message to every subscription whose filter
// matches its topic.
func (r *Remote) route(_ paho.Client, msg paho.Message) {
	m := Message{Topic: msg.Topic(), Payload: msg.Payload(), QoS: msg.Qos(), Retain: msg.Retained()}
	r.mu.Lock()
	defer r.mu.Unlock()
	for filter, subs := range r.subs {
		if matches(filter, m.Topic) {
			for _, s := range subs {
				s.deliver(m)
			}
		}
	}
}

// matches applies MQTT topic filter rules (+ and #).
func matches(filter, topic string) bool {
	f, t := strings.Split(filter, "/"), strings.Split(topic, "/")
	for i, part := range f {
		switch {
		case part == "#":
			return true
		case i >= len(t):
			return false
		case part != "+" && part != t[i]:
			return false
		}
	}
	return len(f) == len(t)
}

// Addr returns host:port.
func (r *Remote) Addr() string { return r.addr }

// URL returns the broker URL as given.
func (r *Remote) URL() string { return r.ext.URL }

// CAFile returns the CA file as given.
func (r *Remote) CAFile() string { return r.ext.CAFile }

// Username returns the user name as given.
func (r *Remote) Username() string { return r.ext.Username }

// Password returns the password as given.
func (r *Remote) Password() string { return r.ext.Password }

// Subscribe subscribes the observer to filter (QoS 1).
func (r *Remote) Subscribe(ctx context.Context, filter string) (*Subscription, error) {
	s := newSubscription()
	r.mu.Lock()
	first := len(r.subs[filter]) == 0
	r.subs[filter] = append(r.subs[filter], s)
	r.mu.Unlock()
	s.cancel = func() { r.drop(filter, s) }
	if first {
		if err := wait(ctx, r.cli.Subscribe(filter, 1, nil)); err != nil {
			s.Close()
			return nil, err
		}
	}
	return s, nil
}

// drop forgets a closed subscription, unsubscribing when it was the last
// one on its filter.
func (r *Remote) drop(filter string, s *Subscription) {
	r.mu.Lock()
	list := r.subs[filter]
	for i, x := range list {
		if x == s {
			list = append(list[:i], list[i+1:]...)
			break
		}
	}
	r.subs[filter] = list
	last := len(list) == 0
	if last {
		delete(r.subs, filter)
	}
	r.mu.Unlock()
	if last && r.cli.IsConnected() {
		r.cli.Unsubscribe(filter).WaitTimeout(time.Second)
	}
}

// Publish publishes through the observer connection.
func (r *Remote) Publish(ctx context.Context, topic string, payload []byte, qos byte, retain bool) error {
	if !r.cli.IsConnected() {
		return errors.New("broker: observer not connected")
	}
	return wait(ctx, r.cli.Publish(topic, qos, retain, payload))
}

// Close disconnects the observer.
func (r *Remote) Close() error {
	r.cli.Disconnect(250)
	return nil
}
