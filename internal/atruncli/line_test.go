package atruncli

import (
	"os"
	"strings"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/atrun/atrun/engine/enginetest"
)

// lineSettings reads the stop bits and flow control a program left on the
// serial line at path.
func lineSettings(t *testing.T, path string) (cstopb, crtscts bool) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	tio, err := unix.IoctlGetTermios(int(f.Fd()), unix.TCGETS)
	if err != nil {
		t.Fatal(err)
	}
	return tio.Cflag&unix.CSTOPB != 0, tio.Cflag&unix.CRTSCTS != 0
}

// The line settings of a modem's UART come from the command line, as
// --baud does: data bits, parity, stop bits and RTS/CTS.
func TestLineSettingsFromFlags(t *testing.T) {
	_, slave := startModem(t,
		enginetest.Step{Expect: "AT\r", Reply: "AT\r\r\nOK\r\n"},
		enginetest.Step{Expect: "AT\r", Reply: "AT\r\r\nOK\r\n"},
	)
	o := atrun(t, t.TempDir(), "send", "--port", slave, "--data-bits", "7", "--parity", "even", "--stop-bits", "2", "--rtscts", "AT")
	if o.code != exitOK {
		t.Fatalf("exit %d\n%s%s", o.code, o.stdout, o.stderr)
	}
	// A Linux pseudo-terminal keeps CS8 without parity whatever it is
	// asked (the engine's TestSerialMode covers those two); the stop bits
	// and the flow control show that the flags reached the line.
	cstopb, crtscts := lineSettings(t, slave)
	if !cstopb || !crtscts {
		t.Errorf("line left with two stop bits %v, RTS/CTS %v; want both", cstopb, crtscts)
	}
}

// A line setting the port cannot take is one clear setup error.
func TestLineSettingsRefused(t *testing.T) {
	_, slave := startModem(t)
	for _, tt := range []struct {
		flag, value, says string
	}{
		{"--parity", "purple", "parity"},
		{"--stop-bits", "3", "stop bits"},
	} {
		o := atrun(t, t.TempDir(), "send", "--port", slave, tt.flag, tt.value, "AT")
		if o.code != exitUsage || !strings.Contains(o.stderr, tt.says) {
			t.Errorf("%s %s: exit %d\n%s", tt.flag, tt.value, o.code, o.stderr)
		}
	}
}
