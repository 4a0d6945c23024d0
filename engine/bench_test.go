package engine

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"sort"
	"testing"
	"time"

	"github.com/atrun/atrun/engine/enginetest"
)

// realisticStream is a modem session as it looks on the wire: echoes,
// information lines, finals, asynchronous results and incoming messages
// with JSON payloads, and a prompt.
func realisticStream() (stream []byte, lines int) {
	var b bytes.Buffer
	for i := 0; i < 200; i++ {
		b.WriteString("AT+CSQ\r\r\n+CSQ: 19,99\r\n\r\nOK\r\n")
		b.WriteString("AT+CREG?\r\r\n+CREG: 0,1\r\n\r\nOK\r\n")
		b.WriteString("\r\n+QIND: \"csq\",20,99\r\n")
		fmt.Fprintf(&b, "\r\n+QMTRECV: 0,%d,\"dev1/down\",46,\"{\"params\":{\"IndoorTemperature\":55,\"mhumi\":55}}\"\r\n", i)
		b.WriteString("AT+QMTPUB=0,1,1,0,\"dev1/up\"\r\r\n> \r\nOK\r\n\r\n+QMTPUB: 0,1,0\r\n")
	}
	var f framer
	f.feed(b.Bytes(), func(Frame) { lines++ })
	return b.Bytes(), lines
}

// blockingPort is a port whose Read blocks until Close: the benchmark feeds
// the Conn directly.
type blockingPort struct{ closed chan struct{} }

func (p *blockingPort) Read([]byte) (int, error)    { <-p.closed; return 0, io.EOF }
func (p *blockingPort) Write(b []byte) (int, error) { return len(b), nil }
func (p *blockingPort) Close() error                { close(p.closed); return nil }

// BenchmarkRoute measures framing plus routing of a realistic stream fed in
// reads of 4 KiB, as the reader goroutine does; lines go to the URC queue.
func BenchmarkRoute(b *testing.B) {
	stream, lines := realisticStream()
	c := New(&blockingPort{closed: make(chan struct{})}, Config{})
	defer c.Close()
	b.SetBytes(int64(len(stream)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for off := 0; off < len(stream); off += 4096 {
			c.receive(stream[off:min(off+4096, len(stream))])
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(testing.AllocsPerRun(1, func() {
		c.receive(stream)
	}))/float64(lines), "allocs/line")
}

// BenchmarkRoundTrip compares a command round trip through the engine with
// the floor: go.bug.st/serial writing AT+CSQ and reading until OK in a tight
// loop, over the same pseudo-terminal and the same fake modem. It reports
// the median (p50-ns) as well as the mean.
func BenchmarkRoundTrip(b *testing.B) {
	const answer = "\r\n+CSQ: 19,99\r\n\r\nOK\r\n"
	b.Run("raw-serial", func(b *testing.B) {
		port := benchPTY(b, answer)
		buf := make([]byte, 256)
		durations := timeEach(b, func() {
			if _, err := port.Write([]byte("AT+CSQ\r")); err != nil {
				b.Fatal(err)
			}
			var got []byte
			for !bytes.HasSuffix(got, []byte("OK\r\n")) {
				n, err := port.Read(buf)
				if err != nil {
					b.Fatal(err)
				}
				got = append(got, buf[:n]...)
			}
		})
		reportMedian(b, durations)
	})
	b.Run("engine", func(b *testing.B) {
		port := benchPTY(b, answer)
		c := New(port, Config{})
		defer c.Close()
		ctx := context.Background()
		durations := timeEach(b, func() {
			if _, err := c.Send(ctx, "AT+CSQ"); err != nil {
				b.Fatal(err)
			}
		})
		reportMedian(b, durations)
	})
}

// benchPTY starts a fake modem on a pty master that answers every CR with
// answer, and returns the slave opened through go.bug.st/serial.
func benchPTY(b *testing.B, answer string) io.ReadWriteCloser {
	b.Helper()
	master, path := enginetest.OpenPTY(b)
	go func() {
		buf := make([]byte, 256)
		for {
			n, err := master.Read(buf)
			if err != nil {
				return
			}
			if bytes.IndexByte(buf[:n], '\r') >= 0 {
				if _, err := master.Write([]byte(answer)); err != nil {
					return
				}
			}
		}
	}()
	port, err := Open(context.Background(), path, SerialConfig{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { port.Close() })
	return port
}

func timeEach(b *testing.B, op func()) []time.Duration {
	durations := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		start := time.Now()
		op()
		durations = append(durations, time.Since(start))
	}
	b.StopTimer()
	return durations
}

func reportMedian(b *testing.B, d []time.Duration) {
	sort.Slice(d, func(i, j int) bool { return d[i] < d[j] })
	b.ReportMetric(float64(d[len(d)/2].Nanoseconds()), "p50-ns")
}
