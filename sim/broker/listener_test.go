package broker

import (
	"crypto/tls"
	"crypto/x509"
	"os"
	"sync"
	"testing"
)

// Many clients connecting at once, some still in their TLS handshake or
// before their CONNECT when the broker closes: what a fleet of virtual
// modems does when a run is cut short. Under -race this caught two data
// races in mochi-mqtt v2.7.9's own TCP listener (its accept loop shares
// one error variable among every connection's goroutine, and a
// connection accepted while the server closes meets its WaitGroup's
// Wait). Every connection must end, and Close must return.
func TestManyConnectionsThenClose(t *testing.T) {
	for round := range 5 {
		b := start(t, Options{Username: "u", Password: "p"})
		pemBytes, err := os.ReadFile(b.CAFile())
		if err != nil {
			t.Fatal(err)
		}
		pool := x509.NewCertPool()
		pool.AppendCertsFromPEM(pemBytes)
		const n = 32
		var connected, done sync.WaitGroup
		connected.Add(n)
		done.Add(n)
		for i := range n {
			go func() {
				defer done.Done()
				c, err := tls.Dial("tcp", b.Addr(), &tls.Config{RootCAs: pool, ServerName: "127.0.0.1"})
				connected.Done()
				if err != nil {
					return // the broker closed first: nothing to end
				}
				defer c.Close()
				if i%2 == 0 {
					// Half send their CONNECT; the others stay silent,
					// as a modem between its handshake and its CONNECT.
					_, _ = c.Write(connectPacket("c"+string(rune('a'+i)), "u", "p"))
				}
				buf := make([]byte, 256)
				for {
					if _, err := c.Read(buf); err != nil {
						return // ended by the broker's close
					}
				}
			}()
		}
		connected.Wait()
		if err := b.Close(); err != nil {
			t.Fatalf("round %d: close: %v", round, err)
		}
		done.Wait()
	}
}

// connectPacket is an MQTT 3.1.1 CONNECT with a user name and password.
func connectPacket(id, user, pass string) []byte {
	str := func(s string) []byte { return append([]byte{byte(len(s) >> 8), byte(len(s))}, s...) }
	var body []byte
	body = append(body, str("MQTT")...)
	body = append(body, 4, 0xC2, 0, 60) // level 4; user, password, clean session; keep alive 60 s
	body = append(body, str(id)...)
	body = append(body, str(user)...)
	body = append(body, str(pass)...)
	return append([]byte{0x10, byte(len(body))}, body...)
}
