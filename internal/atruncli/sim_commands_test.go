package atruncli

import (
	"context"
	"io"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/atrun/atrun/engine"
)

func TestSimListsItsCommands(t *testing.T) {
	o := atrun(t, t.TempDir(), "sim", "--commands")
	if o.code != 0 {
		t.Fatalf("exit %d: %s", o.code, o.stderr)
	}
	for _, c := range []string{"AT+CMGS\n", "AT+QFDWL\n", "AT+QPING\n", "AT+QMTOPEN\n", "ATE\n"} {
		if !strings.Contains(o.stdout, c) {
			t.Errorf("--commands lacks %s", c)
		}
	}
}

// On --sim, the ERROR of a command the virtual EC20 lacks says so, and
// the sim's own note says it too; ec20_mqtts receives the broker's reply.
func TestRunOnSimNamesACommandItLacks(t *testing.T) {
	dir := t.TempDir()
	script := writeFile(t, dir, "lacks.lua", `step("x", function() send("AT+QFOO=1") end)`)
	o := atrun(t, dir, "run", script, "--sim")
	if o.code != 1 || !strings.Contains(o.stderr, "hint: the virtual EC20 does not implement AT+QFOO") ||
		!strings.Contains(o.stderr, "virtual EC20: AT+QFOO is not implemented here") {
		t.Fatalf("exit %d\n%s", o.code, o.stderr)
	}
	o = atrun(t, dir, "run", "ec20_mqtts", "--sim")
	if o.code != 0 || !strings.Contains(o.stdout, `"led": "on"`) || strings.Contains(o.stderr, "no message arrived") {
		t.Fatalf("exit %d\nstdout %s\nstderr %s", o.code, o.stdout, o.stderr)
	}
}

// The hint that the virtual EC20 lacks a command reaches a script that
// catches the error, and the JSON report, not only the CLI's last words.
func TestLackingHintReachesLuaAndJSON(t *testing.T) {
	dir := t.TempDir()
	script := writeFile(t, dir, "pcall.lua", `local ok, e = pcall(send, "AT+QFOO=1")
print("caught: " .. tostring(e.hint))
send("AT+QBAR")`)
	o := atrun(t, dir, "run", script, "--sim")
	want := "caught: the virtual EC20 does not implement AT+QFOO "
	if o.code != 1 || !strings.Contains(o.stdout+o.stderr, want) {
		t.Fatalf("exit %d, no %q\nstdout %s\nstderr %s", o.code, want, o.stdout, o.stderr)
	}
	o = atrun(t, dir, "run", script, "--sim", "--json")
	if !strings.Contains(o.stdout, `"hint":"the virtual EC20 does not implement AT+QBAR `) {
		t.Fatalf("exit %d, JSON without the hint\n%s", o.code, o.stdout)
	}
}

// atrun sim delivers an SMS given with --sms and one typed on its standard
// input, logs commands with --log, and prints mosquitto lines that work
// against its broker.
func TestSimSMSAndLog(t *testing.T) {
	call := call{args: []string{"sim", "--log", "--sms", "+491701234567:hello there"}, dir: t.TempDir()}
	cmd, _, stderr := call.command(t)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	p := launchSim(t, cmd, stderr)
	dev := p.field(t, "device")
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	port, err := engine.Open(ctx, dev, engine.SerialConfig{Baud: 115200})
	if err != nil {
		t.Fatal(err)
	}
	conn := engine.New(port, engine.Config{Name: dev})
	defer conn.Close()
	for _, c := range []string{"ATE0", "AT+CMGF=1"} {
		if _, err := conn.Send(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	r, err := conn.Send(ctx, `AT+CMGL="ALL"`)
	if err != nil || len(r.Lines) != 2 || r.Lines[1] != "hello there" {
		t.Fatalf("stored: %v %v", r, err)
	}
	if _, err := io.WriteString(stdin, "sms +4930123 typed in\n"); err != nil {
		t.Fatal(err)
	}
	u, err := conn.WaitURC(ctx, engine.Prefix(`+CMTI: "SM",1`), 10*time.Second)
	if err != nil || u.Text != `+CMTI: "SM",1` {
		t.Fatalf("typed SMS: %q %v", u.Text, err)
	}
	checkMosquittoLines(t, p)
	o := p.interrupt(t)
	if !strings.Contains(o.stderr, `virtual EC20: host: AT+CMGL="ALL"`) || !strings.Contains(o.stderr, "virtual EC20: URC: +CMTI:") {
		t.Errorf("--log shows no commands or URCs:\n%s", o.stderr)
	}
}

// checkMosquittoLines runs the printed mosquitto_sub and mosquitto_pub
// lines: what the one publishes the other receives.
func checkMosquittoLines(t *testing.T, p *simProcess) {
	t.Helper()
	var sub, pub string
	for _, l := range p.seen {
		switch l = strings.TrimSpace(l); {
		case strings.HasPrefix(l, "mosquitto_sub "):
			sub = l
		case strings.HasPrefix(l, "mosquitto_pub "):
			pub = l
		}
	}
	if sub == "" || pub == "" {
		t.Fatalf("no mosquitto lines in:\n%s", p.stdout())
	}
	if _, err := exec.LookPath("mosquitto_sub"); err != nil {
		if os.Getenv("ATRUN_REQUIRE_MOSQUITTO") != "" {
			t.Fatal("mosquitto_sub is not installed")
		}
		t.Log("mosquitto clients not installed: the printed lines are not run")
		return
	}
	// Published retained, the message reaches the subscriber whenever its
	// subscription is in place.
	if o, err := exec.Command("sh", "-c", pub+" -r").CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", pub, err, o)
	}
	out, err := exec.Command("sh", "-c", sub+" -C 1 -W 10").CombinedOutput()
	if err != nil || !strings.Contains(string(out), `atrun/down {"led":"on"}`) {
		t.Fatalf("%s: %v\n%s", sub, err, out)
	}
}
