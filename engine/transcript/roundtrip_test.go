package transcript

import (
	"bytes"
	"context"
	"errors"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/atrun/atrun/engine/clock"
	"github.com/atrun/atrun/engine/secret"
)

// collector is a reader goroutine that keeps every byte it reads and wakes
// the script once a given number of bytes has arrived.
type collector struct {
	rp     *Replay
	mu     sync.Mutex
	got    []byte
	target int
	waiter *clock.Waiter[struct{}]
	done   chan struct{}
}

func (c *collector) read() {
	defer close(c.done)
	buf := make([]byte, 32)
	for {
		n, err := c.rp.Read(buf)
		if err != nil {
			return
		}
		c.mu.Lock()
		c.got = append(c.got, buf[:n]...)
		if c.waiter != nil && len(c.got) >= c.target {
			c.waiter.Wake(struct{}{})
			c.waiter = nil
		}
		c.mu.Unlock()
	}
}

// waitFor waits until n bytes have arrived in all, or a virtual hour.
func (c *collector) waitFor(n int) bool {
	c.mu.Lock()
	if len(c.got) >= n {
		c.mu.Unlock()
		return true
	}
	w := clock.NewWaiter[struct{}](c.rp.Clock())
	c.waiter, c.target = w, n
	c.mu.Unlock()
	_, r := w.Wait(context.Background(), time.Hour)
	return r == clock.Woken
}

func randomBytes(rng *rand.Rand, n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(rng.IntN(256))
	}
	return b
}

// pieces cuts s at random places.
func pieces(rng *rand.Rand, s []byte) [][]byte {
	var out [][]byte
	for len(s) > 0 {
		n := 1 + rng.IntN(len(s))
		out, s = append(out, s[:n]), s[n:]
	}
	return out
}

// Random sessions, with every byte value, echoed passwords and random
// chunking on both sides, replay byte for byte what was recorded.
func TestRecordReplayRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for round := 0; round < 60; round++ {
		var session []io1
		var writes, replies [][]byte
		at := time.Duration(0)
		for k := 0; k < 1+rng.IntN(6); k++ {
			write := randomBytes(rng, 1+rng.IntN(40))
			reply := randomBytes(rng, 1+rng.IntN(60))
			if rng.IntN(3) == 0 {
				pw := bytes.ToLower(bytes.Map(func(r rune) rune { return 'a' + r%26 }, randomBytes(rng, 8+rng.IntN(9))))
				write = []byte(`AT+QMTCONN=0,"c","u","` + string(pw) + `"` + "\r")
				reply = append(append([]byte(nil), write...), "\r\nOK\r\n"...)
			}
			writes, replies = append(writes, write), append(replies, reply)
			session = append(session, w(at, string(write)))
			for _, p := range pieces(rng, reply) {
				at += time.Duration(rng.IntN(3000)) * ms
				session = append(session, m(at, string(p)))
			}
			at += time.Duration(rng.IntN(100)) * ms
		}
		var recSecrets secret.Set
		file := record(t, Header{}, &recSecrets, session, true)
		tr, err := Parse(file, "random.atr")
		if err != nil {
			t.Fatalf("round %d: %v\n%s", round, err, file)
		}

		var xfers []xfer
		var want []byte
		for i := range writes {
			want = append(want, replies[i]...)
			xfers = append(xfers, xfer{pieces(rng, writes[i]), len(want)})
		}
		got, err := replayBytes(t, tr, Options{Chunk: 1 + rng.IntN(8)}, xfers)
		if err != nil {
			t.Fatalf("round %d: %v\ngot  %q\nwant %q\n%s", round, err, got, want, file)
		}
		if !bytes.Equal(got, want) {
			t.Fatalf("round %d: modem bytes\n%q\nwant\n%q", round, got, want)
		}
	}
}

// xfer is a script's move: write these pieces, then wait until the modem
// has sent until bytes in all.
type xfer struct {
	write [][]byte
	until int
}

// replayBytes runs a script of xfers against tr and returns every modem
// byte the reader got, and the script's or Finish's error.
func replayBytes(t testing.TB, tr *Transcript, opts Options, xfers []xfer) ([]byte, error) {
	t.Helper()
	rp := NewReplay(tr, opts)
	c := &collector{rp: rp, done: make(chan struct{})}
	clk := rp.Clock()
	clk.Busy() // the script, before the reader can block
	go c.read()
	var scriptErr error
	done := make(chan struct{})
	go func() {
		defer close(done)
		scriptErr = playXfers(rp, c, xfers)
		if err := rp.Finish(); scriptErr == nil {
			scriptErr = err
		}
		clk.Idle()
	}()
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		t.Fatal("replay hung")
	}
	rp.Close()
	<-c.done
	return c.got, scriptErr
}

func playXfers(rp *Replay, c *collector, xfers []xfer) error {
	for _, x := range xfers {
		for _, p := range x.write {
			if _, err := rp.Write(p); err != nil {
				return err
			}
		}
		if !c.waitFor(x.until) {
			return errors.New("the modem's reply never came")
		}
	}
	return nil
}
