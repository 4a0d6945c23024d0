package atruncli

import (
	"bufio"
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// Without atrun-sim beside atrun or in PATH, every command that needs a
// virtual modem says which program is missing and how to get it: exit 2,
// one message and a hint.
func TestSimProgramMissing(t *testing.T) {
	dir := t.TempDir()
	alone := filepath.Join(dir, "atrun")
	data, err := os.ReadFile(atrunBin)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(alone, data, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"demo"}, {"run", "selftest", "--sim"}, {"run", "selftest", "--sims", "2"},
		{"sim"}, {"sim", "--count", "2"}, {"term", "--sim"}, {"demo", "--fault", "help"}} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			c := call{args: args, env: []string{"PATH=" + t.TempDir()}, dir: t.TempDir()}
			cmd, stdout, stderr := c.command(t)
			cmd.Path, cmd.Args[0] = alone, alone
			cmd.Stdin = strings.NewReader("")
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			o := waitFor(t, cmd, stdout, stderr, 30*time.Second)
			if o.code != exitUsage || !strings.Contains(o.stderr, "atrun: the virtual modems run in a second program, atrun-sim, found neither beside atrun") ||
				!strings.Contains(o.stderr, "hint: install both programs with 'go install ./cmd/...'") {
				t.Errorf("exit %d, want 2 and the missing atrun-sim:\n%s", o.code, o.stderr)
			}
			checkCleanFailure(t, o)
		})
	}
}

// atrun-sim never outlives atrun: killed with no chance to clean up
// (SIGKILL), atrun leaves the child's standard input closed, and the
// child stops, its virtual modem's device gone with it.
func TestSimChildEndsWithAtrun(t *testing.T) {
	dir := t.TempDir()
	script := writeFile(t, dir, "wait.lua", `wait_urc("+NEVER:", "60s")`)
	cmd, _, _ := call{args: []string{"run", script, "--sim"}, dir: dir}.command(t)
	pr, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = pw
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	pw.Close()
	defer pr.Close()
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	device := announcedDevice(t, pr)
	child := childOf(t, cmd.Process.Pid)
	// Opened while atrun-sim surely runs: once it has ended and been
	// reaped, its pid may be another process's.
	childFD := pidfd(t, child)
	defer unix.Close(childFD)
	if _, err := os.Stat(device); err != nil {
		t.Fatalf("the virtual modem's device %s: %v", device, err)
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	if !exitsWithin(t, childFD, 10*time.Second) {
		t.Fatalf("atrun-sim (pid %d) still runs 10 s after atrun was killed", child)
	}
}

// pidfd opens a descriptor of process pid that becomes readable when it
// ends, whoever its parent is.
func pidfd(t *testing.T, pid int) int {
	t.Helper()
	fd, err := unix.PidfdOpen(pid, 0)
	if errors.Is(err, unix.ENOSYS) {
		t.Skip("this kernel has no pidfd_open (Linux 5.3 and later)")
	}
	if err != nil {
		t.Fatalf("pidfd_open %d: %v", pid, err)
	}
	return fd
}

// exitsWithin reports whether the process of pidfd fd ends within d.
func exitsWithin(t *testing.T, fd int, d time.Duration) bool {
	t.Helper()
	fds := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN}}
	for {
		n, err := unix.Poll(fds, int(d.Milliseconds()))
		if errors.Is(err, unix.EINTR) {
			continue
		}
		if err != nil {
			t.Fatalf("poll on a pidfd: %v", err)
		}
		return n == 1
	}
}

// announcedDevice reads atrun's stderr until it names the virtual
// modem's device.
func announcedDevice(t *testing.T, r *os.File) string {
	t.Helper()
	re := regexp.MustCompile(`^virtual EC20 on (\S+),`)
	lines := make(chan string)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(r)
		for sc.Scan() {
			lines <- sc.Text()
		}
	}()
	var seen bytes.Buffer
	timeout := time.After(30 * time.Second)
	for {
		select {
		case l, ok := <-lines:
			if !ok {
				t.Fatalf("atrun ended before announcing the virtual EC20:\n%s", seen.String())
			}
			seen.WriteString(l + "\n")
			if m := re.FindStringSubmatch(l); m != nil {
				go func() {
					for range lines {
					}
				}()
				return m[1]
			}
		case <-timeout:
			t.Fatalf("no virtual EC20 announced within 30 s:\n%s", seen.String())
		}
	}
}

// childOf is the pid of the one child process of pid.
func childOf(t *testing.T, pid int) int {
	t.Helper()
	tasks, _ := filepath.Glob("/proc/" + strconv.Itoa(pid) + "/task/*/children")
	for _, f := range tasks {
		data, _ := os.ReadFile(f)
		for _, field := range strings.Fields(string(data)) {
			if n, err := strconv.Atoi(field); err == nil {
				return n
			}
		}
	}
	t.Fatalf("atrun (pid %d) has no child process", pid)
	return 0
}
