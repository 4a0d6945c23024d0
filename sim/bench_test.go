package sim_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"runtime"
	"sync"
	"syscall"
	"testing"
	"time"

	"go.bug.st/serial"

	"github.com/atrun/atrun/sim"
)

// BenchmarkStart measures starting broker (with its certificates), modem
// and pseudo-terminal, then closing them.
func BenchmarkStart(b *testing.B) {
	ctx := context.Background()
	dir := b.TempDir()
	for b.Loop() {
		s, err := sim.Start(ctx, sim.Options{Dir: dir})
		if err != nil {
			b.Fatal(err)
		}
		s.Close()
	}
}

// BenchmarkMQTTSSequence runs the whole EC20 MQTTS sequence over the pty
// and reports the heap the running simulator holds once it is done
// (heap-B: in-use heap after GC, minus the same before Start).
func BenchmarkMQTTSSequence(b *testing.B) {
	dir := b.TempDir()
	var held float64
	n := 0
	for b.Loop() {
		before := heapInUse()
		ctx := deadline(b)
		s, err := sim.Start(ctx, sim.Options{Dir: dir})
		if err != nil {
			b.Fatal(err)
		}
		c := dialAT(b, s.DevicePath)
		c.waitBoot(ctx)
		mqttsSequence(b, ctx, s, c)
		held += float64(heapInUse()) - float64(before)
		n++
		c.close()
		s.Close()
	}
	b.ReportMetric(held/float64(n), "heap-B")
}

func heapInUse() uint64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapInuse
}

// BenchmarkPTYRoundTrips is the floor of the pseudo-terminals alone under
// a fleet's run: n pairs, each a master served by a goroutine that answers
// every command line at once and a client on the slave, make the 37
// command round trips of one ec20_mqtts run at once. cpu-ms/modem is the
// process's CPU (user + system) per pair: what any simulator and any host
// pay for the terminal itself, whatever they do with the bytes. The
// client reads through Go's poller (host=poller), or as go.bug.st/serial
// reads, a blocking select before each read (host=serial), the way the
// engine's serial port does.
func BenchmarkPTYRoundTrips(b *testing.B) {
	const trips = 37
	for _, host := range []string{"poller", "serial"} {
		for _, n := range []int{1, 32} {
			b.Run(fmt.Sprintf("host=%s/n=%d", host, n), func(b *testing.B) {
				user, sys := cpuTimes(b)
				for b.Loop() {
					var wg sync.WaitGroup
					for range n {
						wg.Add(1)
						go func() {
							defer wg.Done()
							ptyTrips(b, host, trips)
						}()
					}
					wg.Wait()
				}
				user2, sys2 := cpuTimes(b)
				per := func(d time.Duration) float64 {
					return float64(d) / float64(time.Millisecond) / float64(b.N) / float64(n)
				}
				b.ReportMetric(per(user2-user+sys2-sys), "cpu-ms/modem")
				b.ReportMetric(per(sys2-sys), "sys-ms/modem")
			})
		}
	}
}

// ptyTrips opens a pseudo-terminal and makes trips command round trips
// over it, the client opening the slave as host says.
func ptyTrips(b *testing.B, host string, trips int) {
	p, err := sim.OpenPTY()
	if err != nil {
		b.Error(err)
		return
	}
	defer p.Close()
	var client io.ReadWriteCloser
	if host == "serial" {
		client, err = serial.Open(p.Path, &serial.Mode{BaudRate: 115200})
	} else {
		client, err = os.OpenFile(p.Path, os.O_RDWR|syscall.O_NOCTTY|syscall.O_NONBLOCK, 0)
	}
	if err != nil {
		b.Error(err)
		return
	}
	defer client.Close()
	answer := []byte("\r\n+CSQ: 24,99\r\n\r\nOK\r\n")
	go func() {
		buf := make([]byte, 256)
		for {
			n, err := p.Read(buf)
			if err != nil {
				return
			}
			if bytes.IndexByte(buf[:n], '\r') >= 0 {
				if _, err := p.Write(answer); err != nil {
					return
				}
			}
		}
	}()
	buf := make([]byte, 256)
	for range trips {
		if _, err := client.Write([]byte("AT+CSQ\r")); err != nil {
			b.Error(err)
			return
		}
		var got []byte
		for !bytes.HasSuffix(got, []byte("OK\r\n")) {
			n, err := client.Read(buf)
			if err != nil {
				b.Error(err)
				return
			}
			got = append(got, buf[:n]...)
		}
	}
}

// cpuTimes is the CPU the process has used so far, in user and in system
// mode.
func cpuTimes(b *testing.B) (user, sys time.Duration) {
	b.Helper()
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano()), time.Duration(ru.Stime.Nano())
}
