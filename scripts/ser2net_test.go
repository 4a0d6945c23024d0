package scripts_test

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/atrun/atrun/engine"
	"github.com/atrun/atrun/engine/secret"
	"github.com/atrun/atrun/luabind"
	"github.com/atrun/atrun/scripts"
	"github.com/atrun/atrun/sim"
)

// TestOverSer2net runs the shipped script on a remote modem: Debian's
// ser2net exports the virtual EC20's pty as raw TCP on loopback, and the
// engine opens tcp://127.0.0.1:PORT. Skipped when ser2net is not
// installed, unless ATRUN_REQUIRE_SER2NET=1 (CI installs it).
func TestOverSer2net(t *testing.T) {
	bin, err := exec.LookPath("ser2net")
	if err != nil {
		if os.Getenv("ATRUN_REQUIRE_SER2NET") == "1" {
			t.Fatal("ser2net is required (ATRUN_REQUIRE_SER2NET=1) but not installed: apt-get install ser2net")
		}
		t.Skip("ser2net is not installed")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	s, err := sim.Start(ctx, sim.Options{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	addr := startSer2net(ctx, t, bin, s.DevicePath)

	port, err := engine.Open(ctx, "tcp://"+addr, engine.SerialConfig{})
	if err != nil {
		t.Fatal(err)
	}
	secrets := &secret.Set{}
	conn := engine.New(port, engine.Config{Name: "tcp://" + addr, Secrets: secrets})
	defer conn.Close()
	host, p, _ := strings.Cut(s.BrokerAddr, ":")
	src, name, _ := scripts.Lookup("ec20_mqtts")
	rep := &report{}
	r := luabind.NewRunner(luabind.Options{Conn: conn, Port: "tcp://" + addr, Secrets: secrets, Modules: scripts.Modules, Report: rep,
		Params: map[string]string{"host": host, "port": p, "username": s.Username, "password": s.Password,
			"ca_cert": s.CAFile, "listen": "10ms"},
		Getenv: func(string) string { return "" }})
	if _, err := r.Run(ctx, luabind.Script{Name: name, Source: src}); err != nil {
		t.Fatalf("%v\n%s", err, strings.Join(rep.lines, "\n"))
	}
	if !contains(rep.lines, "step Disconnect ok") {
		t.Fatalf("log:\n%s", strings.Join(rep.lines, "\n"))
	}
}

// startSer2net exports device on a free loopback port and returns its
// address once ser2net accepts connections.
func startSer2net(ctx context.Context, t *testing.T, bin, device string) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close() // ser2net takes the port over
	dir := t.TempDir()
	cfg := filepath.Join(dir, "ser2net.yaml")
	_, p, _ := strings.Cut(addr, ":")
	yaml := fmt.Sprintf("connection: &modem\n  accepter: tcp,127.0.0.1,%s\n  enable: on\n  options:\n    kickolduser: true\n  connector: serialdev,%s,115200n81,local\n", p, device)
	if err := os.WriteFile(cfg, []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.CommandContext(ctx, bin, "-n", "-c", cfg, "-P", filepath.Join(dir, "ser2net.pid"))
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	// ser2net says nothing when it is listening: probe the port, as any
	// client of a daemon that just started would, until a deadline.
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	deadline := time.After(10 * time.Second)
	for {
		if c, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
			c.Close()
			return addr
		}
		select {
		case <-tick.C:
		case <-deadline:
			t.Fatalf("ser2net did not listen on %s", addr)
		}
	}
}
