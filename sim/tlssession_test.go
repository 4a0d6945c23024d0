package sim

import (
	"context"
	"crypto/tls"
	"os"
	"syscall"
	"testing"
	"time"

	"github.com/atrun/atrun/sim/broker"
)

// tlsModem is a modem of a fleet whose TLS sessions go to shared, with
// SSL context 2 set up as ec20_mqtts sets it: the CA uploaded to RAM and,
// with a client certificate, seclevel 2.
func tlsModem(t *testing.T, shared tls.ClientSessionCache, caPEM []byte, client *broker.Leaf) *Modem {
	t.Helper()
	m := NewModem(Options{tlsSessions: shared})
	m.files.ram.files["ca.pem"] = caPEM
	sc := defaultSSL()
	sc.cacert, sc.seclevel = "RAM:ca.pem", 1
	if client != nil {
		m.files.ram.files["c.pem"], m.files.ram.files["c.key"] = client.CertPEM, client.KeyPEM
		sc.clientcert, sc.clientkey, sc.seclevel = "RAM:c.pem", "RAM:c.key", 2
	}
	m.st.ssl[2] = sc
	return m
}

// open makes the TLS connection AT+QMTOPEN would make to addr and reports
// whether the handshake succeeded and whether it resumed a session.
func open(t *testing.T, m *Modem, addr string) (ok, resumed bool) {
	t.Helper()
	cfg, hs, err := m.tlsConfig(2, "127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	raw, conn, code := dialLink(ctx, m.opts.Dial, addr, cfg, hs)
	if code != 0 {
		return false, false
	}
	defer raw.Close()
	return true, conn.(*tls.Conn).ConnectionState().DidResume
}

// A fleet's members resume one another's TLS session with the broker (the
// short handshake), yet each still checks the broker against the CA it
// uploaded: a member that trusts another CA fails, session or not.
func TestFleetResumesTLSSessions(t *testing.T) {
	b, err := broker.Start(broker.Options{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	shared := newSessionCache()
	first := tlsModem(t, shared, b.CA().CertPEM(), nil)
	if ok, resumed := open(t, first, b.Addr()); !ok || resumed {
		t.Fatalf("first connection: ok %v, resumed %v; want a full handshake", ok, resumed)
	}
	second := tlsModem(t, shared, b.CA().CertPEM(), nil)
	if ok, resumed := open(t, second, b.Addr()); !ok || !resumed {
		t.Fatalf("second member: ok %v, resumed %v; want the session resumed", ok, resumed)
	}
	other, err := broker.NewCA("a CA that signed nothing here")
	if err != nil {
		t.Fatal(err)
	}
	doubter := tlsModem(t, shared, other.CertPEM(), nil)
	if ok, _ := open(t, doubter, b.Addr()); ok {
		t.Fatal("a member that does not trust the broker's CA got through on a resumed session")
	}
	alone := tlsModem(t, newSessionCache(), b.CA().CertPEM(), nil)
	if ok, resumed := open(t, alone, b.Addr()); !ok || resumed {
		t.Fatalf("a modem outside the fleet: ok %v, resumed %v; want a full handshake", ok, resumed)
	}
}

// With client certificates each member keeps its own identity: it never
// resumes a session another member's certificate made, which would show
// the broker that other certificate.
func TestTLSSessionsKeepClientIdentity(t *testing.T) {
	b, err := broker.Start(broker.Options{Dir: t.TempDir(), RequireClientCert: true})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	shared := newSessionCache()
	var certs []broker.Leaf
	for _, cn := range []string{"modem-1", "modem-2"} {
		leaf, err := b.CA().IssueClient(cn)
		if err != nil {
			t.Fatal(err)
		}
		certs = append(certs, leaf)
	}
	one := tlsModem(t, shared, b.CA().CertPEM(), &certs[0])
	if ok, resumed := open(t, one, b.Addr()); !ok || resumed {
		t.Fatalf("modem-1: ok %v, resumed %v; want a full handshake", ok, resumed)
	}
	two := tlsModem(t, shared, b.CA().CertPEM(), &certs[1])
	if ok, resumed := open(t, two, b.Addr()); !ok || resumed {
		t.Fatalf("modem-2: ok %v, resumed %v; want its own full handshake", ok, resumed)
	}
	if ok, resumed := open(t, one, b.Addr()); !ok || !resumed {
		t.Fatalf("modem-1 again: ok %v, resumed %v; want its own session resumed", ok, resumed)
	}
}

// A fleet holds a session with its broker before its members connect, so
// that even the first of them to reach AT+QMTOPEN resumes it: they all
// connect at about the same moment.
func TestFleetSeedsTLSSession(t *testing.T) {
	f, err := StartFleet(context.Background(), 2, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	<-f.seeded
	s := f.Sims[1]
	caPEM, err := os.ReadFile(s.CAFile)
	if err != nil {
		t.Fatal(err)
	}
	m := tlsModem(t, s.Modem.opts.tlsSessions, caPEM, nil)
	if ok, resumed := open(t, m, s.BrokerAddr); !ok || !resumed {
		t.Fatalf("a member's first connection: ok %v, resumed %v; want the seeded session resumed", ok, resumed)
	}
}

// BenchmarkTLSOpen is one modem's TLS connection to the embedded broker,
// as AT+QMTOPEN makes it (TCP connect, handshake, the modem's check of the
// server against its CA, close): a full handshake, and one that resumes
// a session of the fleet's cache. cpu-us/op is the process's CPU (user +
// system), both ends included.
func BenchmarkTLSOpen(b *testing.B) {
	br, err := broker.Start(broker.Options{Dir: b.TempDir()})
	if err != nil {
		b.Fatal(err)
	}
	defer br.Close()
	for _, resume := range []bool{false, true} {
		name := map[bool]string{false: "full", true: "resumed"}[resume]
		b.Run(name, func(b *testing.B) {
			t := &testing.T{}
			m := tlsModem(t, newSessionCache(), br.CA().CertPEM(), nil)
			if resume {
				open(t, m, br.Addr())
			} else {
				m.opts.tlsSessions = nil
			}
			var r0, r1 syscall.Rusage
			_ = syscall.Getrusage(syscall.RUSAGE_SELF, &r0)
			n := 0
			for b.Loop() {
				n++
				if ok, resumed := open(t, m, br.Addr()); !ok || resumed != resume {
					b.Fatalf("ok %v, resumed %v", ok, resumed)
				}
			}
			_ = syscall.Getrusage(syscall.RUSAGE_SELF, &r1)
			cpu := r1.Utime.Nano() + r1.Stime.Nano() - r0.Utime.Nano() - r0.Stime.Nano()
			b.ReportMetric(float64(cpu)/1e3/float64(n), "cpu-us/op")
		})
	}
}
