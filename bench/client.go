package main

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"go.bug.st/serial"

	"github.com/atrun/atrun/engine"
)

// rawClient is the floor: go.bug.st/serial writing AT+CSQ and reading
// until OK, nothing else. It returns the median of n timed round trips
// after warmup untimed ones.
func rawClient(port string, n, warmup int) (time.Duration, error) {
	p, err := serial.Open(port, &serial.Mode{BaudRate: 115200})
	if err != nil {
		return 0, err
	}
	defer p.Close()
	cmd := []byte("AT+CSQ\r")
	buf := make([]byte, 256)
	got := make([]byte, 0, 256)
	roundTrip := func() error {
		if _, err := p.Write(cmd); err != nil {
			return err
		}
		got = got[:0]
		for !bytes.HasSuffix(got, []byte("OK\r\n")) {
			k, err := p.Read(buf)
			if err != nil {
				return err
			}
			if k == 0 {
				return fmt.Errorf("the port closed")
			}
			got = append(got, buf[:k]...)
		}
		return nil
	}
	for range warmup {
		if err := roundTrip(); err != nil {
			return 0, err
		}
	}
	d := make([]time.Duration, n)
	for i := range d {
		start := time.Now()
		if err := roundTrip(); err != nil {
			return 0, err
		}
		d[i] = time.Since(start)
	}
	slices.Sort(d)
	return d[n/2], nil
}

// engineClient is atrun's engine called from Go: engine.Conn.Send over
// the port as atrun opens it. Between the floor and the Lua loop, it
// tells whether a gap is the engine's or the Lua layer's.
func engineClient(port string, n, warmup int) (time.Duration, error) {
	ctx := context.Background()
	p, err := engine.Open(ctx, port, engine.SerialConfig{Baud: 115200})
	if err != nil {
		return 0, err
	}
	c := engine.New(p, engine.Config{Name: port})
	defer c.Close()
	for range warmup {
		if _, err := c.Send(ctx, "AT+CSQ"); err != nil {
			return 0, err
		}
	}
	d := make([]time.Duration, n)
	for i := range d {
		start := time.Now()
		if _, err := c.Send(ctx, "AT+CSQ"); err != nil {
			return 0, err
		}
		d[i] = time.Since(start)
	}
	slices.Sort(d)
	return d[n/2], nil
}

// handoffClient is the floor with one change: a reader goroutine reads the
// port and hands each answer to the caller over a channel, the design of
// atrun's engine and of other Go AT libraries (warthog618/modem's at
// package among them). Its distance from the floor is the cost of that
// hand-off alone, with no framing or routing.
func handoffClient(port string, n, warmup int) (time.Duration, error) {
	p, err := serial.Open(port, &serial.Mode{BaudRate: 115200})
	if err != nil {
		return 0, err
	}
	defer p.Close()
	answers := make(chan error, 1) // room for the last word after Close
	go func() {
		buf := make([]byte, 256)
		var got []byte
		for {
			k, err := p.Read(buf)
			if err != nil || k == 0 {
				answers <- fmt.Errorf("the port closed: %v", err)
				return
			}
			got = append(got, buf[:k]...)
			if bytes.HasSuffix(got, []byte("OK\r\n")) {
				got = got[:0]
				answers <- nil
			}
		}
	}()
	cmd := []byte("AT+CSQ\r")
	roundTrip := func() error {
		if _, err := p.Write(cmd); err != nil {
			return err
		}
		return <-answers
	}
	for range warmup {
		if err := roundTrip(); err != nil {
			return 0, err
		}
	}
	d := make([]time.Duration, n)
	for i := range d {
		start := time.Now()
		if err := roundTrip(); err != nil {
			return 0, err
		}
		d[i] = time.Since(start)
	}
	slices.Sort(d)
	return d[n/2], nil
}

// grace is how long the caller-reads client's reader goroutine stays off
// the port after a caller used it: long enough for the next command of a
// burst to find the port free, short enough to leave unsolicited output
// in the device's buffer only briefly.
const grace = time.Millisecond

// callerReadsClient keeps a reader goroutine for the time between
// commands (where a modem's unsolicited output must still be read), but
// lets the caller read its own answer whenever that reader is not inside
// a read: the design that avoids the hand-off. The reader stays off the
// port for a grace after a caller read or after it handed an answer over;
// a caller that finds the reader inside a read waits for the hand-off as
// in handoffClient.
func callerReadsClient(port string, n, warmup int) (time.Duration, error) {
	p, err := serial.Open(port, &serial.Mode{BaudRate: 115200})
	if err != nil {
		return 0, err
	}
	defer p.Close()
	var (
		role    sync.Mutex   // held by whoever reads the port
		last    atomic.Int64 // when the port was last read for a caller, ns
		got     []byte       // the answer so far; owned by the holder of role
		answers = make(chan error, 1)
		stop    = make(chan struct{})
	)
	defer close(stop)
	complete := func(k int, buf []byte) bool {
		got = append(got, buf[:k]...)
		if !bytes.HasSuffix(got, []byte("OK\r\n")) {
			return false
		}
		got = got[:0]
		return true
	}
	recent := func() time.Duration { return grace - time.Duration(time.Now().UnixNano()-last.Load()) }
	go func() {
		buf := make([]byte, 256)
		for {
			select {
			case <-stop:
				return
			default:
			}
			if wait := recent(); wait > 0 {
				time.Sleep(wait)
				continue
			}
			if !role.TryLock() {
				time.Sleep(grace)
				continue
			}
			if recent() > 0 {
				role.Unlock()
				continue
			}
			k, err := p.Read(buf)
			if err != nil || k == 0 {
				answers <- fmt.Errorf("the port closed: %v", err)
				role.Unlock()
				return
			}
			if complete(k, buf) {
				// Handed over before the port is let go, so that a caller
				// who takes the port next finds its answer already here.
				last.Store(time.Now().UnixNano())
				answers <- nil
			}
			role.Unlock()
		}
	}()
	buf := make([]byte, 256)
	cmd := []byte("AT+CSQ\r")
	roundTrip := func() error {
		if _, err := p.Write(cmd); err != nil {
			return err
		}
		for {
			if !role.TryLock() {
				return <-answers // the reader is inside a read: it hands over
			}
			select {
			case err := <-answers: // the reader read it before letting go
				role.Unlock()
				return err
			default:
			}
			if err := p.SetReadTimeout(5 * time.Second); err != nil {
				role.Unlock()
				return err
			}
			k, err := p.Read(buf)
			done := err == nil && k > 0 && complete(k, buf)
			p.SetReadTimeout(serial.NoTimeout)
			last.Store(time.Now().UnixNano())
			role.Unlock()
			switch {
			case err != nil:
				return err
			case k == 0:
				return fmt.Errorf("no answer in 5s")
			case done:
				return nil
			}
		}
	}
	for range warmup {
		if err := roundTrip(); err != nil {
			return 0, err
		}
	}
	d := make([]time.Duration, n)
	for i := range d {
		start := time.Now()
		if err := roundTrip(); err != nil {
			return 0, err
		}
		d[i] = time.Since(start)
	}
	slices.Sort(d)
	return d[n/2], nil
}
