package engine

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/atrun/atrun/engine/enginetest"
	"github.com/atrun/atrun/engine/tap"
)

// numberingModem answers each AT+CSQ on the pty master with its number as
// the value, a URC before the echo and one after the OK, and reports each
// answer's last byte written.
func numberingModem(t *testing.T, master io.ReadWriter) {
	t.Helper()
	go func() {
		r := bufio.NewReader(master)
		for n := 0; ; n++ {
			line, err := r.ReadString('\r')
			if err != nil {
				return
			}
			reply := fmt.Sprintf("\r\n+QIURC: \"recv\",%d\r\n%s\r\n+CSQ: %d,99\r\n\r\nOK\r\n\r\n+QIURC: \"closed\",%d\r\n", n, line, n, n)
			if _, err := master.Write([]byte(reply)); err != nil {
				return
			}
		}
	}()
}

// TestDirectReadsKeepWireOrder: whether the caller reads its own answer
// or the reader goroutine reads between commands, every answer goes to
// its command and every URC reaches the queue, in the order sent.
func TestDirectReadsKeepWireOrder(t *testing.T) {
	master, path := enginetest.OpenPTY(t)
	numberingModem(t, master)
	port, err := Open(ctxT(t), path, SerialConfig{Baud: 115200})
	if err != nil {
		t.Fatal(err)
	}
	var (
		mu   sync.Mutex
		seen strings.Builder
		more = make(chan struct{}, 1)
	)
	c := New(port, Config{Name: path, QueueSize: 10000, Tap: tap.Func(func(dir tap.Dir, _ time.Time, p []byte) {
		if dir != tap.FromModem {
			return
		}
		mu.Lock()
		seen.Write(p)
		mu.Unlock()
		select {
		case more <- struct{}{}:
		default:
		}
	})})
	defer c.Close()
	ctx := ctxT(t)
	const commands = 300
	for n := range commands {
		resp, err := c.Send(ctx, "AT+CSQ")
		if err != nil {
			t.Fatalf("command %d: %v", n, err)
		}
		if v, _ := resp.Value("+CSQ:"); v != fmt.Sprintf("%d,99", n) {
			t.Fatalf("command %d got %q", n, v)
		}
		if n%10 == 9 {
			// Leave the port to the reader goroutine until it has read
			// the URC that follows this answer.
			want := fmt.Sprintf("+QIURC: \"closed\",%d\r\n", n)
			for {
				mu.Lock()
				got := strings.HasSuffix(seen.String(), want)
				mu.Unlock()
				if got {
					break
				}
				select {
				case <-more:
				case <-ctx.Done():
					t.Fatalf("the reader did not read the URC after command %d", n)
				}
			}
		}
	}
	urcs := c.Queued()
	if len(urcs) < 2*commands-1 {
		t.Fatalf("%d URCs queued, want at least %d", len(urcs), 2*commands-1)
	}
	for i, u := range urcs[:2*commands-1] {
		kind := []string{"recv", "closed"}[i%2]
		if want := fmt.Sprintf("+QIURC: %q,%d", kind, i/2); u.Text != want {
			t.Fatalf("URC %d is %q, want %q", i, u.Text, want)
		}
	}
}

// A caller reading its own answer from a silent modem still ends its wait
// when its context is cancelled, and when the Conn is closed.
func TestDirectReadEnds(t *testing.T) {
	tests := []struct {
		name string
		stop func(cancel context.CancelFunc, c *Conn)
		want func(error) bool
	}{
		{"cancelled", func(cancel context.CancelFunc, _ *Conn) { cancel() }, func(err error) bool {
			var ce *CancelledError
			return errors.As(err, &ce)
		}},
		{"closed", func(_ context.CancelFunc, c *Conn) { c.Close() }, func(err error) bool { return errors.Is(err, ErrClosed) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, m := startPTY(t, step{"AT+CSQ\r", ""})
			ctx, cancel := context.WithCancel(ctxT(t))
			defer cancel()
			errc := make(chan error, 1)
			go func() {
				_, err := c.Send(ctx, "AT+CSQ", Timeout(time.Hour))
				errc <- err
			}()
			m.WaitWrote(t, "AT+CSQ\r")
			tt.stop(cancel, c)
			select {
			case err := <-errc:
				if !tt.want(err) {
					t.Fatalf("err = %v", err)
				}
			case <-time.After(10 * time.Second):
				t.Fatal("the wait did not end")
			}
		})
	}
}
