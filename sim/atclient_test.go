package sim_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"go.bug.st/serial"
)

// atClient is a small AT host written for these tests, independent of the
// engine: it opens the device with go.bug.st/serial, splits what arrives on
// CR and LF, spots the "> " prompt (which has no line end), and keeps
// unsolicited lines in a queue.
type atClient struct {
	tb     testing.TB
	port   serial.Port
	frames chan string // lines, or promptFrame
	errc   chan error
	urcs   []string
	wg     sync.WaitGroup
	stop   chan struct{}
}

const promptFrame = "\x00prompt"

// urcPrefixes are lines that are unsolicited unless a read command asks
// for them.
var urcPrefixes = []string{"RDY", "POWERED DOWN", "+CFUN:", "+CPIN:", "+QUSIM:", "+QIND:",
	"+CREG:", "+CGREG:", "+CEREG:", "+QMTOPEN:", "+QMTCONN:", "+QMTSUB:", "+QMTUNS:",
	"+QMTPUB:", "+QMTPUBEX:", "+QMTRECV:", "+QMTSTAT:", "+QMTDISC:", "+QMTCLOSE:"}

func dialAT(tb testing.TB, device string) *atClient {
	tb.Helper()
	port, err := serial.Open(device, &serial.Mode{BaudRate: 115200})
	if err != nil {
		tb.Fatalf("open %s: %v", device, err)
	}
	if err := port.SetReadTimeout(50 * time.Millisecond); err != nil {
		tb.Fatal(err)
	}
	c := &atClient{tb: tb, port: port, frames: make(chan string, 1024), errc: make(chan error, 1), stop: make(chan struct{})}
	c.wg.Add(1)
	go c.readLoop()
	return c
}

// readLoop turns bytes into frames. A read that times out returns (0, nil)
// on this library, so the loop also checks for Close.
func (c *atClient) readLoop() {
	defer c.wg.Done()
	var partial []byte
	buf := make([]byte, 1024)
	for {
		n, err := c.port.Read(buf)
		if err != nil {
			select {
			case <-c.stop:
			default:
				c.errc <- err
			}
			return
		}
		partial = c.split(append(partial, buf[:n]...))
		select {
		case <-c.stop:
			return
		default:
		}
	}
}

// split emits complete lines and a trailing prompt; it returns the rest.
func (c *atClient) split(b []byte) []byte {
	for {
		i := bytes.IndexAny(b, "\r\n")
		if i < 0 {
			break
		}
		if line := string(b[:i]); line != "" {
			c.frames <- line
		}
		b = b[i+1:]
	}
	if s := string(b); s == "> " || s == ">" {
		c.frames <- promptFrame
		return nil
	}
	return b
}

// close closes the port and waits for the reader.
func (c *atClient) close() {
	close(c.stop)
	c.port.Close()
	c.wg.Wait()
}

func (c *atClient) write(s string) {
	c.tb.Helper()
	if _, err := c.port.Write([]byte(s)); err != nil {
		c.tb.Fatalf("write: %v", err)
	}
}

// next returns the next frame or fails at the deadline.
func (c *atClient) next(ctx context.Context) (string, error) {
	select {
	case f := <-c.frames:
		return f, nil
	case err := <-c.errc:
		return "", err
	case <-ctx.Done():
		return "", ctx.Err()
	}
}

func isFinal(s string) bool {
	return s == "OK" || s == "ERROR" || s == "CONNECT" || strings.HasPrefix(s, "+CME ERROR:")
}

func isURC(s string) bool {
	for _, p := range urcPrefixes {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

// cmd sends a command line and returns its information lines and final
// result. The echo, if on, is skipped; URCs go to the queue.
func (c *atClient) cmd(ctx context.Context, line string) ([]string, string) {
	c.tb.Helper()
	c.write(line + "\r")
	return c.collect(ctx, line)
}

// collect reads the answer to line up to its final result.
func (c *atClient) collect(ctx context.Context, line string) ([]string, string) {
	c.tb.Helper()
	readPrefix := ""
	if strings.HasSuffix(line, "?") {
		readPrefix = strings.TrimSuffix(strings.TrimPrefix(line, "AT"), "?") + ":"
	}
	var info []string
	for {
		f, err := c.next(ctx)
		if err != nil {
			c.tb.Fatalf("%s: %v (info so far %q)", line, err, info)
		}
		switch {
		case f == line:
			// echo
		case isFinal(f):
			return info, f
		case isURC(f) && (readPrefix == "" || !strings.HasPrefix(f, readPrefix)):
			c.urcs = append(c.urcs, f)
		default:
			info = append(info, f)
		}
	}
}

// ok runs a command that must answer OK.
func (c *atClient) ok(ctx context.Context, line string) []string {
	c.tb.Helper()
	info, final := c.cmd(ctx, line)
	if final != "OK" {
		c.tb.Fatalf("%s: %s", line, final)
	}
	return info
}

// waitURC returns the first queued or arriving URC with prefix.
func (c *atClient) waitURC(ctx context.Context, prefix string) string {
	c.tb.Helper()
	for {
		for i, u := range c.urcs {
			if strings.HasPrefix(u, prefix) {
				c.urcs = append(c.urcs[:i], c.urcs[i+1:]...)
				return u
			}
		}
		f, err := c.next(ctx)
		if err != nil {
			c.tb.Fatalf("waiting for %s: %v (queued %q)", prefix, err, c.urcs)
		}
		c.urcs = append(c.urcs, f)
	}
}

// prompt sends a command and waits for "> ".
func (c *atClient) prompt(ctx context.Context, line string) {
	c.tb.Helper()
	c.write(line + "\r")
	for {
		f, err := c.next(ctx)
		if err != nil {
			c.tb.Fatalf("%s: no prompt: %v", line, err)
		}
		switch {
		case f == promptFrame:
			return
		case f == line:
		case isFinal(f):
			c.tb.Fatalf("%s: %s instead of a prompt", line, f)
		default:
			c.urcs = append(c.urcs, f)
		}
	}
}

// upload sends data with AT+QFUPL and returns the checksum the modem
// printed.
func (c *atClient) upload(ctx context.Context, name string, data []byte) string {
	c.tb.Helper()
	if _, final := c.cmd(ctx, fmt.Sprintf(`AT+QFUPL="%s",%d,100`, name, len(data))); final != "CONNECT" {
		c.tb.Fatalf("AT+QFUPL: %s", final)
	}
	c.write(string(data))
	info, final := c.collect(ctx, "")
	if final != "OK" || len(info) != 1 {
		c.tb.Fatalf("upload result %q %s", info, final)
	}
	var size int
	var sum string
	if _, err := fmt.Sscanf(info[0], "+QFUPL: %d,%s", &size, &sum); err != nil || size != len(data) {
		c.tb.Fatalf("upload result %q", info[0])
	}
	return sum
}

// waitBoot waits for the SIM to report ready.
func (c *atClient) waitBoot(ctx context.Context) {
	c.tb.Helper()
	c.waitURC(ctx, "+QIND: PB DONE")
	c.waitURC(ctx, "+QIND: SMS DONE")
}
