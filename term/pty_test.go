package term

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/creack/pty"
	"golang.org/x/sys/unix"
)

// screen is what a terminal emulator on the pty's master side received.
type screen struct {
	mu      sync.Mutex
	text    strings.Builder
	changed chan struct{}
}

func (s *screen) Write(p []byte) (int, error) {
	s.mu.Lock()
	s.text.Write(p)
	ch := s.changed
	s.changed = make(chan struct{})
	s.mu.Unlock()
	close(ch)
	return len(p), nil
}

// waitFor blocks until the screen shows want after offset from, and
// returns the offset just past it.
func (s *screen) waitFor(t *testing.T, from int, want string) int {
	t.Helper()
	deadline := time.After(30 * time.Second)
	for {
		s.mu.Lock()
		all := s.text.String()
		ch := s.changed
		s.mu.Unlock()
		if i := strings.Index(all[min(from, len(all)):], want); i >= 0 {
			return min(from, len(all)) + i + len(want)
		}
		select {
		case <-ch:
		case <-deadline:
			t.Fatalf("the terminal never showed %q; it shows:\n%q", want, all[min(from, len(all)):])
		}
	}
}

func (s *screen) since(from int) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.text.String()[from:]
}

// TestInteractiveOverPTY types into a real pseudo-terminal as a user's
// terminal would: a decoded answer, a URC arriving while a line is being
// typed (printed above it, the line redrawn), an upload, an export that
// replays, and Ctrl+D leaving the terminal as it was.
func TestInteractiveOverPTY(t *testing.T) {
	v := startSim(t)
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
	scr := &screen{changed: make(chan struct{})}
	go func() {
		buf := make([]byte, 4096)
		for {
			n, err := master.Read(buf)
			if n > 0 {
				scr.Write(buf[:n])
			}
			if err != nil {
				return
			}
		}
	}()
	dir := t.TempDir()
	history := filepath.Join(dir, "state", "atrun", "term_history")
	done := make(chan error, 1)
	go func() {
		done <- Run(context.Background(), Options{Port: v.DevicePath, In: tty, Out: tty, Interactive: true, History: history})
	}()
	typeKeys := func(s string) {
		if _, err := master.Write([]byte(s)); err != nil {
			t.Fatal(err)
		}
	}
	at := scr.waitFor(t, 0, "AT> ")
	typeKeys("AT+CSQ\r")
	at = scr.waitFor(t, at, "dBm")
	at = scr.waitFor(t, at, "= OK")
	at = scr.waitFor(t, at, "AT> ")

	// A URC while a line is half typed: printed on its own line, and the
	// half-typed line drawn again below it.
	typeKeys("AT+CGA")
	at = scr.waitFor(t, at, "AT+CGA")
	if err := v.Modem.DeliverSMS("+491701234567", "hello"); err != nil {
		t.Fatal(err)
	}
	at = scr.waitFor(t, at, "URC +CMTI:")
	at = scr.waitFor(t, at, "AT> AT+CGA")
	typeKeys("TT?\r")
	at = scr.waitFor(t, at, "+CGATT: 1")

	// Tab completes a command name.
	typeKeys("AT+QMTDI\t")
	at = scr.waitFor(t, at, "AT+QMTDISC")
	typeKeys("\x15") // Ctrl+U clears the line

	file := filepath.Join(dir, "note.txt")
	if err := os.WriteFile(file, []byte("hello modem\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	typeKeys(":upload " + file + " UFS:note.txt\r")
	at = scr.waitFor(t, at, "stored UFS:note.txt: 12 bytes")

	// A long upload shows its progress; a download reads it back.
	big := filepath.Join(dir, "big.bin")
	data := bytes.Repeat([]byte("0123456789abcdef"), 2048)
	if err := os.WriteFile(big, data, 0o644); err != nil {
		t.Fatal(err)
	}
	typeKeys(":upload " + big + "\r")
	at = scr.waitFor(t, at, "100%")
	at = scr.waitFor(t, at, "stored UFS:big.bin: 32768 bytes")
	back := filepath.Join(dir, "back.bin")
	typeKeys(":download UFS:big.bin " + back + "\r")
	at = scr.waitFor(t, at, "wrote "+back)
	if got, err := os.ReadFile(back); err != nil || !bytes.Equal(got, data) {
		t.Fatalf("the download differs from the upload (%d bytes, %v)", len(got), err)
	}

	// The trace shows the bytes both ways, escaped.
	typeKeys(":trace\r")
	at = scr.waitFor(t, at, "trace on")
	typeKeys("AT\r")
	at = scr.waitFor(t, at, ">> AT<CR>")
	at = scr.waitFor(t, at, `<< `)
	typeKeys(":trace off\r")
	at = scr.waitFor(t, at, "trace off")

	// After a > prompt the next line is the payload; ESC leaves the prompt.
	typeKeys("AT+CMGF=1\r")
	at = scr.waitFor(t, at, "= OK")
	typeKeys(`AT+CMGS="+491701234567"` + "\r")
	at = scr.waitFor(t, at, "\x1b[2K\r> ")
	typeKeys("never sent")
	at = scr.waitFor(t, at, "never sent")
	typeKeys("\x1b")
	at = scr.waitFor(t, at, "cancelled")
	typeKeys(`AT+CMGS="+491701234567"` + "\r")
	at = scr.waitFor(t, at, "\x1b[2K\r> ")
	typeKeys("hi there\r")
	at = scr.waitFor(t, at, "+CMGS: ")

	script := filepath.Join(dir, "s.lua")
	typeKeys(":export " + script + "\r")
	at = scr.waitFor(t, at, "wrote "+script)
	typeKeys("\x04") // Ctrl+D
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Ctrl+D: %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("Ctrl+D did not end the session")
	}
	after, err := unix.IoctlGetTermios(int(tty.Fd()), unix.TCGETS)
	if err != nil {
		t.Fatal(err)
	}
	if after.Lflag != before.Lflag || after.Iflag != before.Iflag || after.Oflag != before.Oflag {
		t.Errorf("the terminal was not restored: lflag %#x iflag %#x oflag %#x, was %#x %#x %#x",
			after.Lflag, after.Iflag, after.Oflag, before.Lflag, before.Iflag, before.Oflag)
	}
	if h, err := os.ReadFile(history); err != nil || !strings.Contains(string(h), "AT+CSQ") {
		t.Errorf("history not kept in %s: %q %v", history, h, err)
	}
	src := mustRead(t, script)
	if !strings.Contains(src, "wait_urc('+CMTI:") || !strings.Contains(src, "upload('UFS:note.txt'") {
		t.Errorf("the export lacks the URC or the upload:\n%s", src)
	}
	replayGreen(t, script, filepath.Join(dir, "s.atr"))
	_ = at
}
