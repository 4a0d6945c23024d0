package atruncli

import (
	"bufio"
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/atrun/atrun/engine"
	"github.com/atrun/atrun/sim"
	"github.com/atrun/atrun/sim/broker"
)

// simProcess is `atrun sim` running as a subprocess, its stdout read line
// by line as it comes.
type simProcess struct {
	cmd    *exec.Cmd
	stderr *bytes.Buffer
	lines  chan string
	seen   []string // the stdout lines read so far
}

// startSim starts `atrun sim args...` and waits until it has printed
// everything up to its last line, "Ctrl+C stops it.".
func startSim(t testing.TB, env []string, args ...string) *simProcess {
	t.Helper()
	cmd, _, stderr := call{args: append([]string{"sim"}, args...), env: env, dir: t.TempDir()}.command(t)
	return launchSim(t, cmd, stderr)
}

// launchSim starts cmd, an `atrun sim` maybe wrapped in another program,
// in a process group of its own, so that Ctrl+C reaches the wrapper too.
func launchSim(t testing.TB, cmd *exec.Cmd, stderr *bytes.Buffer) *simProcess {
	t.Helper()
	// A pipe of our own rather than a buffer: the lines are read while
	// the process runs, and reading never races with cmd.Wait.
	pr, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout = pw
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	pw.Close()
	t.Cleanup(func() { cmd.Process.Kill() })
	p := &simProcess{cmd: cmd, stderr: stderr, lines: make(chan string, 100)}
	go func() {
		defer pr.Close()
		defer close(p.lines)
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			p.lines <- sc.Text()
		}
	}()
	p.await(t, regexp.MustCompile(`^Ctrl\+C stops (it|them)\.$`))
	return p
}

// await reads stdout until a line matches re, within a deadline, and
// returns the line's submatches.
func (p *simProcess) await(t testing.TB, re *regexp.Regexp) []string {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		select {
		case line, ok := <-p.lines:
			if !ok {
				t.Fatalf("atrun sim ended before printing %s\nstdout:\n%s\nstderr:\n%s", re, p.stdout(), p.stderr)
			}
			p.seen = append(p.seen, line)
			if m := re.FindStringSubmatch(line); m != nil {
				return m
			}
		case <-deadline:
			t.Fatalf("atrun sim did not print %s within 10s\nstdout:\n%s", re, p.stdout())
		}
	}
}

func (p *simProcess) stdout() string { return strings.Join(p.seen, "\n") }

// field is the value of a "  name: value" line of what atrun sim printed.
func (p *simProcess) field(t testing.TB, name string) string {
	t.Helper()
	re := regexp.MustCompile(`^  ` + regexp.QuoteMeta(name) + `: +(.*)$`)
	for _, l := range p.seen {
		if m := re.FindStringSubmatch(l); m != nil {
			return m[1]
		}
	}
	t.Fatalf("no %q line in:\n%s", name, p.stdout())
	return ""
}

// interrupt sends Ctrl+C and waits for the process to end.
func (p *simProcess) interrupt(t testing.TB) outcome {
	t.Helper()
	if err := syscall.Kill(-p.cmd.Process.Pid, syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	return waitFor(t, p.cmd, &bytes.Buffer{}, p.stderr, 5*time.Second)
}

// atrun sim serves a device that any program opens as a modem's port: the
// engine through go.bug.st/serial, pppd's chat, and the atrun run line it
// prints for pasting. Ctrl+C ends it with exit 0 and removes its link.
func TestSimServesADevice(t *testing.T) {
	ext := startBroker(t)
	tests := []struct {
		name     string
		args     []string
		env      []string
		broker   string // the broker line's value
		password string // what the pasted line's ATRUN_PASSWORD must become; "" when printed
	}{
		{name: "embedded broker", broker: `mqtts://127\.0\.0\.1:\d+ \(embedded\)`},
		{name: "external broker",
			args: []string{"--broker", ext.URL(), "--broker-ca", ext.CAFile(), "--broker-user", ext.Username(),
				"--fault", "split", "--port-name", "uart1", "--seed", "7"},
			env:    []string{"ATRUN_BROKER_PASSWORD=" + ext.Password()},
			broker: regexp.QuoteMeta(ext.URL()) + ` \(external\)`, password: ext.Password()},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			link := filepath.Join(t.TempDir(), "ec20")
			p := startSim(t, tc.env, append(tc.args, "--link", link)...)
			dev := p.field(t, "device")
			if target, err := os.Readlink(link); err != nil || target != dev {
				t.Fatalf("link %s -> %q (%v), want %s", link, target, err, dev)
			}
			if b := p.field(t, "broker"); !regexp.MustCompile(`^` + tc.broker + `$`).MatchString(b) {
				t.Errorf("broker %q, want %s", b, tc.broker)
			}
			checkSimPrinted(t, p, tc.password != "")
			talkAT(t, link)
			runChat(t, link)
			runPasted(t, p, tc.password, "--set", "listen=1ms")
			o := p.interrupt(t)
			if o.code != 0 || !strings.Contains(o.stderr, "virtual EC20 stopped") {
				t.Errorf("after Ctrl+C: exit %d, stderr:\n%s", o.code, o.stderr)
			}
			if _, err := os.Lstat(link); !os.IsNotExist(err) {
				t.Errorf("the link %s is still there after Ctrl+C (%v)", link, err)
			}
		})
	}
}

// startBroker starts a broker of the test's own, as an external one.
func startBroker(t *testing.T) *broker.Embedded {
	t.Helper()
	b, err := broker.Start(broker.Options{Dir: t.TempDir(), Username: "dev1", Password: "ext-Pa55word"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	return b
}

// checkSimPrinted checks what atrun sim says besides the device: the CA,
// the credentials (a password the user gave stays unprinted), and the
// commands to paste.
func checkSimPrinted(t *testing.T, p *simProcess, givenPassword bool) {
	t.Helper()
	if ca := p.field(t, "CA file"); !strings.HasSuffix(ca, ".pem") {
		t.Errorf("CA file %q", ca)
	}
	pw := p.field(t, "password")
	if givenPassword != strings.Contains(pw, "not printed") {
		t.Errorf("password line %q (a password was given: %v)", pw, givenPassword)
	}
	if givenPassword && strings.Contains(p.stdout(), "ext-Pa55word") {
		t.Errorf("the given password is printed:\n%s", p.stdout())
	}
	for _, re := range []string{
		`(?m)^  picocom -b 115200 \S+/ec20$`,
		`(?m)^  ATRUN_PASSWORD=\S.* atrun run ec20_mqtts --port \S+/ec20 --set host=127\.0\.0\.1 --set port=\d+ --set ca_cert=\S+\.pem --set username=\S+( --set urcport=uart1 --set fix_urcport=1)?$`,
	} {
		if !regexp.MustCompile(re).MatchString(p.stdout()) {
			t.Errorf("stdout does not match %s:\n%s", re, p.stdout())
		}
	}
}

// talkAT opens the device as atrun opens a serial port and sends AT and ATI.
func talkAT(t *testing.T, dev string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	port, err := engine.Open(ctx, dev, engine.SerialConfig{Baud: 115200})
	if err != nil {
		t.Fatal(err)
	}
	conn := engine.New(port, engine.Config{Name: dev})
	defer conn.Close()
	if _, err := conn.Send(ctx, "AT"); err != nil {
		t.Fatalf("AT: %v", err)
	}
	r, err := conn.Send(ctx, "ATI")
	if err != nil || !strings.Contains(strings.Join(r.Lines, "\n"), "Quectel") {
		t.Fatalf("ATI: %+v, %v", r, err)
	}
}

// runChat has pppd's chat talk to the device, as a dial-up script would.
// CI installs ppp and sets ATRUN_REQUIRE_CHAT=1, so the test cannot pass
// there by skipping.
func runChat(t *testing.T, dev string) {
	t.Helper()
	chat, err := exec.LookPath("chat")
	if err != nil {
		if os.Getenv("ATRUN_REQUIRE_CHAT") == "1" {
			t.Fatal("chat not found (apt-get install ppp), and ATRUN_REQUIRE_CHAT=1")
		}
		t.Log("chat not found (apt-get install ppp): skipping the chat check")
		return
	}
	f, err := os.OpenFile(dev, os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var log bytes.Buffer
	cmd := exec.Command(chat, "-v", "-s", "-S", "-t", "3", "", "AT", "OK", "ATI", "OK")
	cmd.Stdin, cmd.Stdout, cmd.Stderr = f, f, &log
	if err := cmd.Run(); err != nil {
		t.Fatalf("chat: %v\n%s", err, log.String())
	}
	if !strings.Contains(log.String(), "Quectel") {
		t.Errorf("chat's log lacks ATI's answer:\n%s", log.String())
	}
}

// passwordPlaceholder is what atrun sim prints in place of a password
// the user gave.
const passwordPlaceholder = "'<the password you gave>'"

// runPasted runs the `atrun run ec20_mqtts` line atrun sim printed, as a
// user pasting it would, with the password it names (or the one given),
// and the extra arguments.
func runPasted(t testing.TB, p *simProcess, password string, extra ...string) outcome {
	t.Helper()
	var line string
	for _, l := range p.seen {
		if strings.Contains(l, "atrun run ec20_mqtts") {
			line = l
		}
	}
	if password != "" {
		line = strings.Replace(line, passwordPlaceholder, password, 1)
	}
	words := strings.Fields(line)
	env, args := words[0], words[2:]
	o := call{args: append(args, extra...), env: []string{env}, dir: t.TempDir()}.run(t)
	if o.code != 0 || !strings.Contains(o.stderr, "✓ Disconnect") {
		t.Fatalf("the pasted line: exit %d\n%s\nstderr:\n%s", o.code, line, o.stderr)
	}
	return o
}

// Bad flags are usage errors, before anything starts.
func TestSimBadFlags(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"unknown fault", []string{"--fault", "gremlins"}, `--fault: unknown fault "gremlins" (known: `},
		{"fault value", []string{"--fault", "slow-registration=soon"}, "slow-registration needs a positive duration"},
		{"port name", []string{"--port-name", "usb9"}, `--port-name "usb9": the EC20's ports are usbat, usbmodem, uart1, uart2`},
		{"broker without CA", []string{"--broker", "mqtts://example.com:8883"}, "--broker needs --broker-ca"},
		{"CA without broker", []string{"--broker-ca", "ca.pem"}, "--broker-ca goes with --broker"},
		{"broker URL", []string{"--broker", "http://example.com", "--broker-ca", "ca.pem"}, "write it as mqtts://host:port"},
		{"unreachable broker", []string{"--broker", "mqtts://127.0.0.1:1", "--broker-ca", "missing.pem"}, "cannot start the virtual EC20: "},
		{"argument", []string{"no-sim"}, "atrun sim takes no arguments"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			o := atrun(t, t.TempDir(), append([]string{"sim"}, tc.args...)...)
			if o.code != exitUsage || !strings.Contains(o.stderr, tc.want) {
				t.Errorf("exit %d, want 2 and %q in:\n%s", o.code, tc.want, o.stderr)
			}
			checkCleanFailure(t, o)
		})
	}
}

// --fault help and --help list every fault with what it does.
func TestSimFaultHelp(t *testing.T) {
	for _, args := range [][]string{{"sim", "--fault", "help"}, {"sim", "--help"}, {"demo", "--fault", "help"}} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			o := atrun(t, t.TempDir(), args...)
			if o.code != 0 {
				t.Fatalf("exit %d: %s", o.code, o.stderr)
			}
			for _, line := range sim.FaultHelp() {
				if !strings.Contains(o.stdout, "  "+line+"\n") {
					t.Errorf("no %q in:\n%s", line, o.stdout)
				}
			}
		})
	}
}
