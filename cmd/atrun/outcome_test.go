package main

import (
	"net"
	"path/filepath"
	"strings"
	"testing"
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
		{"--timeout", "send('AT')\nsleep(30)\n", []string{"--sim", "--timeout", "300ms"}, exitFailed,
			"end the session was stopped by its time limit: the run did not finish within --timeout 300ms"},
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
// one command with OK and then hangs up: the run loses its port.
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
			got := ""
			for !strings.Contains(got, "\r") {
				n, err := c.Read(buf)
				if err != nil {
					break
				}
				got += string(buf[:n])
			}
			c.Write([]byte("\r\nOK\r\n"))
			c.Close()
		}
	}()
	return "tcp://" + ln.Addr().String()
}
