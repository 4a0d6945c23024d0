package atruncli

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/atrun/atrun/engine/enginetest"
	"github.com/atrun/atrun/engine/transcript"
)

// The script the run tests use: steps, a secret password in a command the
// modem echoes back, a URC, a print and a log.
const connectScript = `local pw = secret("password")
step("Sync", function()
  send("AT")
end)
step("Connect", function()
  send(string.format('AT+QMTCONN=0,"dev1","user","%s"', pw))
  local _, client, result = wait_urc("+QMTCONN:", "5s")
  info("connected with result " .. result)
end)
local csq = send("AT+CSQ")
print("signal " .. csq.lines[1])
`

const password = "hunter2-secret"

// connectModem is the fake modem's side of connectScript. Echo is on, so
// the password comes back from the modem too.
func connectModem() []enginetest.Step {
	conn := `AT+QMTCONN=0,"dev1","user","` + password + `"` + "\r"
	return []enginetest.Step{
		cleanStart,
		{Expect: "AT\r", Reply: "AT\r\r\nOK\r\n"},
		{Expect: conn, Reply: conn + "\r\nOK\r\n\r\n+QMTCONN: 0,0,0\r\n"},
		{Expect: "AT+CSQ\r", Reply: "AT+CSQ\r\r\n+CSQ: 19,99\r\n\r\nOK\r\n"},
	}
}

// startModem runs the fake modem on a new pseudo-terminal and returns the
// path atrun opens. chunk 3 splits the password across reads.
// cleanStart is the exchange atrun run begins with on a modem whose line
// is clean: one AT, one OK.
var cleanStart = enginetest.Step{Expect: "AT\r", Reply: "AT\r\r\nOK\r\n"}

func startModem(t *testing.T, steps ...enginetest.Step) (*enginetest.Fake, string) {
	t.Helper()
	master, slave := enginetest.OpenPTY(t)
	return enginetest.Run(t, master, 3, steps...), slave
}

func TestRunAgainstPTY(t *testing.T) {
	fake, slave := startModem(t, connectModem()...)
	dir := t.TempDir()
	writeFile(t, dir, "connect.lua", connectScript)
	rec := filepath.Join(dir, "session.txt")
	o := atrun(t, dir, "run", "connect.lua", "--port", slave, "--set", "password="+password,
		"--set", "colour=blue", "--trace", "--record", rec)
	if o.code != 0 {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", o.code, o.stdout, o.stderr)
	}
	fake.Finished(t)

	t.Run("output", func(t *testing.T) {
		for _, re := range []string{
			`(?m)^▸ Sync$`, `(?m)^✓ Sync \(\d+ (µs|ms)\)$`,
			`(?m)^✓ Connect \(\d+ (µs|ms)\)$`,
		} {
			if !regexp.MustCompile(re).MatchString(o.stderr) {
				t.Errorf("stderr does not match %s:\n%s", re, o.stderr)
			}
		}
		if o.stdout != "signal +CSQ: 19,99\n" {
			t.Errorf("stdout holds more than the script's print:\n%s", o.stdout)
		}
		for _, want := range []string{
			"\n  connected with result 0\n", // a log, indented under its step
			"warning: the script never read --set colour",
		} {
			if !strings.Contains(o.stderr, want) {
				t.Errorf("stderr lacks %q:\n%s", want, o.stderr)
			}
		}
	})
	t.Run("trace", func(t *testing.T) {
		for _, re := range []string{
			`(?m)^ +\d+\.\d{6} connect\.lua:3 +-> AT<CR>$`,
			`(?m)^ +\d+\.\d{6} connect\.lua:3 +<- AT<CR>$`,
			`(?m)^ +\d+\.\d{6} connect\.lua:3 +<- <CR><LF>OK<CR><LF>$`,
			`(?m)^ +\d+\.\d{6} connect\.lua:6 +-> AT\+QMTCONN=0,"dev1","user","\*\*\*"<CR>$`,
			`(?m)^ +\d+\.\d{6} connect\.lua:6 +<- AT\+QMTCONN=0,"dev1","user","\*\*\*"<CR>$`,
			`(?m)^ +\d+\.\d{6} connect\.lua:10 +<- <CR><LF>\+CSQ: 19,99<CR><LF>$`,
		} {
			if !regexp.MustCompile(re).MatchString(o.stderr) {
				t.Errorf("trace does not match %s:\n%s", re, o.stderr)
			}
		}
		if strings.Contains(o.stderr, "\x1b[") {
			t.Error("colour in a trace that goes to a file")
		}
	})
	t.Run("record", func(t *testing.T) {
		raw, err := os.ReadFile(rec)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(raw), password) || strings.Contains(string(raw), "hunter2") {
			t.Errorf("the transcript holds the password:\n%s", raw)
		}
		tr, err := transcript.ReadFile(rec)
		if err != nil {
			t.Fatalf("the transcript reader rejects it: %v\n%s", err, raw)
		}
		h := tr.Header
		if h.Script != "connect.lua" || h.Port != slave || h.Baud != 115200 || h.Atrun != "test-1.0" || h.Start.IsZero() {
			t.Errorf("header %+v", h)
		}
		params := map[string]transcript.Text{}
		for _, p := range h.Params {
			params[p.Name] = p.Value
		}
		if pw := params["password"]; len(pw.Holes) == 0 || strings.Contains(string(pw.Bytes), "hunter") {
			t.Errorf("password param not redacted: %+v", pw)
		}
		if string(params["colour"].Bytes) != "blue" {
			t.Errorf("colour param %+v", params["colour"])
		}
		last := tr.Events[len(tr.Events)-1]
		if last.Kind != transcript.End {
			t.Errorf("last event %v, want end", last)
		}
		if !strings.Contains(string(raw), `"AT+CSQ\r"`) {
			t.Errorf("no AT+CSQ write in:\n%s", raw)
		}
	})
	if strings.Contains(o.stdout+o.stderr, "hunter2") {
		t.Errorf("the password leaked into the output:\n%s\n%s", o.stdout, o.stderr)
	}
}

// --json prints one JSON object per line: steps, logs, prints, the end.
func TestRunJSON(t *testing.T) {
	_, slave := startModem(t, connectModem()...)
	dir := t.TempDir()
	writeFile(t, dir, "connect.lua", connectScript)
	o := call{args: []string{"run", "connect.lua", "--json", "--set", "password=" + password},
		dir: dir, env: []string{"ATRUN_PORT=" + slave}}.run(t)
	if o.code != 0 {
		t.Fatalf("exit %d\n%s\n%s", o.code, o.stdout, o.stderr)
	}
	events := parseJSONLines(t, o.stdout)
	var kinds []string
	for _, e := range events {
		kind := e["event"].(string)
		switch kind {
		case "step":
			kind += ":" + e["name"].(string) + ":" + e["status"].(string)
		case "print":
			kind += ":" + e["text"].(string)
		case "log":
			kind += ":" + e["level"].(string)
		}
		kinds = append(kinds, kind)
	}
	want := "step:Sync:start step:Sync:ok step:Connect:start log:info step:Connect:ok print:signal +CSQ: 19,99 end"
	if got := strings.Join(kinds, " "); got != want {
		t.Errorf("events\n got: %s\nwant: %s", got, want)
	}
	end := events[len(events)-1]
	if end["ok"] != true || end["exit_code"].(float64) != 0 {
		t.Errorf("end event %v", end)
	}
}

// A failing command fails the run with exit 1: the script's line and
// step, the modem's answer decoded, and a hint, on stderr; in JSON, the
// same in the end event.
func TestRunModemError(t *testing.T) {
	script := "step(\"SIM\", function()\n  send(\"AT+CPIN?\")\nend)\n"
	for _, asJSON := range []bool{false, true} {
		_, slave := startModem(t, cleanStart, enginetest.Step{Expect: "AT+CPIN?\r", Reply: "\r\n+CME ERROR: 10\r\n"})
		dir := t.TempDir()
		writeFile(t, dir, "sim.lua", script)
		args := []string{"run", "sim.lua", "--port", slave}
		if asJSON {
			args = append(args, "--json")
		}
		o := atrun(t, dir, args...)
		if o.code != exitFailed {
			t.Fatalf("exit %d, want 1\n%s", o.code, o.stderr)
		}
		for _, want := range []string{
			`atrun: sim.lua:2: step "SIM": AT+CPIN?: modem answered +CME ERROR: 10`,
			"\n  meaning: SIM not inserted", "\n  hint: ",
		} {
			if !strings.Contains(o.stderr, want) {
				t.Errorf("stderr lacks %q:\n%s", want, o.stderr)
			}
		}
		if !asJSON {
			if !strings.Contains(o.stderr, "✗ SIM (") {
				t.Errorf("no failed step in:\n%s", o.stderr)
			}
			continue
		}
		events := parseJSONLines(t, o.stdout)
		end := events[len(events)-1]
		e, _ := end["error"].(map[string]any)
		if end["ok"] != false || end["exit_code"].(float64) != 1 || e["line"].(float64) != 2 ||
			e["step"] != "SIM" || e["meaning"] != "SIM not inserted" || e["hint"] == "" {
			t.Errorf("end event %v", end)
		}
	}
}

// A password the script read with param() and sent in AT+QMTCONN is
// redacted from the error, though no trace or recording learned it.
func TestPasswordInCommandRedacted(t *testing.T) {
	conn := `AT+QMTCONN=0,"dev1","user","` + password + `"` + "\r"
	_, slave := startModem(t, cleanStart, enginetest.Step{Expect: conn, Reply: "\r\nERROR\r\n"})
	dir := t.TempDir()
	writeFile(t, dir, "c.lua", `send(string.format('AT+QMTCONN=0,"dev1","user","%s"', param("pw")))`+"\n")
	o := atrun(t, dir, "run", "c.lua", "--port", slave, "--set", "pw="+password)
	if o.code != exitFailed || !strings.Contains(o.stderr, `"user","***"`) || strings.Contains(o.stderr+o.stdout, password) {
		t.Fatalf("exit %d\n%s", o.code, o.stderr)
	}
}

// A timeout of the whole run is a failure (exit 1) that says so.
func TestRunTimeout(t *testing.T) {
	_, slave := startModem(t, cleanStart)
	dir := t.TempDir()
	writeFile(t, dir, "slow.lua", "wait_urc('+QMTRECV:', '1h')\n")
	// A generous limit: the clean start before the script counts too.
	o := atrun(t, dir, "run", "slow.lua", "--port", slave, "--timeout", "3s")
	if o.code != exitFailed || !strings.Contains(o.stderr, "did not finish within --timeout 3s") ||
		!strings.Contains(o.stderr, "slow.lua:1") {
		t.Fatalf("exit %d\n%s", o.code, o.stderr)
	}
	checkCleanFailure(t, o)
}

func parseJSONLines(t *testing.T, out string) []map[string]any {
	t.Helper()
	var events []map[string]any
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		var e map[string]any
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			t.Fatalf("not a JSON line: %q: %v", sc.Text(), err)
		}
		if _, ok := e["t"].(float64); !ok {
			t.Errorf("event without a time: %q", sc.Text())
		}
		events = append(events, e)
	}
	if len(events) == 0 || events[len(events)-1]["event"] != "end" {
		t.Fatalf("the last event is not the end:\n%s", out)
	}
	return events
}
