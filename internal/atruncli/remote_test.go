package atruncli

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/atrun/atrun/engine/enginetest"
	"github.com/atrun/atrun/sim"
)

// A remote modem: ser2net exports the virtual EC20's pty as raw TCP on
// loopback, and the shipped script runs with --port tcp://127.0.0.1:PORT,
// as the README shows.
func TestRunOverSer2net(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	s, err := sim.Start(ctx, sim.Options{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	addr := enginetest.StartSer2net(ctx, t, s.DevicePath)
	host, port, _ := strings.Cut(s.BrokerAddr, ":")
	o := call{
		args: []string{"run", "ec20_mqtts", "--port", "tcp://" + addr, "--set", "host=" + host, "--set", "port=" + port,
			"--set", "username=" + s.Username, "--set", "ca_cert=" + s.CAFile, "--set", "listen=10ms"},
		env: []string{"ATRUN_PASSWORD=" + s.Password},
	}.run(t)
	if o.code != exitOK {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", o.code, o.stdout, o.stderr)
	}
	if !strings.Contains(o.stderr, "✓ Disconnect") || strings.Contains(o.stderr+o.stdout, s.Password) {
		t.Fatalf("stderr:\n%s", o.stderr)
	}
}
