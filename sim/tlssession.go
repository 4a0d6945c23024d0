package sim

import (
	"context"
	"crypto/sha256"
	"crypto/tls"
	"encoding/hex"
	"io"
	"net"
	"time"

	"github.com/atrun/atrun/sim/broker"
)

// sessionCacheSize bounds the TLS sessions one cache keeps: one per server
// a modem (or a fleet) talks to, with room to spare.
const sessionCacheSize = 64

// newSessionCache is the TLS session cache of one modem, or of a fleet
// (StartFleet gives every member the same one).
//
// With it a modem's second connection to a server, and in a fleet every
// member's connection after the first, resumes the session (the short TLS
// 1.2 handshake: no key exchange and no signature on either side, about a
// third of the CPU of a full one) instead of negotiating a new one. It
// stays real TLS to a real server, and the modem still checks the server:
// VerifyConnection runs on a resumed connection too, against the CA this
// modem uploaded, so a modem that does not trust the broker still fails.
func newSessionCache() tls.ClientSessionCache {
	return tls.NewLRUClientSessionCache(sessionCacheSize)
}

// clientSessions is the cache a connection with cfg uses: the shared one
// as it is without a client certificate; with one, the sessions made with
// that certificate only, so that a fleet member never resumes, and so
// presents itself to the broker as, another member's identity.
func clientSessions(shared tls.ClientSessionCache, cfg *tls.Config) tls.ClientSessionCache {
	if shared == nil || len(cfg.Certificates) == 0 || len(cfg.Certificates[0].Certificate) == 0 {
		return shared
	}
	sum := sha256.Sum256(cfg.Certificates[0].Certificate[0])
	return prefixedCache{shared, hex.EncodeToString(sum[:8]) + "|"}
}

// prefixedCache is a view of a session cache whose keys start with prefix.
type prefixedCache struct {
	tls.ClientSessionCache
	prefix string
}

func (c prefixedCache) Get(key string) (*tls.ClientSessionState, bool) {
	return c.ClientSessionCache.Get(c.prefix + key)
}

func (c prefixedCache) Put(key string, cs *tls.ClientSessionState) {
	c.ClientSessionCache.Put(c.prefix+key, cs)
}

// seedWait bounds the handshake that seeds a fleet's session cache.
const seedWait = 5 * time.Second

// seedSessions puts a session with the fleet's embedded broker into cache,
// in the background, while the members boot. A fleet's modems reach
// AT+QMTOPEN at about the same moment, before any of them has a session
// to share; with the seed each resumes it instead of making a full
// handshake of its own (the members of a 32-modem fleet spent about 0.4 ms
// of CPU each on theirs). The seeding connection makes no MQTT session:
// it closes after the handshake, before any CONNECT, so the broker's
// event log does not show it. Nothing is trusted on its word: each modem
// checks the session's certificate against its own CA when it resumes.
// An external broker is left alone. done is closed when the seeding is
// over; cancel cuts it short.
func seedSessions(ctx context.Context, s *Sim, cache tls.ClientSessionCache) (done <-chan struct{}, cancel func()) {
	over := make(chan struct{})
	if _, ok := s.Broker.(*broker.Embedded); !ok || cache == nil {
		close(over)
		return over, func() {}
	}
	ctx, cancel = context.WithTimeout(ctx, seedWait)
	go func() {
		defer close(over)
		raw, err := (&net.Dialer{}).DialContext(ctx, "tcp", s.BrokerAddr)
		if err != nil {
			return
		}
		defer raw.Close()
		// What a modem offers with sslversion 4 (the EC20 tops out at
		// TLS 1.2, and a TLS 1.3 session would not serve it); the
		// verification is each resuming modem's (VerifyConnection).
		tc := tls.Client(raw, &tls.Config{MinVersion: tls.VersionTLS12, MaxVersion: tls.VersionTLS12,
			InsecureSkipVerify: true, ClientSessionCache: cache})
		if tc.HandshakeContext(ctx) != nil {
			return
		}
		// Ended as a modem ends a link, and waited for until the broker
		// has dropped it: mochi-mqtt v2.7.9 races with itself when it is
		// closed while it still sets up a connection (seen under -race
		// when a fleet closed just after booting).
		if tc.CloseWrite() == nil {
			stop := context.AfterFunc(ctx, func() { raw.Close() }) // cancel or seedWait
			_, _ = io.Copy(io.Discard, tc)
			stop()
		}
	}()
	return over, cancel
}
