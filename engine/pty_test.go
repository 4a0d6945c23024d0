package engine

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"go.bug.st/serial"

	"github.com/atrun/atrun/engine/enginetest"
)

// startPTY runs the scripted fake modem on a pty master and returns a Conn
// on the slave, opened the way a user's serial port is.
func startPTY(t *testing.T, script ...step) (*Conn, *enginetest.Fake) {
	t.Helper()
	master, path := enginetest.OpenPTY(t)
	m := enginetest.Run(t, master, 0, steps(script)...)
	port, err := Open(ctxT(t), path, SerialConfig{Baud: 115200})
	if err != nil {
		t.Fatal(err)
	}
	c := New(port, Config{Name: path})
	t.Cleanup(func() { c.Close() })
	return c, m
}

func TestPTYConversation(t *testing.T) {
	data := []byte(strings.Repeat("0123456789abcdef", 300) + "!")
	sum := FormatChecksum(QFUPLChecksum(data))
	c, m := startPTY(t,
		step{"AT\r", "AT\r\r\nOK\r\n"},
		step{"AT+CSQ\r", "\r\n+CSQ: 19,99\r\n\r\nOK\r\n\r\n+QMTOPEN: 0,0\r\n"},
		step{"AT+QMTPUB=0,0,0,0,\"t\"\r", "\r\n> "},
		step{"hi\x1a", "\r\nOK\r\n\r\n+QMTPUB: 0,0,0\r\n"},
		step{"AT+QFUPL=\"RAM:ca.pem\",4801,10\r", "\r\nCONNECT\r\n"},
		step{string(data), "\r\n+QFUPL: 4801," + sum + "\r\n\r\nOK\r\n"},
	)
	ctx := ctxT(t)
	if _, err := c.Send(ctx, "AT"); err != nil {
		t.Fatal(err)
	}
	resp, err := c.Send(ctx, "AT+CSQ")
	if v, _ := resp.Value("+CSQ:"); err != nil || v != "19,99" {
		t.Fatalf("%+v %v", resp, err)
	}
	if u, err := c.WaitURC(ctx, Prefix("+QMTOPEN:"), time.Second); err != nil || u.Text != "+QMTOPEN: 0,0" {
		t.Fatalf("%+v %v", u, err)
	}
	if _, err := c.SendPrompt(ctx, `AT+QMTPUB=0,0,0,0,"t"`, []byte("hi")); err != nil {
		t.Fatal(err)
	}
	if _, err := c.WaitURC(ctx, Prefix("+QMTPUB:"), time.Second); err != nil {
		t.Fatal(err)
	}
	if _, err := c.UploadFile(ctx, "RAM:ca.pem", data, 10*time.Second); err != nil {
		t.Fatal(err)
	}
	m.Finished(t)
}

func TestPTYFarEndCloses(t *testing.T) {
	c, m := startPTY(t, step{"AT\r", "\r\nOK\r\n"})
	ctx := ctxT(t)
	if _, err := c.Send(ctx, "AT"); err != nil {
		t.Fatal(err)
	}
	m.Finished(t)
	errc := make(chan error)
	go func() {
		_, err := c.WaitURC(ctx, Prefix("RDY"), time.Hour)
		errc <- err
	}()
	m.Close() // the modem side vanishes
	select {
	case err := <-errc:
		var pe *PortError
		if !errors.As(err, &pe) || pe.Op != "read" {
			t.Fatalf("err = %v, want a read PortError", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("wait hung after the modem side closed")
	}
}

func TestPTYHardwareFlowControl(t *testing.T) {
	_, path := enginetest.OpenPTY(t)
	port, err := Open(ctxT(t), path, SerialConfig{Baud: 9600, RTSCTS: true})
	if err != nil {
		t.Fatal(err)
	}
	defer port.Close()
	on, err := hardwareFlow(path)
	if err != nil {
		t.Fatal(err)
	}
	if !on {
		t.Fatal("RTS/CTS is off after opening with RTSCTS")
	}
}

func TestOpenErrors(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name, port string
		cfg        SerialConfig
		want       string
	}{
		{"missing device", "/dev/ttyDOESNOTEXIST9", SerialConfig{}, "no such"},
		{"bad parity", "/dev/null", SerialConfig{Parity: "purple"}, "unknown parity"},
		{"bad stop bits", "/dev/null", SerialConfig{StopBits: 3}, "stop bits"},
		{"not a tty", "/dev/null", SerialConfig{}, "/dev/null"},
		{"refused tcp", "tcp://127.0.0.1:1", SerialConfig{}, "refused"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Open(ctx, tt.port, tt.cfg)
			var pe *PortError
			if !errors.As(err, &pe) || pe.Op != "open" || pe.Port != tt.port {
				t.Fatalf("err = %v", err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("%q does not mention %q", err, tt.want)
			}
		})
	}
}

// A device whose open hangs (a USB modem re-enumerating) gives up after the
// open timeout with a PortError, and the late port is closed.
func TestOpenTimeout(t *testing.T) {
	release := make(chan struct{})
	opened := make(chan struct{})
	serialOpen = func(string, *serial.Mode) (serial.Port, error) {
		<-release
		close(opened)
		return nil, errors.New("too late")
	}
	defer func() { serialOpen = serial.Open }()
	_, err := Open(context.Background(), "/dev/ttyUSB7", SerialConfig{OpenTimeout: 20 * time.Millisecond})
	var pe *PortError
	if !errors.As(err, &pe) || pe.Op != "open" || !strings.Contains(err.Error(), "no response after 20ms") {
		t.Fatalf("err = %v", err)
	}
	close(release)
	<-opened
}
