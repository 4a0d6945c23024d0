package engine

import (
	"context"
	"errors"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.bug.st/serial"
)

func TestParsePort(t *testing.T) {
	tests := []struct {
		name   string
		scheme Scheme
		target string
		err    string // a text the error must hold, "" for none
	}{
		{"/dev/ttyUSB2", SchemeDevice, "/dev/ttyUSB2", ""},
		{"COM3", SchemeDevice, "COM3", ""},
		{"auto", SchemeAuto, "", ""},
		{"tcp://192.168.1.5:2000", SchemeTCP, "192.168.1.5:2000", ""},
		{"TCP://modem.local:2000", SchemeTCP, "modem.local:2000", ""},
		{"tcp://[::1]:2000", SchemeTCP, "[::1]:2000", ""},
		{"rfc2217://h:4000", SchemeRFC2217, "h:4000", ""},
		{"tcp://h", "", "", "needs a host and a port"},
		{"tcp://:2000", "", "", "needs a host and a port"},
		{"rfc2217://", "", "", "needs a host and a port"},
		{"ssh://h:22", "", "", "unknown scheme ssh://"},
		{"", "", "", "no port given"},
	}
	for _, tt := range tests {
		a, err := ParsePort(tt.name)
		if tt.err != "" {
			var pe *PortError
			if !errors.As(err, &pe) || pe.Op != "open" || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("ParsePort(%q): err %v, want a PortError holding %q", tt.name, err, tt.err)
			}
			continue
		}
		if err != nil || a.Scheme != tt.scheme || a.Target != tt.target || a.Name != tt.name {
			t.Errorf("ParsePort(%q) = %+v, %v", tt.name, a, err)
		}
		if a.Network() != (tt.scheme == SchemeTCP || tt.scheme == SchemeRFC2217) {
			t.Errorf("%q: Network() = %v", tt.name, a.Network())
		}
	}
}

// FuzzParsePort: any name parses or fails with a PortError, never panics,
// and a parsed network address has a host and a port.
func FuzzParsePort(f *testing.F) {
	for _, s := range []string{"/dev/ttyUSB2", "auto", "tcp://h:1", "rfc2217://[::1]:9", "tcp://", "x://y", "://", "tcp://h:1/x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		a, err := ParsePort(name)
		if err != nil {
			var pe *PortError
			if !errors.As(err, &pe) {
				t.Fatalf("%q: %T", name, err)
			}
			return
		}
		if a.Network() {
			if h, p, err := net.SplitHostPort(a.Target); err != nil || h == "" || p == "" {
				t.Fatalf("%q: target %q", name, a.Target)
			}
		}
	})
}

// A scheme the build has no opener for is refused when opened, saying so.
func TestOpenSchemeWithoutOpener(t *testing.T) {
	saved, had := openers[SchemeRFC2217]
	delete(openers, SchemeRFC2217)
	defer func() {
		if had {
			openers[SchemeRFC2217] = saved
		}
	}()
	_, err := Open(context.Background(), "rfc2217://127.0.0.1:1", SerialConfig{})
	var pe *PortError
	if !errors.As(err, &pe) || !strings.Contains(err.Error(), "not supported by this build") {
		t.Fatalf("err = %v", err)
	}
}

func ec25(serial string, first int) []PortInfo {
	var out []PortInfo
	for i := 0; i < 4; i++ {
		out = append(out, PortInfo{Name: "/dev/ttyUSB" + string(rune('0'+first+i)), USB: true,
			VID: "2C7C", PID: "0125", Serial: serial, Interface: i})
	}
	return out
}

func TestChoosePort(t *testing.T) {
	uart := PortInfo{Name: "/dev/ttyS0", Interface: -1}
	ftdi := PortInfo{Name: "/dev/ttyUSB9", USB: true, VID: "0403", PID: "6001", Serial: "A1", Interface: 0}
	tests := []struct {
		name    string
		ports   []PortInfo
		want    string // the port picked, or "" for an error
		err     string // a text the error must hold
		several bool
	}{
		{"no ports", nil, "", "no Quectel modem (USB vendor 2C7C) among no serial ports", false},
		{"no quectel", []PortInfo{uart, ftdi}, "", "no Quectel modem (USB vendor 2C7C) among the serial ports /dev/ttyS0, /dev/ttyUSB9", false},
		{"one EC25", append([]PortInfo{uart}, ec25("123", 0)...), "/dev/ttyUSB2", "", false},
		{"one EC25 among others", append(append([]PortInfo{ftdi}, ec25("123", 3)...), uart), "/dev/ttyUSB5", "", false},
		{"lower-case vid", []PortInfo{{Name: "/dev/ttyUSB2", USB: true, VID: "2c7c", PID: "0125", Interface: 2}}, "/dev/ttyUSB2", "", false},
		{"two modems", append(ec25("123", 0), ec25("456", 4)...), "", "several Quectel modems (/dev/ttyUSB2, /dev/ttyUSB6)", true},
		{"interfaces unknown", []PortInfo{
			{Name: "/dev/ttyUSB0", USB: true, VID: "2C7C", PID: "0125", Serial: "1", Interface: -1},
			{Name: "/dev/ttyUSB1", USB: true, VID: "2C7C", PID: "0125", Serial: "1", Interface: -1},
		}, "", "none is USB interface 2", false},
		{"two devices, interfaces unknown", []PortInfo{
			{Name: "/dev/ttyUSB0", USB: true, VID: "2C7C", PID: "0125", Serial: "1", Interface: -1},
			{Name: "/dev/ttyUSB1", USB: true, VID: "2C7C", PID: "0125", Serial: "2", Interface: -1},
		}, "", "several Quectel devices", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ChoosePort(tc.ports)
			if tc.want != "" {
				if err != nil || got.Name != tc.want {
					t.Fatalf("got %q, %v; want %q", got.Name, err, tc.want)
				}
				return
			}
			var ae *AutoPortError
			if !errors.As(err, &ae) || !strings.Contains(err.Error(), tc.err) || ae.Several != tc.several {
				t.Fatalf("err %v, want an AutoPortError holding %q", err, tc.err)
			}
			if strings.Contains(err.Error(), "--port") {
				t.Errorf("the engine's message names a CLI flag: %v", err)
			}
		})
	}
}

// Open understands auto: it opens the port discovery picks, and a failed
// discovery is an *AutoPortError.
func TestOpenAuto(t *testing.T) {
	saved := listPorts
	defer func() { listPorts = saved }()
	listPorts = func() ([]PortInfo, error) { return nil, nil }
	if _, err := Open(context.Background(), "auto", SerialConfig{}); !errors.As(err, new(*AutoPortError)) {
		t.Fatalf("no ports: err = %v", err)
	}
	listPorts = func() ([]PortInfo, error) { return ec25("1", 0), nil }
	a, err := ResolvePort("auto")
	if err != nil || a.Name != "/dev/ttyUSB2" || a.Scheme != SchemeDevice || a.Picked == nil || a.Picked.Interface != 2 {
		t.Fatalf("ResolvePort = %+v, %v", a, err)
	}
	if d := a.Picked.Describe(); !strings.Contains(d, "/dev/ttyUSB2 (Quectel 2C7C:0125, USB interface 2") {
		t.Errorf("Describe = %q", d)
	}
	// The picked device does not exist here: the open fails on its name.
	_, err = Open(context.Background(), "auto", SerialConfig{})
	var pe *PortError
	if !errors.As(err, &pe) || pe.Port != "/dev/ttyUSB2" {
		t.Fatalf("open: %v", err)
	}
}

// usbInterface finds bInterfaceNumber next to the device link's target
// (ttyACM: the interface itself) or one level up (ttyUSB: a child of the
// interface), as sysfs lays them out.
func TestUSBInterface(t *testing.T) {
	root := t.TempDir()
	class := filepath.Join(root, "class", "tty")
	iface := filepath.Join(root, "devices", "usb1", "1-1", "1-1:1.2")
	acm := filepath.Join(root, "devices", "usb1", "1-2", "1-2:1.0")
	for _, dir := range []string{filepath.Join(iface, "ttyUSB2"), acm, filepath.Join(class, "ttyUSB2"), filepath.Join(class, "ttyACM0"), filepath.Join(class, "ttyS0")} {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	write := func(dir, name, text string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(iface, "bInterfaceNumber", "02\n")
	write(acm, "bInterfaceNumber", "0a\n")
	link := func(target, name string) {
		if err := os.Symlink(target, filepath.Join(class, name, "device")); err != nil {
			t.Fatal(err)
		}
	}
	link(filepath.Join(iface, "ttyUSB2"), "ttyUSB2")
	link(acm, "ttyACM0")
	for tty, want := range map[string]int{"ttyUSB2": 2, "ttyACM0": 10, "ttyS0": -1, "ttyUSB7": -1} {
		if got := usbInterface(class, tty); got != want {
			t.Errorf("%s: interface %d, want %d", tty, got, want)
		}
	}
}

func TestNaturalLess(t *testing.T) {
	if !naturalLess("/dev/ttyUSB2", "/dev/ttyUSB10") || naturalLess("/dev/ttyUSB10", "/dev/ttyUSB2") || !naturalLess("/dev/ttyACM0", "/dev/ttyS0") {
		t.Error("wrong order")
	}
}

// The line settings reach the serial library as asked, with the
// defaults of an EC20's UART (8N1) when not given.
func TestSerialMode(t *testing.T) {
	tests := []struct {
		cfg  SerialConfig
		want serial.Mode
	}{
		{SerialConfig{}, serial.Mode{BaudRate: 115200, DataBits: 8, Parity: serial.NoParity, StopBits: serial.OneStopBit}},
		{SerialConfig{Baud: 9600, DataBits: 7, Parity: "even", StopBits: 2}, serial.Mode{BaudRate: 9600, DataBits: 7, Parity: serial.EvenParity, StopBits: serial.TwoStopBits}},
		{SerialConfig{Parity: "odd"}, serial.Mode{BaudRate: 115200, DataBits: 8, Parity: serial.OddParity, StopBits: serial.OneStopBit}},
		{SerialConfig{Parity: "mark"}, serial.Mode{BaudRate: 115200, DataBits: 8, Parity: serial.MarkParity, StopBits: serial.OneStopBit}},
		{SerialConfig{Parity: "space"}, serial.Mode{BaudRate: 115200, DataBits: 8, Parity: serial.SpaceParity, StopBits: serial.OneStopBit}},
	}
	for _, tt := range tests {
		got, err := serialMode(tt.cfg)
		if err != nil {
			t.Fatalf("%+v: %v", tt.cfg, err)
		}
		if got.BaudRate != tt.want.BaudRate || got.DataBits != tt.want.DataBits || got.Parity != tt.want.Parity || got.StopBits != tt.want.StopBits {
			t.Errorf("%+v gave %+v, want %+v", tt.cfg, *got, tt.want)
		}
	}
}
