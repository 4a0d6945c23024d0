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

// Scheme is how a port is reached.
type Scheme string

const (
	SchemeDevice  Scheme = "device"  // a serial device path: /dev/ttyUSB2, COM3
	SchemeTCP     Scheme = "tcp"     // tcp://host:port, a raw TCP serial server (ser2net raw)
	SchemeRFC2217 Scheme = "rfc2217" // rfc2217://host:port, a serial server speaking RFC 2217
	SchemeAuto    Scheme = "auto"    // auto: the Quectel AT port, found on USB
)

// Address is a port name taken apart.
type Address struct {
	Name   string // the port: as given, or the device auto picked
	Scheme Scheme
	Target string    // the device path, or host:port
	Picked *PortInfo // what auto found, nil for any other name
}

// Network reports whether the port is reached over the network, where a
// lost port is a lost connection rather than a device that went away.
func (a Address) Network() bool { return a.Scheme == SchemeTCP || a.Scheme == SchemeRFC2217 }

// opener opens one scheme's ports; target is Address.Target.
type opener func(ctx context.Context, target string, cfg SerialConfig) (io.ReadWriteCloser, error)

// openers holds how each scheme opens (the RFC 2217 client is
// rfc2217.go). A scheme without an opener is refused when opened, not when
// parsed.
var openers = map[Scheme]opener{
	SchemeDevice: openSerial,
	SchemeTCP: func(ctx context.Context, addr string, _ SerialConfig) (io.ReadWriteCloser, error) {
		return openTCP(ctx, addr)
	},
	SchemeRFC2217: func(ctx context.Context, addr string, cfg SerialConfig) (io.ReadWriteCloser, error) {
		p, err := OpenRFC2217(ctx, addr, cfg)
		if err != nil {
			return nil, err // not a typed nil inside the interface
		}
		return p, nil
	},
}

// ParsePort takes a port name apart: "tcp://host:port", "rfc2217://host:port",
// "auto", or a serial device path. It does no I/O; errors are *PortError.
func ParsePort(name string) (Address, error) {
	bad := func(format string, args ...any) (Address, error) {
		return Address{}, &PortError{Port: name, Op: "open", Err: fmt.Errorf(format, args...)}
	}
	if strings.TrimSpace(name) == "" {
		return bad("no port given: name a serial device, tcp://host:port, rfc2217://host:port or auto")
	}
	if name == string(SchemeAuto) {
		return Address{Name: name, Scheme: SchemeAuto}, nil
	}
	prefix, rest, ok := strings.Cut(name, "://")
	if !ok {
		return Address{Name: name, Scheme: SchemeDevice, Target: name}, nil
	}
	scheme := Scheme(strings.ToLower(prefix))
	if scheme != SchemeTCP && scheme != SchemeRFC2217 {
		return bad("unknown scheme %s://: a port is a serial device path, tcp://host:port, rfc2217://host:port or auto", prefix)
	}
	host, port, err := net.SplitHostPort(rest)
	if err != nil || host == "" || port == "" {
		return bad("%s:// needs a host and a port, as in %s://192.168.1.5:2000", scheme, scheme)
	}
	return Address{Name: name, Scheme: scheme, Target: rest}, nil
}

// ResolvePort parses name and, for auto, finds the port: the Address is
// then the device picked, with Picked telling which and why. An auto that
// cannot settle on one port is an *AutoPortError.
func ResolvePort(name string) (Address, error) {
	a, err := ParsePort(name)
	if err != nil || a.Scheme != SchemeAuto {
		return a, err
	}
	p, err := FindATPort()
	if err != nil {
		return Address{}, err
	}
	return Address{Name: p.Name, Scheme: SchemeDevice, Target: p.Name, Picked: &p}, nil
}

// Open opens a port by name (see ParsePort; "auto" finds the Quectel AT
// port on USB). Errors are *PortError with a hint, or *AutoPortError.
func Open(ctx context.Context, name string, cfg SerialConfig) (io.ReadWriteCloser, error) {
	a, err := ResolvePort(name)
	if err != nil {
		return nil, err
	}
	return a.Open(ctx, cfg)
}

// Open opens the port a names.
func (a Address) Open(ctx context.Context, cfg SerialConfig) (io.ReadWriteCloser, error) {
	open := openers[a.Scheme]
	if open == nil {
		return nil, &PortError{Port: a.Name, Op: "open", Err: fmt.Errorf("%s:// ports are not supported by this build", a.Scheme)}
	}
	timeout := cfg.OpenTimeout
	if timeout <= 0 {
		timeout = DefaultOpenTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	port, err := open(ctx, a.Target, cfg)
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) {
			err = fmt.Errorf("no response after %v", timeout)
		}
		return nil, &PortError{Port: a.Name, Op: "open", Err: err}
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
