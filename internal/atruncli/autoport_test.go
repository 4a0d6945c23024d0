package atruncli

import (
	"strings"
	"testing"

	"github.com/atrun/atrun/engine"
)

// resolvePort passes names through the engine's parser: a bad one is a
// usage error before anything is opened.
func TestResolvePort(t *testing.T) {
	var b strings.Builder
	for _, name := range []string{"", "/dev/ttyUSB2", "tcp://h:2000", "rfc2217://h:4000"} {
		got, err := resolvePort(name, &b)
		if err != nil || got != name {
			t.Errorf("resolvePort(%q) = %q, %v", name, got, err)
		}
	}
	for _, name := range []string{"tcp://h", "ssh://h:22"} {
		_, err := resolvePort(name, &b)
		if err == nil || exitCode(err) != exitUsage {
			t.Errorf("resolvePort(%q): err %v, exit %d", name, err, exitCode(err))
		}
	}
	if b.Len() != 0 {
		t.Errorf("printed %q", b.String())
	}
}

// An auto that cannot pick is a usage error whose hint points at --port
// and at atrun ports (the engine's own message names neither).
func TestAutoPortFailure(t *testing.T) {
	_, err := engine.ChoosePort([]engine.PortInfo{{Name: "/dev/ttyS0", Interface: -1}})
	f := classify(err)
	if f.code != exitUsage || !strings.HasPrefix(f.message, "--port auto: no Quectel modem") ||
		!strings.Contains(f.hint, "--port") || !strings.Contains(f.hint, "atrun ports") {
		t.Errorf("got %+v", f)
	}
}

func TestPrintPorts(t *testing.T) {
	var b strings.Builder
	printPorts(&b, []engine.PortInfo{
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
