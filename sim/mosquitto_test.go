package sim_test

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/atrun/atrun/sim"
	"github.com/atrun/atrun/sim/broker"
)

// mosquittoBroker is a running Debian mosquitto with TLS and a password
// file, configured as the platform notes (§5) describe.
type mosquittoBroker struct {
	url, caFile, user, pass string
}

// startMosquitto skips the test when mosquitto is not installed, unless
// ATRUN_REQUIRE_MOSQUITTO=1 makes that a failure.
func startMosquitto(t *testing.T, ctx context.Context) mosquittoBroker {
	t.Helper()
	bin, err := exec.LookPath("mosquitto")
	if err != nil {
		bin = "/usr/sbin/mosquitto"
	}
	passwd, perr := exec.LookPath("mosquitto_passwd")
	if _, err := os.Stat(bin); err != nil || perr != nil {
		if os.Getenv("ATRUN_REQUIRE_MOSQUITTO") == "1" {
			t.Fatalf("mosquitto required (ATRUN_REQUIRE_MOSQUITTO=1) but not installed: %v %v", err, perr)
		}
		t.Skip("mosquitto not installed")
	}
	dir := t.TempDir()
	mb := mosquittoBroker{caFile: filepath.Join(dir, "ca.crt"), user: "modem", pass: "s3cret"}
	writeCerts(t, dir)
	if out, err := exec.CommandContext(ctx, passwd, "-c", "-b", filepath.Join(dir, "passwd"), mb.user, mb.pass).CombinedOutput(); err != nil {
		t.Fatalf("mosquitto_passwd: %v %s", err, out)
	}
	port := freePort(t)
	conf := filepath.Join(dir, "mosquitto.conf")
	user := ""
	if os.Getuid() == 0 {
		user = "user root\n" // as root mosquitto would drop to a user that cannot read t.TempDir
	}
	writeFile(t, conf, []byte(fmt.Sprintf(`%sper_listener_settings false
persistence false
set_tcp_nodelay true
log_dest stderr
listener %d 127.0.0.1
cafile %s
certfile %s
keyfile %s
allow_anonymous false
password_file %s
`, user, port, mb.caFile, filepath.Join(dir, "server.crt"), filepath.Join(dir, "server.key"), filepath.Join(dir, "passwd"))))
	runMosquitto(t, bin, conf, port)
	mb.url = fmt.Sprintf("mqtts://127.0.0.1:%d", port)
	return mb
}

// writeCerts makes a CA and a server certificate, world-readable so that
// mosquitto can read them after dropping privileges.
func writeCerts(t *testing.T, dir string) {
	t.Helper()
	ca, err := broker.NewCA("mosquitto test CA")
	if err != nil {
		t.Fatal(err)
	}
	leaf, err := ca.IssueServer("localhost", "127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(dir, "ca.crt"), ca.CertPEM())
	writeFile(t, filepath.Join(dir, "server.crt"), leaf.CertPEM)
	writeFile(t, filepath.Join(dir, "server.key"), leaf.KeyPEM)
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
}

func writeFile(t *testing.T, name string, data []byte) {
	t.Helper()
	if err := os.WriteFile(name, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// runMosquitto starts mosquitto and waits for its "running" notice on
// stderr; the broker is stopped when the test ends.
func runMosquitto(t *testing.T, bin, conf string, port int) {
	t.Helper()
	cmd := exec.Command(bin, "-c", conf)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start mosquitto: %v", err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	ready := make(chan error, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		var log []string
		for sc.Scan() {
			log = append(log, sc.Text())
			if strings.Contains(sc.Text(), " running") {
				ready <- nil
				for sc.Scan() { // keep draining so mosquitto never blocks on stderr
				}
				return
			}
		}
		ready <- fmt.Errorf("mosquitto exited before it was running:\n%s", strings.Join(log, "\n"))
	}()
	ctx := deadline(t)
	select {
	case err := <-ready:
		if err != nil {
			t.Fatal(err)
		}
	case <-ctx.Done():
		t.Fatalf("mosquitto on port %d never said it was running", port)
	}
}

// The simulated modem against Debian's mosquitto: MQTT 3.1.1 over TLS with
// a password, the full sequence, then a wrong password.
func TestMosquittoInterop(t *testing.T) {
	ctx := deadline(t)
	mb := startMosquitto(t, ctx)
	s, err := sim.Start(ctx, sim.Options{Broker: sim.BrokerOptions{
		URL: mb.url, CAFile: mb.caFile, Username: mb.user, Password: mb.pass}})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	c := dialAT(t, s.DevicePath)
	defer c.close()
	c.waitBoot(ctx)
	mqttsSequence(t, ctx, s, c)

	host, port, _ := strings.Cut(s.BrokerAddr, ":")
	c.ok(ctx, fmt.Sprintf(`AT+QMTOPEN=0,"%s",%s`, host, port))
	if u := c.waitURC(ctx, "+QMTOPEN:"); u != "+QMTOPEN: 0,0" {
		t.Fatalf("reopen: %s", u)
	}
	c.ok(ctx, fmt.Sprintf(`AT+QMTCONN=0,"ec20-test","%s","wrong"`, s.Username))
	// MQTT 3.1.1 defines 4 for a bad user name or password; mosquitto
	// answers 5 (not authorised). The simulator reports what the broker sent.
	u := c.waitURC(ctx, "+QMTCONN:")
	if u != "+QMTCONN: 0,0,4" && u != "+QMTCONN: 0,0,5" {
		t.Fatalf("wrong password: %s", u)
	}
	t.Logf("mosquitto refuses a wrong password with %s", u)
}
