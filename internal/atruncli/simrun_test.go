package atruncli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// atrun run --sim runs a script on the virtual EC20 and its broker, which
// hand the script their parameters; --fault fails it the way a real modem
// would fail.
func TestRunOnSim(t *testing.T) {
	tests := []struct {
		name string
		args []string
		env  []string
		code int
		want []string // texts stderr must hold
		deny []string // texts stderr must not hold
	}{
		{name: "selftest", args: []string{"run", "selftest", "--sim"}, code: exitOK,
			want: []string{"virtual EC20 on /dev/pts/", "✓ MQTT loopback", "selftest passed"},
			// The parameters --sim filled in and the script did not read
			// (urcport) were not the user's: no warning about them.
			deny: []string{"never read"}},
		{name: "ATRUN_PORT is ignored", args: []string{"run", "selftest", "--sim"}, env: []string{"ATRUN_PORT=/nonexistent/ttyUSB9"},
			code: exitOK, want: []string{"selftest passed"}},
		{name: "no SIM", args: []string{"run", "ec20_mqtts", "--sim", "--fault", "no-sim"}, code: exitFailed,
			want: []string{`step "SIM": no SIM`, "+CME ERROR: 10"}},
		{name: "with --port", args: []string{"run", "selftest", "--sim", "--port", "/dev/ttyUSB2"}, code: exitUsage,
			want: []string{"--sim and --port exclude each other"}},
		{name: "fault without --sim", args: []string{"run", "selftest", "--fault", "no-sim"}, code: exitUsage,
			want: []string{"--fault needs --sim"}},
		{name: "unknown fault", args: []string{"run", "selftest", "--sim", "--fault", "gremlins"}, code: exitUsage,
			want: []string{`unknown fault "gremlins"`, "hint: 'atrun sim --fault help'"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			o := call{args: tc.args, env: tc.env, dir: t.TempDir()}.run(t)
			if o.code != tc.code {
				t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", o.code, tc.code, o.stdout, o.stderr)
			}
			for _, w := range tc.want {
				if !strings.Contains(o.stderr, w) {
					t.Errorf("stderr lacks %q:\n%s", w, o.stderr)
				}
			}
			for _, d := range tc.deny {
				if strings.Contains(o.stderr, d) {
					t.Errorf("stderr holds %q:\n%s", d, o.stderr)
				}
			}
			if o.code == exitUsage {
				checkCleanFailure(t, o)
			}
		})
	}
}

// The broker's password reaches the script as a secret: a password given
// with --set becomes the embedded broker's, the session works with it, and
// neither the transcript nor the output holds it.
func TestRunOnSimKeepsThePasswordSecret(t *testing.T) {
	const pw = "sim-Pa55word-42"
	dir := t.TempDir()
	rec := filepath.Join(dir, "session.txt")
	o := atrun(t, dir, "run", "selftest", "--sim", "--record", rec, "--trace", "--set", "password="+pw)
	if o.code != 0 {
		t.Fatalf("exit %d\n%s", o.code, o.stderr)
	}
	raw, err := os.ReadFile(rec)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(raw), pw) || strings.Contains(o.stdout+o.stderr, pw) {
		t.Errorf("the password leaked:\ntranscript:\n%s\nstderr:\n%s", raw, o.stderr)
	}
	for _, want := range []string{"param password <redacted>", `\"modem\",\"" <redacted> "\"\r"`} {
		if !strings.Contains(string(raw), want) {
			t.Errorf("the transcript lacks %q:\n%s", want, raw)
		}
	}
}
