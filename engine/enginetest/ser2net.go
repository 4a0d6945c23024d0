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

// Ser2netOptions says how StartSer2netWith exports a device.
type Ser2netOptions struct {
	// RFC2217 exports the device with telnet and the com port option
	// (accepter telnet(rfc2217)), as a labgrid exporter does, rather than
	// as raw TCP.
	RFC2217 bool
	// Labgrid exports the device exactly as labgrid's exporter starts
	// ser2net for a NetworkSerialPort: RFC 2217 in server mode, no UUCP
	// lock, up to 10 clients at once.
	Labgrid bool
	// Banner is sent to each client as it connects, "" for none.
	Banner string
}

// Ser2net is a running ser2net exporting one device.
type Ser2net struct {
	Addr string // host:port, accepting connections
	cmd  *exec.Cmd
}

// Stop kills ser2net, as a serial server that goes away mid-session:
// its clients' connections close.
func (s *Ser2net) Stop() {
	s.cmd.Process.Kill()
	s.cmd.Wait()
}

// StartSer2net exports device as raw TCP on a free loopback port with
// Debian's ser2net, as a remote modem is exported, and returns the address
// once ser2net accepts connections. It skips the test when ser2net is not
// installed, unless ATRUN_REQUIRE_SER2NET=1 (CI installs it).
func StartSer2net(ctx context.Context, t testing.TB, device string) string {
	t.Helper()
	return StartSer2netWith(ctx, t, device, Ser2netOptions{}).Addr
}

// StartSer2netWith is StartSer2net with options: RFC 2217, a banner. The
// test's cleanup stops ser2net.
func StartSer2netWith(ctx context.Context, t testing.TB, device string, o Ser2netOptions) *Ser2net {
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
	if err := os.WriteFile(cfg, []byte(ser2netYAML(addr, device, o)), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.CommandContext(ctx, bin, "-n", "-c", cfg, "-P", filepath.Join(dir, "ser2net.pid"))
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	s := &Ser2net{Addr: addr, cmd: cmd}
	t.Cleanup(s.Stop)
	// ser2net says nothing when it is listening: probe the port, as any
	// client of a daemon that just started would, until a deadline.
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	deadline := time.After(10 * time.Second)
	for {
		if c, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
			c.Close()
			return s
		}
		select {
		case <-tick.C:
		case <-deadline:
			t.Fatalf("ser2net did not listen on %s", addr)
		}
	}
}

// ser2netYAML is the configuration the README shows, on loopback.
func ser2netYAML(addr, device string, o Ser2netOptions) string {
	host, port, _ := strings.Cut(addr, ":")
	accepter, connector := "tcp,"+host+","+port, "serialdev,"+device
	switch {
	case o.Labgrid:
		accepter = "telnet(rfc2217,mode=server),tcp," + host + "," + port
		connector = "serialdev(nouucplock=true)," + device
	case o.RFC2217:
		accepter = "telnet(rfc2217),tcp," + host + "," + port
	}
	var b strings.Builder
	fmt.Fprintf(&b, "connection: &modem\n  accepter: %s\n  enable: on\n  options:\n    kickolduser: true\n", accepter)
	if o.Labgrid {
		b.WriteString("    max-connections: 10\n")
	}
	if o.Banner != "" {
		fmt.Fprintf(&b, "    banner: %q\n", o.Banner)
	}
	fmt.Fprintf(&b, "  connector: %s,115200n81,local\n", connector)
	return b.String()
}
