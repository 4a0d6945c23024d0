package sim

import (
	"crypto/sha256"
	"crypto/tls"
	"encoding/hex"
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
