package atruncli

import (
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/atrun/atrun/sim"
)

// Every way a run ends is recorded, `transcript show` tells it, and the
// same script replayed against its own recording passes, from another
// folder.
func TestRecordedOutcomeReplays(t *testing.T) {
	tests := []struct {
		name   string
		script string // a script's source, or a shipped script's name
		args   []string
		code   int    // the run's exit code
		show   string // what transcript show says of the end
	}{
		{"fail()", "send('AT')\nfail('my assertion failed')\n", []string{"--sim"}, exitFailed,
			"end the session failed: s.lua:2: my assertion failed"},
		{"error()", "send('AT')\nerror('boom')\n", []string{"--sim"}, exitFailed,
			"end the session failed: s.lua:2: boom"},
		{"error() with a table", "send('AT')\nerror({code = 7})\n", []string{"--sim"}, exitFailed,
			"end the session failed: "},
		// The limit is generous: it counts from the start of atrun, and a
		// busy machine took 300 ms to start the virtual modem, so that
		// the script was stopped before its first write.
		{"--timeout", "send('AT')\nsleep(30)\n", []string{"--sim", "--timeout", "3s"}, exitFailed,
			"end the session was stopped by its time limit: the run did not finish within --timeout 3s"},
		{"no SIM", "ec20_mqtts", []string{"--sim", "--fault", "no-sim"}, exitFailed,
			`end the session failed: ec20_mqtts.lua:`},
		{"lost port", "send('AT')\nwait_urc('+QMTSTAT:', '1h')\n", []string{"--port", hangUpServer(t)}, exitFailed,
			"end the session lost its port: "},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			script := tc.script
			if strings.Contains(script, "\n") {
				script = writeFile(t, dir, "s.lua", tc.script)
			}
			rec := filepath.Join(dir, "rec.atr")
			o := atrun(t, dir, append([]string{"run", script, "--record", rec}, tc.args...)...)
			if o.code != tc.code {
				t.Fatalf("run: exit %d, want %d\n%s", o.code, tc.code, o.stderr)
			}
			show := atrun(t, dir, "transcript", "show", rec)
			if !strings.Contains(show.stdout, tc.show) {
				t.Fatalf("transcript show does not say %q:\n%s", tc.show, show.stdout)
			}
			other := t.TempDir()
			r := atrun(t, other, "replay", script, rec)
			if r.code != exitOK || !strings.HasPrefix(r.stdout, "PASS ") {
				t.Fatalf("replay of its own recording: exit %d\n%s%s\ntranscript:\n%s", r.code, r.stdout, r.stderr, show.stdout)
			}
		})
	}
}

// hangUpServer is a raw TCP port (as ser2net serves a modem) that answers
// the clean start's AT and one command with OK, then hangs up: the run
// loses its port.
func hangUpServer(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			buf := make([]byte, 64)
			for range 2 { // the clean start's AT, then the script's
				got := ""
				for !strings.Contains(got, "\r") {
					n, err := c.Read(buf)
					if err != nil {
						break
					}
					got += string(buf[:n])
				}
				c.Write([]byte("\r\nOK\r\n"))
			}
			c.Close()
		}
	}()
	return "tcp://" + ln.Addr().String()
}

// No transcript shape makes a failing script exit 0: a header alone, a
// recording cut short, an imported log. The verdict shows the script's
// error and says the outcome was not recorded; JUnit fails too.
func TestNoSilentPass(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "boom.lua", `error("boom")`)
	writeFile(t, dir, "assert.lua", "send(\"AT\"); fail(\"my assertion failed\")\n")
	writeFile(t, dir, "slow.lua", "send(\"AT\", {timeout = '2s'})\n")
	writeFile(t, dir, "header.atr", "atrun-transcript v1\n")
	writeFile(t, dir, "cut.atr", "atrun-transcript v1\n0 host \"AT\\r\"\n0.01 modem \"\\r\\nOK\\r\\n\"\n")
	writeFile(t, dir, "cut_write.atr", "atrun-transcript v1\n0 host \"AT\\r\"\n")
	writeFile(t, dir, "log.txt", "AT\r\nOK\r\n")
	if o := atrun(t, dir, "transcript", "import", "log.txt", "-o", "imported.atr"); o.code != exitOK {
		t.Fatalf("import: exit %d\n%s", o.code, o.stderr)
	}
	tests := []struct{ script, file, want string }{
		{"boom.lua", "header.atr", "boom"},
		{"assert.lua", "cut.atr", "my assertion failed"},
		{"slow.lua", "cut_write.atr", "no answer"},
		{"assert.lua", "imported.atr", "my assertion failed"},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			o := atrun(t, dir, "replay", tc.script, tc.file, "--junit", "junit.xml")
			if o.code != exitFailed {
				t.Fatalf("exit %d, want 1\n%s%s", o.code, o.stdout, o.stderr)
			}
			checkInOrder(t, o.stdout, []string{"FAIL " + tc.file, "outcome not recorded", tc.want, "records no outcome"})
			junit := readFile(t, filepath.Join(dir, "junit.xml"))
			if !strings.Contains(junit, "<failure") || !strings.Contains(junit, tc.want) {
				t.Fatalf("JUnit does not fail the case:\n%s", junit)
			}
		})
	}
	// A script that succeeds passes, and the line says what was not checked.
	writeFile(t, dir, "ok.lua", `send("AT")`)
	o := atrun(t, dir, "replay", "ok.lua", "cut.atr")
	if o.code != exitOK || !strings.Contains(o.stdout, "; outcome not recorded)") {
		t.Fatalf("exit %d\n%s%s", o.code, o.stdout, o.stderr)
	}
}

func readFile(t testing.TB, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// atrun replay of an endless script ends by itself, with its own verdict;
// a write before a recorded prompt is a mismatch that says so.
func TestReplayAlwaysEnds(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "sleepy.lua", "send('AT')\nwhile true do sleep(1) end\n")
	writeFile(t, dir, "busy.lua", "send('AT')\nwhile true do end\n")
	writeFile(t, dir, "early.lua", "write_raw('AT+QMTPUB=0,0,0,0,\"t\"\\r')\nwrite_raw('payload\\x1a')\nexpect('OK')\n")
	writeFile(t, dir, "ok.atr", "atrun-transcript v2\n0 host \"AT\\r\"\n0.01 modem \"\\r\\nOK\\r\\n\"\n0.02 end\n")
	writeFile(t, dir, "pub.atr", "atrun-transcript v2\n0 host \"AT+QMTPUB=0,0,0,0,\\\"t\\\"\\r\"\n0.01 modem \"\\r\\n> \"\n0.02 host \"payload\\x1a\"\n0.03 modem \"\\r\\nOK\\r\\n\"\n0.04 end\n")
	tests := []struct {
		args []string
		code int
		want []string
	}{
		{[]string{"sleepy.lua", "ok.atr"}, exitFailed, []string{"OVERRUN ok.atr", "well past the recording's last event", "1 overran"}},
		{[]string{"busy.lua", "ok.atr", "--timeout", "200ms"}, exitFailed, []string{"TIMEOUT ok.atr", "did not end within 200ms of wall-clock time", "busy.lua:2", "1 timed out"}},
		{[]string{"early.lua", "pub.atr"}, exitMismatch, []string{"MISMATCH pub.atr", "pub.atr:4:", "before the modem's prompt", "written at early.lua:2"}},
	}
	for _, tc := range tests {
		t.Run(tc.args[0], func(t *testing.T) {
			o := atrun(t, dir, append([]string{"replay"}, tc.args...)...)
			if o.code != tc.code {
				t.Fatalf("exit %d, want %d\n%s%s", o.code, tc.code, o.stdout, o.stderr)
			}
			checkInOrder(t, o.stdout, tc.want)
		})
	}
}

// faultValues are the values given to the faults that take one, short so
// that the runs stay quick.
var faultValues = map[string]string{
	"sim-pin": "1234", "slow-registration": "1s", "drop-connection": "300ms",
	"slow-line": "115200", "stale-file": "RAM:cacert.pem", "urc-storm": "100ms",
}

// A recording made on the virtual EC20 replays from another folder after
// the simulator (and its CA file) is gone: with no fault and with every
// fault 'atrun sim --fault help' lists.
func TestSimRecordingReplaysAnywhere(t *testing.T) {
	faults := []string{""}
	for _, line := range sim.FaultHelp() {
		name, _, _ := strings.Cut(line, ":")
		if v, ok := faultValues[name]; ok {
			name += "=" + v
		}
		faults = append(faults, name)
	}
	for _, f := range faults {
		t.Run("fault="+f, func(t *testing.T) {
			dir := t.TempDir()
			args := []string{"run", "ec20_mqtts", "--sim", "--record", "rec.atr", "--set", "listen=300ms", "--set", "reg_timeout=2s"}
			if f != "" {
				args = append(args, "--fault", f)
			}
			o := atrun(t, dir, args...)
			if o.code != exitOK && o.code != exitFailed {
				t.Fatalf("run: exit %d\n%s", o.code, o.stderr)
			}
			r := atrun(t, t.TempDir(), "replay", "ec20_mqtts", filepath.Join(dir, "rec.atr"))
			if r.code != exitOK {
				t.Fatalf("replay from another folder: exit %d\n%s%s\nthe run said:\n%s", r.code, r.stdout, r.stderr, o.stderr)
			}
		})
	}
}

// The shipped transcripts replay from any working directory: they hold the
// CA file the script uploaded.
func TestShippedTranscriptsReplayAnywhere(t *testing.T) {
	var files []string
	for _, f := range shippedTranscripts(t) {
		files = append(files, filepath.Join(repoRoot(t), f))
	}
	o := atrun(t, t.TempDir(), append([]string{"replay", "ec20_mqtts"}, files...)...)
	if o.code != exitOK {
		t.Fatalf("exit %d\n%s%s", o.code, o.stdout, o.stderr)
	}
}

// A replay's verdict explains itself: --verbose shows the script's output
// and steps under its result, --trace every byte with its script line, and
// a mismatch names the line of the write and the script's own error, in
// text and in JSON.
func TestReplayExplains(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "s.lua", "step('Hello', function() info('about to send') send('AT') end)\nprint('printed')\nfail('boom')\n")
	writeFile(t, dir, "t.atr", "atrun-transcript v2\n0 host \"AT\\r\"\n0.01 modem \"\\r\\nOK\\r\\n\"\n0.02 host \"AT+CSQ\\r\"\n0.03 modem \"\\r\\nOK\\r\\n\"\n0.04 end\n")
	o := atrun(t, dir, "replay", "s.lua", "t.atr", "--verbose", "--trace")
	if o.code != exitMismatch {
		t.Fatalf("exit %d\n%s%s", o.code, o.stdout, o.stderr)
	}
	checkInOrder(t, o.stdout, []string{
		"MISMATCH t.atr", "    | ▸ Hello\n", "about to send", "s.lua:1", "-> AT<CR>", "<- <CR><LF>OK<CR><LF>",
		"    | ✓ Hello", "    | printed\n",
		"t.atr:4: replay mismatch", "the script's last call to the modem was at s.lua:1", "the script stopped with: s.lua:3: boom",
	})
	j := atrun(t, dir, "replay", "s.lua", "t.atr", "--json")
	for _, want := range []string{`"where":"s.lua:1"`, `"script_error":"s.lua:3: boom"`, `"recorded_outcome":"ok"`} {
		if !strings.Contains(j.stdout, want) {
			t.Errorf("JSON lacks %s:\n%s", want, j.stdout)
		}
	}
}
