package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestChoosePort(t *testing.T) {
	uart := portInfo{Name: "/dev/ttyS0", Interface: -1}
	ec25 := func(serial string, first int) []portInfo {
		var out []portInfo
		for i := 0; i < 4; i++ {
			out = append(out, portInfo{Name: "/dev/ttyUSB" + string(rune('0'+first+i)), USB: true,
				VID: "2C7C", PID: "0125", Serial: serial, Interface: i})
		}
		return out
	}
	ftdi := portInfo{Name: "/dev/ttyUSB9", USB: true, VID: "0403", PID: "6001", Serial: "A1", Interface: 0}
	tests := []struct {
		name  string
		ports []portInfo
		want  string // the port picked, or "" for an error
		err   string // a text the error must hold
	}{
		{"no ports", nil, "", "no Quectel modem (USB vendor 2C7C) among no serial ports"},
		{"no quectel", []portInfo{uart, ftdi}, "", "no Quectel modem (USB vendor 2C7C) among the serial ports /dev/ttyS0, /dev/ttyUSB9"},
		{"one EC25", append([]portInfo{uart}, ec25("123", 0)...), "/dev/ttyUSB2", ""},
		{"one EC25 among others", append(append([]portInfo{ftdi}, ec25("123", 3)...), uart), "/dev/ttyUSB5", ""},
		{"lower-case vid", []portInfo{{Name: "/dev/ttyUSB2", USB: true, VID: "2c7c", PID: "0125", Interface: 2}}, "/dev/ttyUSB2", ""},
		{"two modems", append(ec25("123", 0), ec25("456", 4)...), "", "several Quectel modems (/dev/ttyUSB2, /dev/ttyUSB6)"},
		{"interfaces unknown", []portInfo{
			{Name: "/dev/ttyUSB0", USB: true, VID: "2C7C", PID: "0125", Serial: "1", Interface: -1},
			{Name: "/dev/ttyUSB1", USB: true, VID: "2C7C", PID: "0125", Serial: "1", Interface: -1},
		}, "", "none is USB interface 2"},
		{"two devices, interfaces unknown", []portInfo{
			{Name: "/dev/ttyUSB0", USB: true, VID: "2C7C", PID: "0125", Serial: "1", Interface: -1},
			{Name: "/dev/ttyUSB1", USB: true, VID: "2C7C", PID: "0125", Serial: "2", Interface: -1},
		}, "", "several Quectel devices"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := choosePort(tc.ports)
			if tc.want != "" {
				if err != nil || got.Name != tc.want {
					t.Fatalf("got %q, %v; want %q", got.Name, err, tc.want)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Fatalf("err %v, want it to hold %q", err, tc.err)
			}
			if exitCode(err) != exitUsage || !strings.Contains(err.Error(), "--port") {
				t.Errorf("not a usage error that points at --port: %v", err)
			}
		})
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
	writeFile(t, iface, "bInterfaceNumber", "02\n")
	writeFile(t, acm, "bInterfaceNumber", "0a\n")
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

func TestPrintPorts(t *testing.T) {
	var b strings.Builder
	printPorts(&b, []portInfo{
		{Name: "/dev/ttyS0", Interface: -1},
		{Name: "/dev/ttyUSB2", USB: true, VID: "2C7C", PID: "0125", Serial: "0123", Product: "EC25", Interface: 2},
	})
	lines := strings.Split(strings.TrimSpace(b.String()), "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[0], "PORT") ||
		!strings.Contains(lines[2], "2C7C:0125") || !strings.HasSuffix(lines[2], "<- Quectel AT port") ||
		strings.Contains(lines[1], "Quectel") {
		t.Errorf("table:\n%s", b.String())
	}
}
