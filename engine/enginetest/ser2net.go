package enginetest

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
)

// StartSer2net exports device as raw TCP on a free loopback port with
// Debian's ser2net, as a remote modem is exported, and returns the address
// once ser2net accepts connections. It skips the test when ser2net is not
// installed, unless ATRUN_REQUIRE_SER2NET=1 (CI installs it).
func StartSer2net(ctx context.Context, t testing.TB, device string) string {
	t.Helper()
	bin, err := exec.LookPath("ser2net")
	if err != nil {
		if os.Getenv("ATRUN_REQUIRE_SER2NET") == "1" {
			t.Fatal("ser2net is required (ATRUN_REQUIRE_SER2NET=1) but not installed: apt-get install ser2net")
		}
		t.Skip("ser2net is not installed")
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close() // ser2net takes the port over
	dir := t.TempDir()
	cfg := filepath.Join(dir, "ser2net.yaml")
	_, port, _ := strings.Cut(addr, ":")
	yaml := fmt.Sprintf("connection: &modem\n  accepter: tcp,127.0.0.1,%s\n  enable: on\n  options:\n    kickolduser: true\n  connector: serialdev,%s,115200n81,local\n", port, device)
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
