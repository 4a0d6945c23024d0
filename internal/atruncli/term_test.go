package atruncli

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/creack/pty"
	"golang.org/x/sys/unix"
)

func TestTermPiped(t *testing.T) {
	c := call{args: []string{"term", "--sim"}}
	cmd, stdout, stderr := c.command(t)
	cmd.Stdin = strings.NewReader("AT\nAT+CSQ\n")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	o := waitFor(t, cmd, stdout, stderr, 60*time.Second)
	if o.code != 0 {
		t.Fatalf("exit %d\n%s\n%s", o.code, o.stdout, o.stderr)
	}
	for _, want := range []string{"virtual EC20 on ", "> AT+CSQ", "dBm", "= OK  ("} {
		if !strings.Contains(o.stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, o.stdout)
		}
	}
	if strings.Contains(o.stdout, "\x1b") {
		t.Errorf("piped output holds terminal codes: %q", o.stdout)
	}
}

func TestTermPipedFailureExits1(t *testing.T) {
	c := call{args: []string{"term", "--sim"}}
	cmd, stdout, stderr := c.command(t)
	cmd.Stdin = strings.NewReader("AT+NOSUCH\nAT\n")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	o := waitFor(t, cmd, stdout, stderr, 60*time.Second)
	if o.code != 1 || !strings.Contains(o.stderr, "1 of 2 commands failed") {
		t.Fatalf("exit %d, stderr %q", o.code, o.stderr)
	}
}

func TestTermUsage(t *testing.T) {
	for _, args := range [][]string{
		{"term"},
		{"term", "--sim", "--port", "/dev/ttyUSB9"},
		{"term", "--sim", "AT"},
	} {
		o := atrun(t, t.TempDir(), args...)
		if o.code != 2 {
			t.Errorf("atrun %v: exit %d, want 2\n%s", args, o.code, o.stderr)
		}
		checkCleanFailure(t, o)
	}
}

// ptyScreen collects what the process writes to its terminal.
type ptyScreen struct {
	mu   sync.Mutex
	text strings.Builder
	more chan struct{}
}

func (s *ptyScreen) read(f *os.File) {
	buf := make([]byte, 4096)
	for {
		n, err := f.Read(buf)
		s.mu.Lock()
		s.text.Write(buf[:n])
		close(s.more)
		s.more = make(chan struct{})
		s.mu.Unlock()
		if err != nil {
			return
		}
	}
}

func (s *ptyScreen) waitFor(t *testing.T, from int, want string) int {
	t.Helper()
	deadline := time.After(30 * time.Second)
	for {
		s.mu.Lock()
		all, more := s.text.String(), s.more
		s.mu.Unlock()
		if i := strings.Index(all[from:], want); i >= 0 {
			return from + i + len(want)
		}
		select {
		case <-more:
		case <-deadline:
			t.Fatalf("the terminal never showed %q; it shows:\n%q", want, all[from:])
		}
	}
}

// TestTermCtrlC runs atrun term on a real pty as its controlling
// terminal, as a shell would: Ctrl+C cancels a waiting command and the
// session goes on; Ctrl+C twice leaves with exit 0, and the terminal is
// as it was.
func TestTermCtrlC(t *testing.T) {
	master, tty, err := pty.Open()
	if err != nil {
		t.Fatal(err)
	}
	defer master.Close()
	before, err := unix.IoctlGetTermios(int(tty.Fd()), unix.TCGETS)
	if err != nil {
		t.Fatal(err)
	}
	c := call{args: []string{"term", "--sim"}, env: []string{"XDG_STATE_HOME=" + t.TempDir(), "TERM=xterm"}}
	cmd, _, _ := c.command(t)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = tty, tty, tty
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true, Ctty: 0}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	scr := &ptyScreen{more: make(chan struct{})}
	go scr.read(master)
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	at := scr.waitFor(t, 0, "AT> ")
	master.Write([]byte(":wait +NEVER 60s\r"))
	at = scr.waitFor(t, at, "(Ctrl+C cancels)")
	master.Write([]byte("\x03"))
	at = scr.waitFor(t, at, "cancelled")
	at = scr.waitFor(t, at, "AT> ")
	master.Write([]byte("AT+CSQ\r"))
	at = scr.waitFor(t, at, "dBm")
	at = scr.waitFor(t, at, "AT> ")
	master.Write([]byte("\x03"))
	at = scr.waitFor(t, at, "Ctrl+C again")
	// As a user does: the second Ctrl+C after the prompt is back (a key
	// pressed before the line editor has the terminal is a signal).
	scr.waitFor(t, at, "AT> ")
	master.Write([]byte("\x03"))
	select {
	case err := <-done:
		var ee *exec.ExitError
		if err != nil && !(errors.As(err, &ee) && ee.ExitCode() == 0) {
			scr.mu.Lock() // the reader may still be writing
			shown := scr.text.String()
			scr.mu.Unlock()
			t.Fatalf("exit: %v\n%s", err, shown)
		}
	case <-time.After(30 * time.Second):
		cmd.Process.Kill()
		t.Fatal("Ctrl+C twice did not end the session")
	}
	after, err := unix.IoctlGetTermios(int(tty.Fd()), unix.TCGETS)
	if err != nil {
		t.Fatal(err)
	}
	if after.Lflag != before.Lflag || after.Iflag != before.Iflag || after.Oflag != before.Oflag {
		t.Errorf("the terminal was not restored: lflag %#x iflag %#x, was %#x %#x", after.Lflag, after.Iflag, before.Lflag, before.Iflag)
	}
	tty.Close()
	if _, err := os.Stat(filepath.Join(c.env[0][len("XDG_STATE_HOME="):], "atrun", "term_history")); err != nil {
		t.Errorf("no history in the state directory: %v", err)
	}
}

// TestTermSIGTERM: a session ended by SIGTERM while a command waits exits
// 130 and leaves the terminal as it was.
func TestTermSIGTERM(t *testing.T) {
	master, tty, err := pty.Open()
	if err != nil {
		t.Fatal(err)
	}
	defer master.Close()
	defer tty.Close()
	before, err := unix.IoctlGetTermios(int(tty.Fd()), unix.TCGETS)
	if err != nil {
		t.Fatal(err)
	}
	c := call{args: []string{"term", "--sim", "--no-history"}}
	cmd, _, _ := c.command(t)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = tty, tty, tty
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true, Ctty: 0}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	scr := &ptyScreen{more: make(chan struct{})}
	go scr.read(master)
	at := scr.waitFor(t, 0, "AT> ")
	master.Write([]byte(":wait +NEVER 60s\r"))
	scr.waitFor(t, at, "(Ctrl+C cancels)")
	cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		cmd.Process.Kill()
		t.Fatal("SIGTERM did not end the session")
	}
	if code := cmd.ProcessState.ExitCode(); code != 130 {
		t.Errorf("exit %d, want 130", code)
	}
	after, err := unix.IoctlGetTermios(int(tty.Fd()), unix.TCGETS)
	if err != nil {
		t.Fatal(err)
	}
	if after.Lflag != before.Lflag || after.Iflag != before.Iflag {
		t.Errorf("the terminal was not restored: lflag %#x iflag %#x, was %#x %#x", after.Lflag, after.Iflag, before.Lflag, before.Iflag)
	}
}
