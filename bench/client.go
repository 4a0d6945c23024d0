package main

import (
	"bytes"
	"context"
	"fmt"
	"slices"
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
