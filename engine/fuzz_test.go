package engine

import (
	"context"
	"errors"
	"testing"
	"time"
)

// FuzzRoute feeds arbitrary modem output, split anywhere, into a Conn with
// a command pending, then the command's OK. Whatever came before, the
// router must not panic, and the command must end (with the OK, or with an
// error result the noise held), never hang until its timeout.
func FuzzRoute(f *testing.F) {
	for _, s := range []string{
		"", "\r\n+QMTRECV: 0,1,\"t\",2,\"ab\"\r\n", "AT+CSQ\r\r\n+CSQ: 1,2\r\n", "\r\n> ",
		"\r\nCONNECT\r\n", "SEND OKAT+X\r", "\r\n+CME ERROR: 10\r\n", "RDY\rRDY\n\n\r>>> ",
		"\x00\xff\x1a\x1b", "\r\nPOWERED DOWN",
		"\r\n+QMTRECV: 0,0,\"d\",9,\"hi\r\n> you\"\r\n", "\r\n+QIRD: 4\r\nOK\r\n", "\r\n+CMT: \"+1\",,\"t\"\r\nOK\r\n",
	} {
		f.Add([]byte(s), uint8(1))
	}
	f.Fuzz(func(t *testing.T, noise []byte, cut uint8) {
		if awaitsPayload(noise) {
			t.Skip("the noise announces a payload the OK would belong to")
		}
		host, modem := Pipe()
		c := New(host, Config{QueueSize: 4})
		defer modem.Close()
		defer c.Close()
		go func() {
			buf := make([]byte, 64)
			if _, err := modem.Read(buf); err != nil {
				return
			}
			n := int(cut) % (len(noise) + 1)
			modem.Write(noise[:n])
			modem.Write(noise[n:])
			modem.Write([]byte("\r\nOK\r\n"))
		}()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_, err := c.Send(ctx, "AT+CSQ", Timeout(5*time.Second))
		var te *TimeoutError
		if errors.As(err, &te) || errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("command never ended after %q: %v", noise, err)
		}
	})
}

// awaitsPayload reports whether the modem's OK after noise would not come
// out as a line: the noise announced a payload, a download or a URC's text
// line (perhaps on a last line the OK's own CR LF ends, "+QIRD: 3"), and
// the OK is payload, as it would be on a real modem.
func awaitsPayload(noise []byte) bool {
	var f framer
	f.feed(noise, func(Frame) {})
	ok := false
	f.feed([]byte("\r\nOK\r\n"), func(fr Frame) { ok = ok || fr.Text == "OK" })
	return !ok
}
