package sim

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"time"

	"github.com/atrun/atrun/sim/broker"
)

// sslContext is one AT+QSSLCFG context (0..5).
type sslContext struct {
	cacert, clientcert, clientkey string
	keyPassword                   string
	seclevel                      int // 0 none, 1 verify server, 2 also client cert
	sslversion                    int // 0 SSL3, 1 TLS1.0, 2 TLS1.1, 3 TLS1.2, 4 all
	cipher                        uint16
	ignoreLocalTime               int
	negotiateTime                 int // seconds
	sni                           int
	extra                         map[string]string // sub-commands kept as given
}

const allCiphers = 0xFFFF

// defaultSSL holds the defaults the reference lists for the EC2x family.
func defaultSSL() sslContext {
	return sslContext{sslversion: 4, cipher: allCiphers, ignoreLocalTime: 1, negotiateTime: 300}
}

// supportedCiphers is the EC2x "ciphersuite" list (EG25-G test output).
var supportedCiphers = []uint16{
	0x0035, 0x002F, 0x0005, 0x0004, 0x000A, 0x003D, 0xC002, 0xC003, 0xC004, 0xC005,
	0xC007, 0xC008, 0xC009, 0xC00A, 0xC011, 0xC012, 0xC013, 0xC014, 0xC00C, 0xC00D,
	0xC00E, 0xC00F, 0xC023, 0xC024, 0xC025, 0xC026, 0xC027, 0xC028, 0xC029, 0xC02A,
	0xC02F, 0xC030, allCiphers,
}

// tlsVersions maps "sslversion" to the versions offered. The EC20 tops out
// at TLS 1.2, so "all" does too; SSL 3.0 is not spoken at all here, which
// fails the handshake the way any current server would.
var tlsVersions = map[int][2]uint16{
	1: {tls.VersionTLS10, tls.VersionTLS10},
	2: {tls.VersionTLS11, tls.VersionTLS11},
	3: {tls.VersionTLS12, tls.VersionTLS12},
	4: {tls.VersionTLS10, tls.VersionTLS12},
}

// tlsConfig builds the client side of SSL context id for a connection to
// host, reading certificates from the modem's files now, as the module
// does at AT+QMTOPEN. It also returns the handshake time limit.
func (m *Modem) tlsConfig(id int, host string) (*tls.Config, time.Duration, error) {
	sc := m.st.ssl[id]
	v, ok := tlsVersions[sc.sslversion]
	if !ok {
		return nil, 0, errors.New("SSL 3.0 is not supported")
	}
	cfg := &tls.Config{MinVersion: v[0], MaxVersion: v[1], InsecureSkipVerify: true}
	if sc.cipher != allCiphers {
		cfg.CipherSuites = []uint16{sc.cipher}
	}
	if sc.sni == 1 && net.ParseIP(host) == nil {
		cfg.ServerName = host
	}
	if err := m.addVerification(cfg, sc, host); err != nil {
		return nil, 0, err
	}
	cfg.ClientSessionCache = clientSessions(m.opts.tlsSessions, cfg)
	return cfg, time.Duration(sc.negotiateTime) * time.Second, nil
}

// addVerification installs server verification (seclevel 1 and 2, or any
// level under the tls-failure fault) and the client certificate (level 2).
// Verification is done by hand so that the name is checked even when SNI
// is off, as the module does.
func (m *Modem) addVerification(cfg *tls.Config, sc sslContext, host string) error {
	level := sc.seclevel
	roots, err := m.trustRoots(sc.cacert, level)
	if err != nil {
		return err
	}
	if m.faults.TLSFailure {
		level = max(level, 1)
		if roots, err = m.bogusRoots(); err != nil {
			return err
		}
	}
	if level >= 1 {
		cfg.VerifyConnection = verifier(roots, host, sc.ignoreLocalTime == 1, m.clk.Now)
	}
	if level == 2 {
		certPEM, ok1 := m.files.read(sc.clientcert)
		keyPEM, ok2 := m.files.read(sc.clientkey)
		if !ok1 || !ok2 {
			return errors.New("client certificate or key file missing")
		}
		pair, err := tls.X509KeyPair(certPEM, keyPEM)
		if err != nil {
			return fmt.Errorf("client certificate: %w", err)
		}
		cfg.Certificates = []tls.Certificate{pair}
	}
	return nil
}

// trustRoots loads the CA file named by "cacert" when the level needs it.
func (m *Modem) trustRoots(name string, level int) (*x509.CertPool, error) {
	if level == 0 {
		return nil, nil
	}
	pemBytes, ok := m.files.read(name)
	if !ok {
		return nil, fmt.Errorf("CA file %q not found", name)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pemBytes) {
		return nil, fmt.Errorf("CA file %q holds no certificate", name)
	}
	return pool, nil
}

// bogusRoots is a CA that signed nothing any broker uses.
func (m *Modem) bogusRoots() (*x509.CertPool, error) {
	if m.bogusCA == nil {
		ca, err := broker.NewCA("atrun unrelated CA")
		if err != nil {
			return nil, err
		}
		m.bogusCA = ca.CertPEM()
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(m.bogusCA)
	return pool, nil
}

// verifier checks the server's chain against roots and its name against
// host. With ignoreTime the validity dates are not checked (the module's
// clock may be unset), otherwise they are checked against now.
func verifier(roots *x509.CertPool, host string, ignoreTime bool, now func() time.Time) func(tls.ConnectionState) error {
	return func(cs tls.ConnectionState) error {
		if len(cs.PeerCertificates) == 0 {
			return errors.New("server sent no certificate")
		}
		leaf := cs.PeerCertificates[0]
		inter := x509.NewCertPool()
		for _, c := range cs.PeerCertificates[1:] {
			inter.AddCert(c)
		}
		at := now()
		if ignoreTime {
			at = leaf.NotBefore.Add(leaf.NotAfter.Sub(leaf.NotBefore) / 2)
		}
		_, err := leaf.Verify(x509.VerifyOptions{Roots: roots, Intermediates: inter, DNSName: host, CurrentTime: at})
		return err
	}
}
