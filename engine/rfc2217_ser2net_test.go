//go:build linux

package engine

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/atrun/atrun/engine/enginetest"
	"github.com/atrun/atrun/sim"
)

// startSer2netSim runs the virtual EC20 exported by Debian's ser2net with
// RFC 2217, as a lab exports a modem.
func startSer2netSim(t *testing.T, o enginetest.Ser2netOptions) (*sim.Sim, *enginetest.Ser2net) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	s, err := sim.Start(ctx, sim.Options{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	o.RFC2217 = true
	return s, enginetest.StartSer2netWith(ctx, t, s.DevicePath, o)
}

// lineSpeed is the speed ser2net set on the pseudo-terminal, read from
// the device itself.
func lineSpeed(t *testing.T, device string) uint32 {
	t.Helper()
	fd, err := unix.Open(device, unix.O_RDWR|unix.O_NOCTTY|unix.O_NONBLOCK, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(fd)
	tio, err := unix.IoctlGetTermios(fd, unix.TCGETS)
	if err != nil {
		t.Fatal(err)
	}
	return tio.Cflag & unix.CBAUD
}

// An upload holding every byte value passes through ser2net's RFC 2217
// port unaltered, as ser2net is configured by hand and as labgrid starts
// it: the modem's checksum agrees.
func TestRFC2217Ser2netUploadAllBytes(t *testing.T) {
	for _, o := range []enginetest.Ser2netOptions{{}, {Labgrid: true}} {
		_, srv := startSer2netSim(t, o)
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		name := "rfc2217://" + srv.Addr
		port, err := Open(ctx, name, SerialConfig{})
		if err != nil {
			t.Fatal(err)
		}
		c := New(port, Config{Name: name})
		defer c.Close()
		if _, err := c.Send(ctx, "AT"); err != nil {
			t.Fatal(err)
		}
		data := make([]byte, 0, 4*256)
		for range 4 {
			for b := range 256 {
				data = append(data, byte(b))
			}
		}
		if _, err := c.UploadFile(ctx, "UFS:bytes.bin", data, 10*time.Second); err != nil {
			t.Fatalf("labgrid %v: %v", o.Labgrid, err)
		}
	}
}

// A banner ser2net sends on connect never reaches the modem's data.
func TestRFC2217Ser2netBanner(t *testing.T) {
	_, srv := startSer2netSim(t, enginetest.Ser2netOptions{Banner: "atrun-lab banner\r\n"})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	port, err := OpenRFC2217(ctx, srv.Addr, SerialConfig{})
	if err != nil {
		t.Fatal(err)
	}
	defer port.Close()
	if _, err := port.Write([]byte("AT\r")); err != nil {
		t.Fatal(err)
	}
	var got []byte
	buf := make([]byte, 256)
	for !bytes.Contains(got, []byte("OK\r\n")) {
		n, err := port.Read(buf)
		if err != nil {
			t.Fatalf("%v after %q", err, got)
		}
		got = append(got, buf[:n]...)
	}
	if want := "AT\r\r\nOK\r\n"; string(got) != want {
		t.Fatalf("read %q, want %q", got, want)
	}
}

// The baud rate asked at the open, and a change during the session, are
// acknowledged by ser2net and set on the device; the session goes on.
func TestRFC2217Ser2netBaudChange(t *testing.T) {
	s, srv := startSer2netSim(t, enginetest.Ser2netOptions{})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	port, err := OpenRFC2217(ctx, srv.Addr, SerialConfig{Baud: 9600})
	if err != nil {
		t.Fatal(err)
	}
	if got := lineSpeed(t, s.DevicePath); got != unix.B9600 {
		t.Errorf("after the open the device runs at speed code %#o, want B9600", got)
	}
	c := New(port, Config{Name: "rfc2217://" + srv.Addr})
	defer c.Close()
	if _, err := c.Send(ctx, "AT"); err != nil {
		t.Fatal(err)
	}
	if err := port.SetBaud(ctx, 57600); err != nil {
		t.Fatal(err)
	}
	if got := lineSpeed(t, s.DevicePath); got != unix.B57600 {
		t.Errorf("after the change the device runs at speed code %#o, want B57600", got)
	}
	if _, err := c.Send(ctx, "ATI"); err != nil {
		t.Fatal(err)
	}
}

// ser2net going away in the middle of a session is a PortError, at once.
func TestRFC2217Ser2netGoneIsPortError(t *testing.T) {
	_, srv := startSer2netSim(t, enginetest.Ser2netOptions{})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	name := "rfc2217://" + srv.Addr
	port, err := Open(ctx, name, SerialConfig{})
	if err != nil {
		t.Fatal(err)
	}
	c := New(port, Config{Name: name})
	defer c.Close()
	if _, err := c.Send(ctx, "AT"); err != nil {
		t.Fatal(err)
	}
	srv.Stop()
	_, err = c.Send(ctx, "AT+CSQ", Timeout(20*time.Second))
	var pe *PortError
	if !errors.As(err, &pe) || pe.Port != name {
		t.Fatalf("%T %v, want a PortError on %s", err, err, name)
	}
	if !errors.Is(err, io.EOF) && !strings.Contains(err.Error(), "reset") {
		t.Errorf("%v: not the connection closing", err)
	}
}

// BenchmarkSer2netRoundTrip measures one AT command's round trip to the
// virtual EC20 through ser2net, raw TCP against RFC 2217: what the telnet
// layer costs a command.
func BenchmarkSer2netRoundTrip(b *testing.B) {
	for _, rfc := range []bool{false, true} {
		name := map[bool]string{false: "tcp", true: "rfc2217"}[rfc]
		b.Run(name, func(b *testing.B) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			s, err := sim.Start(ctx, sim.Options{Dir: b.TempDir()})
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			srv := enginetest.StartSer2netWith(ctx, b, s.DevicePath, enginetest.Ser2netOptions{RFC2217: rfc})
			port, err := Open(ctx, name+"://"+srv.Addr, SerialConfig{})
			if err != nil {
				b.Fatal(err)
			}
			c := New(port, Config{Name: name})
			defer c.Close()
			for b.Loop() {
				if _, err := c.Send(ctx, "AT"); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
