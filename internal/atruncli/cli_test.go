package atruncli

import (
	"context"
	"fmt"
	"os"
	"os/user"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/atrun/atrun/engine/enginetest"
	"github.com/atrun/atrun/scripts"
)

// Every bad input is one clear message on stderr and exit code 2.
func TestBadInput(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "bad.lua", "send('AT')\nlocal x = = 1\n")
	writeFile(t, dir, "ok.lua", "print('never')\n")
	os.Mkdir(filepath.Join(dir, "folder.lua"), 0o755)
	tests := []struct {
		name string
		args []string
		want []string // texts stderr must hold
	}{
		{"missing script", []string{"run", "x.lua"},
			[]string{"atrun: script not found: x.lua (and no shipped script of that name: run 'atrun scripts')"}},
		{"syntax error", []string{"run", "bad.lua"},
			[]string{"atrun: bad.lua:2: syntax error", "near '='"}},
		{"syntax error before the port", []string{"run", "bad.lua", "--port", "/nonexistent/ttyUSB9"},
			[]string{"bad.lua:2: syntax error"}},
		{"port cannot be opened", []string{"run", "ok.lua", "--port", "/nonexistent/ttyUSB9"},
			[]string{"cannot open port /nonexistent/ttyUSB9", "no such file", "hint: ", "atrun ports"}},
		{"tcp port refused", []string{"send", "--port", "tcp://127.0.0.1:1", "AT"},
			[]string{"cannot open port tcp://127.0.0.1:1", "refused", "hint: "}},
		{"malformed --set", []string{"run", "ok.lua", "--set", "host"},
			[]string{`--set "host": write it as key=value (no '=' found)`}},
		{"bad --set key", []string{"run", "ok.lua", "--set", "a b=1"},
			[]string{"the key must be a word"}},
		{"record into a missing folder", []string{"run", "ok.lua", "--record", "no/such/dir/t.txt"},
			[]string{"cannot write the transcript: no/such/dir/t.txt: no such file or directory"}},
		{"bad flag value", []string{"run", "ok.lua", "--baud", "fast"},
			[]string{`invalid value "fast" for flag -baud`, "atrun run --help"}},
		{"unknown flag", []string{"run", "--bogus", "ok.lua"},
			[]string{"flag provided but not defined: -bogus"}},
		{"unknown command", []string{"frobnicate"},
			[]string{`unknown command "frobnicate"`}},
		{"no script", []string{"run"},
			[]string{"atrun run needs a SCRIPT"}},
		{"two scripts", []string{"run", "ok.lua", "ok.lua"},
			[]string{"takes one SCRIPT"}},
		{"directory as script", []string{"run", "folder.lua"},
			[]string{"cannot read the script folder.lua"}},
		{"send without port", []string{"send", "AT"},
			[]string{"needs a port", "ATRUN_PORT"}},
		{"send without command", []string{"send", "--port", "/dev/null"},
			[]string{"needs at least one command"}},
		{"script uses the modem with no port", []string{"run", "noport.lua"},
			[]string{"noport.lua:1: no modem", "hint: pass --port"}},
	}
	writeFile(t, dir, "noport.lua", "send('AT')\n")
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			o := atrun(t, dir, tc.args...)
			if o.code != exitUsage {
				t.Errorf("exit code %d, want %d\nstderr: %s", o.code, exitUsage, o.stderr)
			}
			for _, want := range tc.want {
				if !strings.Contains(o.stderr, want) {
					t.Errorf("stderr lacks %q:\n%s", want, o.stderr)
				}
			}
			checkCleanFailure(t, o)
		})
	}
}

// A device the user may not open names the group to join. The test needs
// a device this process can open but another user cannot: a pty slave,
// run as nobody when we are root.
func TestNoPermission(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root to run atrun as another user")
	}
	nobody, err := user.Lookup("nobody")
	if err != nil {
		t.Skip("no user nobody:", err)
	}
	uid, _ := strconv.Atoi(nobody.Uid)
	gid, _ := strconv.Atoi(nobody.Gid)
	_, slave := enginetest.OpenPTY(t)
	// t.TempDir's parent is private to root; nobody needs to read the
	// script and enter the folder.
	dir, err := os.MkdirTemp("", "atrun-perm-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	os.Chmod(dir, 0o755)
	script := writeFile(t, dir, "p.lua", "send('AT')\n")
	cmd, stdout, stderr := call{args: []string{"run", script, "--port", slave}, dir: dir}.command(t)
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}}
	if err := cmd.Start(); err != nil {
		t.Skip("cannot start as nobody:", err)
	}
	o := waitFor(t, cmd, stdout, stderr, 30*time.Second)
	if o.code != exitUsage {
		t.Fatalf("exit %d, want %d\n%s", o.code, exitUsage, o.stderr)
	}
	for _, want := range []string{"cannot open port " + slave, "permission denied", "hint: no permission", "usermod -aG", "dialout", "uucp"} {
		if !strings.Contains(strings.ToLower(o.stderr), strings.ToLower(want)) {
			t.Errorf("stderr lacks %q:\n%s", want, o.stderr)
		}
	}
	checkCleanFailure(t, o)
}

func TestScriptsCommand(t *testing.T) {
	o := atrun(t, t.TempDir(), "scripts")
	if o.code != 0 {
		t.Fatalf("exit %d: %s", o.code, o.stderr)
	}
	list := scripts.List()
	if len(list) == 0 {
		t.Skip("no shipped scripts")
	}
	lines := strings.Split(strings.TrimSpace(o.stdout), "\n")
	if len(lines) != len(list) {
		t.Fatalf("%d lines for %d scripts:\n%s", len(lines), len(list), o.stdout)
	}
	for i, s := range list {
		if !strings.HasPrefix(lines[i], s.Name+" ") || !strings.Contains(lines[i], s.Summary) {
			t.Errorf("line %q does not list %s: %s", lines[i], s.Name, s.Summary)
		}
	}
}

// A shipped script runs by name from any folder, and a file of that name
// wins over it.
func TestShippedScriptByName(t *testing.T) {
	list := scripts.List()
	if len(list) == 0 {
		t.Skip("no shipped scripts")
	}
	dir := t.TempDir()
	name := list[0].Name
	writeFile(t, dir, name, "print('the local file')\n")
	o := atrun(t, dir, "run", name)
	if o.code != 0 || o.stdout != "the local file\n" {
		t.Fatalf("a local file should win: exit %d\nstdout: %s\nstderr: %s", o.code, o.stdout, o.stderr)
	}
	// Elsewhere the name finds the shipped script, which then runs (and
	// stops for want of a port or a parameter, which is not our concern).
	for _, s := range list {
		o := atrun(t, t.TempDir(), "run", s.Name)
		if strings.Contains(o.stderr, "script not found") || !strings.Contains(o.stderr, s.Name+".lua:") {
			t.Errorf("atrun run %s from an empty folder: exit %d\n%s", s.Name, o.code, o.stderr)
		}
	}
}

// --set values reach the script whole: commas and '=' are data, and a
// later --set of the same key wins.
func TestSetValues(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "p.lua", "print(param('payload'))\nprint(param('n'))\n")
	o := atrun(t, dir, "run", "p.lua", "--set", `payload={"a":1,"b":"x=y"}`, "--set", "n=1", "--set", "n=2")
	if o.code != 0 || o.stdout != "{\"a\":1,\"b\":\"x=y\"}\n2\n" {
		t.Fatalf("exit %d\nstdout: %q\nstderr: %s", o.code, o.stdout, o.stderr)
	}
}

func TestVersion(t *testing.T) {
	for _, args := range [][]string{{"version"}, {"--version"}} {
		o := atrun(t, t.TempDir(), args...)
		if o.code != 0 || !strings.HasPrefix(o.stdout, "atrun test-1.0 (go1.") {
			t.Errorf("atrun %v: exit %d, stdout %q", args, o.code, o.stdout)
		}
	}
}

var exampleRE = regexp.MustCompile(`Example:\n\s+atrun `)

// Every command's help shows an example, and asking for it succeeds.
func TestHelpHasExamples(t *testing.T) {
	app := newApp(nil, nil, "")
	topics := [][]string{{"--help"}, {"help"}}
	for _, c := range app.Commands {
		if c.Name != "help" {
			topics = append(topics, []string{c.Name, "--help"}, []string{"help", c.Name})
		}
	}
	if len(topics) < 12 {
		t.Fatalf("only %d commands registered", len(app.Commands))
	}
	for _, args := range topics {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			o := atrun(t, t.TempDir(), args...)
			if o.code != 0 {
				t.Fatalf("exit %d: %s", o.code, o.stderr)
			}
			if !exampleRE.MatchString(o.stdout) {
				t.Errorf("no example in:\n%s", o.stdout)
			}
		})
	}
}

// Shell completion lists the commands, and the shipped scripts after run.
func TestCompletion(t *testing.T) {
	// The name of the flag before urfave/cli v3 still works: completion
	// scripts written for it ask with it.
	for _, flag := range []string{completionFlag, oldCompletionFlag} {
		o := atrun(t, t.TempDir(), flag)
		for _, want := range []string{"run", "send", "ports", "scripts", "version"} {
			if !regexp.MustCompile(`(?m)^` + want + `(:|$)`).MatchString(o.stdout) {
				t.Errorf("%s: completion lacks %s:\n%s", flag, want, o.stdout)
			}
		}
	}
	o := atrun(t, t.TempDir(), "run", completionFlag)
	for _, s := range scripts.List() {
		if !strings.Contains(o.stdout, s.Name+"\n") {
			t.Errorf("run completion lacks %s:\n%s", s.Name, o.stdout)
		}
	}
}

// A command line that names a command builds that command alone; what the
// user sees must be what the whole tree gives: the same help, the same
// usage error for a bad flag, the same flags moved ahead of arguments.
func TestNamedCommandBuiltAloneActsTheSame(t *testing.T) {
	if len(constructors) < 10 {
		t.Fatalf("only %d commands registered", len(constructors))
	}
	for _, c := range constructors {
		if got := c.build().Name; got != c.name {
			t.Errorf("registered as %q, but the command is named %q: main would never build it alone", c.name, got)
		}
		if c.name == "sim" {
			continue // atrun-sim reads its own flags
		}
		for _, args := range [][]string{{"atrun", c.name, "--help"}, {"atrun", c.name, "--no-such-flag"}} {
			if got := namedCommand(args); got != c.name {
				t.Fatalf("namedCommand(%q) = %q", args, got)
			}
			alone, whole := runApp(t, c.name, args), runApp(t, "", args)
			if alone != whole {
				t.Errorf("%q built alone:\n%s\nin the whole tree:\n%s", args, alone, whole)
			}
		}
	}
	for _, args := range [][]string{{"atrun"}, {"atrun", "--help"}, {"atrun", "help", "run"}, {"atrun", "ru"}, {"atrun", "--version"}} {
		if got := namedCommand(args); got != "" {
			t.Errorf("namedCommand(%q) = %q, want the whole tree", args, got)
		}
	}
}

// runApp runs args on an app built with only (or all commands) and returns
// what it printed and the error it returned.
func runApp(t *testing.T, only string, args []string) string {
	t.Helper()
	var out, errw strings.Builder
	app := newApp(&out, &errw, only)
	err := app.Run(context.Background(), flagsFirst(app, args))
	return fmt.Sprintf("stdout:\n%s\nstderr:\n%s\nerror: %v", out.String(), errw.String(), err)
}
