package atruncli

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

// A secret never leaves, whatever way the script puts it out: error()
// with any value, io.write, io.stdout:write, inside a step; in the step
// lines, the final line, JSON events, the transcript, and a replay's
// verdict and JUnit report.
func TestSecretsNeverLeave(t *testing.T) {
	const pw = "hunter22xyz"
	scripts := map[string]string{
		"error_concat.lua": "step('Login', function() error('bad password ' .. secret('password')) end)\n",
		"error_value.lua":  "step('Login', function() error(secret('password')) end)\n",
		"error_table.lua":  "step('Login', function() error({message = 'no: ' .. secret('password')}) end)\n",
		"io_write.lua":     "io.write('pw=', secret('password'), '\\n')\nio.stdout:write('again ', secret('password'))\n",
	}
	for name, src := range scripts {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			writeFile(t, dir, name, src)
			for _, format := range [][]string{nil, {"--json"}} {
				args := append([]string{"run", name, "--sim", "--set", "password=" + pw, "--record", "rec.atr"}, format...)
				o := atrun(t, dir, args...)
				if o.code == exitUsage {
					t.Fatalf("exit %d\n%s", o.code, o.stderr)
				}
				if strings.Contains(o.stdout+o.stderr, pw) {
					t.Fatalf("%v: the password is in the output:\nstdout:\n%s\nstderr:\n%s", format, o.stdout, o.stderr)
				}
				if format != nil {
					for _, line := range strings.Split(strings.TrimSpace(o.stdout), "\n") {
						if !json.Valid([]byte(line)) {
							t.Fatalf("a line of --json output is not JSON: %q", line)
						}
					}
				}
				if rec := readFile(t, filepath.Join(dir, "rec.atr")); strings.Contains(rec, pw) {
					t.Fatalf("the password is in the transcript:\n%s", rec)
				}
			}
			r := atrun(t, dir, "replay", name, "rec.atr", "--set", "password="+pw, "--junit", "junit.xml", "--verbose")
			if r.code != exitOK {
				t.Errorf("replay of its own recording: exit %d\n%s%s", r.code, r.stdout, r.stderr)
			}
			if strings.Contains(r.stdout+r.stderr+readFile(t, filepath.Join(dir, "junit.xml")), pw) {
				t.Fatalf("the password is in the replay's output:\n%s%s", r.stdout, r.stderr)
			}
		})
	}
}

// io.write output goes out as the script's output, through the same path
// as print: on stdout for people, as print events in JSON.
func TestIOWriteIsOutput(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "w.lua", "io.write('a', 1, '\\n')\nio.stdout:write('b'):write('c\\n')\nio.write('tail')\n")
	o := atrun(t, dir, "run", "w.lua")
	if o.code != exitOK || o.stdout != "a1\nbc\ntail\n" {
		t.Fatalf("exit %d, stdout %q\n%s", o.code, o.stdout, o.stderr)
	}
}

// atrun run --sim takes the password from ATRUN_PASSWORD as from --set: the
// broker and the script get that one, it is never shown, and the recording
// replays.
func TestSimPasswordFromEnvironment(t *testing.T) {
	const pw = "from-env-7731"
	dir := t.TempDir()
	writeFile(t, dir, "pw.lua", "if secret('password') ~= '"+pw+"' then fail('the script did not get the password of ATRUN_PASSWORD') end\nsend('AT')\n")
	o := call{args: []string{"run", "pw.lua", "--sim", "--record", "rec.atr"}, env: []string{"ATRUN_PASSWORD=" + pw}, dir: dir}.run(t)
	if o.code != exitOK {
		t.Fatalf("exit %d\n%s", o.code, o.stderr)
	}
	o = call{args: []string{"run", "ec20_mqtts", "--sim", "--record", "mqtt.atr", "--set", "listen=100ms"}, env: []string{"ATRUN_PASSWORD=" + pw}, dir: dir}.run(t)
	if o.code != exitOK {
		t.Fatalf("ec20_mqtts with ATRUN_PASSWORD: exit %d\n%s", o.code, o.stderr)
	}
	rec := readFile(t, filepath.Join(dir, "mqtt.atr"))
	if strings.Contains(rec+o.stderr+o.stdout, pw) || !strings.Contains(rec, "param password <redacted>") {
		t.Fatalf("the transcript should hold the password redacted, and only so:\n%s", rec)
	}
	if r := atrun(t, t.TempDir(), "replay", "ec20_mqtts", filepath.Join(dir, "mqtt.atr")); r.code != exitOK {
		t.Fatalf("replay: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}

// A quectel.lua in the working directory does not replace the shipped
// module under a shipped script; a script of that folder does load it.
func TestShippedScriptsLoadShippedModules(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "quectel.lua", "error('the quectel.lua of the working directory was loaded')\n")
	o := atrun(t, dir, "run", "ec20_mqtts", "--sim", "--set", "listen=100ms")
	if o.code != exitOK {
		t.Fatalf("exit %d\n%s", o.code, o.stderr)
	}
	writeFile(t, dir, "mine.lua", "require('quectel')\n")
	o = atrun(t, dir, "run", "mine.lua")
	if o.code != exitFailed || !strings.Contains(o.stderr, "the quectel.lua of the working directory was loaded") {
		t.Fatalf("a script of that folder should load its quectel.lua: exit %d\n%s", o.code, o.stderr)
	}
	// The same from elsewhere: the script's folder counts, not the
	// working directory.
	o = atrun(t, t.TempDir(), "run", filepath.Join(dir, "mine.lua"))
	if o.code != exitFailed || !strings.Contains(o.stderr, "the quectel.lua of the working directory was loaded") {
		t.Fatalf("exit %d\n%s", o.code, o.stderr)
	}
}
