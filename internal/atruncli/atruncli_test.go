package atruncli

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// atrunBin is the binary under test, built once by TestMain with
// atrun-sim beside it, as they are installed: atrun finds the virtual
// modems' program there. Tests run it as a subprocess: exit codes,
// signals and the split between stdout and stderr are what users see, and
// only a real process shows them.
var atrunBin string

func TestMain(m *testing.M) {
	os.Exit(buildAndRun(m))
}

func buildAndRun(m *testing.M) int {
	dir, err := os.MkdirTemp("", "atrun-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	// Readable by everyone: the permission test runs it as another user.
	if err := os.Chmod(dir, 0o755); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	atrunBin = filepath.Join(dir, "atrun")
	build := exec.Command("go", "build", "-ldflags", "-X github.com/atrun/atrun/internal/atruncli.version=test-1.0", "-o", dir+string(filepath.Separator), "../../cmd/atrun", "../../cmd/atrun-sim")
	build.Stderr = os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "building atrun and atrun-sim:", err)
		return 1
	}
	return m.Run()
}

// outcome is what a finished atrun process left.
type outcome struct {
	stdout, stderr string
	code           int
}

// call is one invocation of the binary.
type call struct {
	args []string
	env  []string // added to a clean environment
	dir  string
}

// command prepares the process. The environment is cleared of ATRUN_*
// variables the developer may have set, so tests see only their own.
func (c call) command(t testing.TB) (*exec.Cmd, *bytes.Buffer, *bytes.Buffer) {
	t.Helper()
	cmd := exec.Command(atrunBin, c.args...)
	cmd.Dir = c.dir
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "ATRUN_") && !strings.HasPrefix(kv, "NO_COLOR=") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, c.env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	return cmd, &stdout, &stderr
}

// run runs the binary to its end, within a generous deadline.
func (c call) run(t testing.TB) outcome {
	t.Helper()
	cmd, stdout, stderr := c.command(t)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return waitFor(t, cmd, stdout, stderr, 30*time.Second)
}

// waitFor waits for the process to exit within limit, killing it and
// failing the test if it does not.
func waitFor(t testing.TB, cmd *exec.Cmd, stdout, stderr *bytes.Buffer, limit time.Duration) outcome {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		var exitErr *exec.ExitError
		if err != nil && !errors.As(err, &exitErr) {
			t.Fatalf("atrun %q: %v", cmd.Args[1:], err)
		}
	case <-time.After(limit):
		cmd.Process.Kill()
		<-done
		t.Fatalf("atrun %q did not exit within %v\nstdout:\n%s\nstderr:\n%s", cmd.Args[1:], limit, stdout, stderr)
	}
	o := outcome{stdout: stdout.String(), code: cmd.ProcessState.ExitCode()}
	if stderr != nil {
		o.stderr = stderr.String()
	}
	return o
}

// atrun runs the binary with args in dir.
func atrun(t testing.TB, dir string, args ...string) outcome {
	t.Helper()
	return call{args: args, dir: dir}.run(t)
}

// writeFile writes a file in dir and returns its path.
func writeFile(t testing.TB, dir, name, content string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// checkCleanFailure checks that a failure is reported as a message on
// stderr, with no stack trace and no help screen.
func checkCleanFailure(t *testing.T, o outcome) {
	t.Helper()
	for _, bad := range []string{"goroutine ", "panic:", "runtime.", "USAGE:"} {
		if strings.Contains(o.stderr, bad) || strings.Contains(o.stdout, bad) {
			t.Errorf("output holds %q:\nstdout:\n%s\nstderr:\n%s", bad, o.stdout, o.stderr)
		}
	}
	lines := strings.Split(strings.TrimRight(o.stderr, "\n"), "\n")
	if !strings.HasPrefix(lines[0], "atrun: ") {
		t.Errorf("stderr does not start with the message: %q", o.stderr)
	}
	for _, l := range lines[1:] {
		if !strings.HasPrefix(l, "  meaning: ") && !strings.HasPrefix(l, "  hint: ") {
			t.Errorf("stderr has more than a message, a meaning and a hint: %q", o.stderr)
		}
	}
}
