package engine

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"time"

	"go.bug.st/serial"
)

// SerialConfig describes a serial line. The zero value is 115200 8N1 with no
// flow control.
type SerialConfig struct {
	Baud        int           // bits per second, 115200 when 0
	DataBits    int           // 5..8, 8 when 0
	Parity      string        // "none" (default), "odd", "even", "mark", "space"
	StopBits    int           // 1 (default) or 2
	RTSCTS      bool          // hardware flow control
	OpenTimeout time.Duration // how long opening may take, 5 s when 0
}

// DefaultOpenTimeout bounds how long opening a port may take: a USB serial
// device that is re-enumerating can block open(2) for a long time.
const DefaultOpenTimeout = 5 * time.Second

// Open opens a port by name: "tcp://host:port" for a raw TCP serial server
// (ser2net in raw mode), "rfc2217://host:port" for an RFC 2217 one (ser2net's
// telnet(rfc2217), a labgrid exporter), anything else as a serial device path. Errors are
// *PortError with a hint.
func Open(ctx context.Context, name string, cfg SerialConfig) (io.ReadWriteCloser, error) {
	timeout := cfg.OpenTimeout
	if timeout <= 0 {
		timeout = DefaultOpenTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	var (
		port io.ReadWriteCloser
		err  error
	)
	if addr, ok := strings.CutPrefix(name, "tcp://"); ok {
		port, err = openTCP(ctx, addr)
	} else if addr, ok := strings.CutPrefix(name, "rfc2217://"); ok {
		var p *RFC2217Port
		if p, err = OpenRFC2217(ctx, addr, cfg); err == nil {
			port = p
		}
	} else {
		port, err = openSerial(ctx, name, cfg)
	}
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) {
			err = fmt.Errorf("no response after %v (a USB modem that is resetting can hang an open; try again once it is back)", timeout)
		}
		return nil, &PortError{Port: name, Op: "open", Err: err}
	}
	return port, nil
}

func openTCP(ctx context.Context, addr string) (io.ReadWriteCloser, error) {
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, err
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		_ = tc.SetNoDelay(true) // AT traffic is small and interactive
	}
	return conn, nil
}

// serialOpen is serial.Open; tests replace it with one that hangs.
var serialOpen = serial.Open

// openSerial opens the device in a goroutine so that a hanging open cannot
// hang the caller; a port that opens after the caller gave up is closed.
func openSerial(ctx context.Context, path string, cfg SerialConfig) (io.ReadWriteCloser, error) {
	mode, err := serialMode(cfg)
	if err != nil {
		return nil, err
	}
	type opened struct {
		port serial.Port
		err  error
	}
	ch := make(chan opened, 1)
	go func() {
		p, err := serialOpen(path, mode)
		if err == nil && cfg.RTSCTS {
			if ferr := setHardwareFlow(path); ferr != nil {
				p.Close()
				p, err = nil, ferr
			}
		}
		ch <- opened{p, err}
	}()
	select {
	case o := <-ch:
		if o.err != nil {
			return nil, describeSerialError(o.err)
		}
		// Many modems want DTR asserted; a pseudo-terminal refuses the
		// ioctl (ENOTTY), which is harmless.
		_ = o.port.SetDTR(true)
		return o.port, nil
	case <-ctx.Done():
		go func() {
			if o := <-ch; o.port != nil {
				o.port.Close()
			}
		}()
		return nil, ctx.Err()
	}
}

func serialMode(cfg SerialConfig) (*serial.Mode, error) {
	m := &serial.Mode{BaudRate: cfg.Baud, DataBits: cfg.DataBits}
	if m.BaudRate == 0 {
		m.BaudRate = 115200
	}
	if m.DataBits == 0 {
		m.DataBits = 8
	}
	switch strings.ToLower(cfg.Parity) {
	case "", "none", "n":
		m.Parity = serial.NoParity
	case "odd", "o":
		m.Parity = serial.OddParity
	case "even", "e":
		m.Parity = serial.EvenParity
	case "mark", "m":
		m.Parity = serial.MarkParity
	case "space", "s":
		m.Parity = serial.SpaceParity
	default:
		return nil, fmt.Errorf("unknown parity %q (use none, odd, even, mark or space)", cfg.Parity)
	}
	switch cfg.StopBits {
	case 0, 1:
		m.StopBits = serial.OneStopBit
	case 2:
		m.StopBits = serial.TwoStopBits
	default:
		return nil, fmt.Errorf("unsupported stop bits %d (use 1 or 2)", cfg.StopBits)
	}
	return m, nil
}

// describeSerialError turns the serial library's error codes into the words
// a user searches for (permission denied, busy, no such file).
func describeSerialError(err error) error {
	var pe *serial.PortError
	if !errors.As(err, &pe) {
		return err
	}
	var words string
	switch pe.Code() {
	case serial.PortBusy:
		words = "port busy"
	case serial.PortNotFound:
		words = "no such file or device"
	case serial.PermissionDenied:
		words = "permission denied"
	default:
		return err
	}
	if strings.Contains(strings.ToLower(err.Error()), words) {
		return err
	}
	return fmt.Errorf("%s: %w", words, err)
}

// Pipe returns the two ends of an in-memory full-duplex port: the host's
// end for a Conn, the modem's end for a fake modem in tests.
func Pipe() (host, modem io.ReadWriteCloser) {
	return net.Pipe()
}
