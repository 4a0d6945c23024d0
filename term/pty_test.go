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
	typeKeys("AT+CPIN=9876\r")
	at = scr.waitFor(t, at, "+CME ERROR")
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
	} else if strings.Contains(string(h), "9876") {
		t.Errorf("the PIN is in the history: %q", h)
	}
	src := mustRead(t, script)
	if !strings.Contains(src, "wait_urc('+CMTI:") || !strings.Contains(src, "upload('UFS:note.txt'") {
		t.Errorf("the export lacks the URC or the upload:\n%s", src)
	}
	replayGreen(t, script, filepath.Join(dir, "s.atr"))
	_ = at
}

// TestPanicRestoresTerminal: a crash while a line runs leaves the
// terminal as it was found, and the crash still surfaces.
func TestPanicRestoresTerminal(t *testing.T) {
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
	doHook = func(line string) {
		if line == "crash" {
			panic("crash typed")
		}
	}
	defer func() { doHook = nil }()
	scr := &screen{changed: make(chan struct{})}
	go func() {
		buf := make([]byte, 4096)
		for {
			n, err := master.Read(buf)
			scr.Write(buf[:n])
			if err != nil {
				return
			}
		}
	}()
	crashed := make(chan any, 1)
	go func() {
		defer func() { crashed <- recover() }()
		Run(context.Background(), Options{Port: v.DevicePath, In: tty, Out: tty, Interactive: true})
	}()
	scr.waitFor(t, 0, "AT> ")
	master.Write([]byte("crash\r"))
	select {
	case p := <-crashed:
		if p != "crash typed" {
			t.Fatalf("the panic became %v", p)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the session did not end")
	}
	after, err := unix.IoctlGetTermios(int(tty.Fd()), unix.TCGETS)
	if err != nil {
		t.Fatal(err)
	}
	if after.Lflag != before.Lflag || after.Iflag != before.Iflag {
		t.Errorf("the terminal was not restored after a panic: lflag %#x iflag %#x, was %#x %#x", after.Lflag, after.Iflag, before.Lflag, before.Iflag)
	}
}

// ptySession is an interactive session on a fresh pty, driven from the
// master side.
type ptySession struct {
	t      *testing.T
	master *os.File
	scr    *screen
	at     int
	done   chan error
}

func startPTYSession(t *testing.T, port string) *ptySession {
	t.Helper()
	master, tty, err := pty.Open()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { master.Close(); tty.Close() })
	p := &ptySession{t: t, master: master, scr: &screen{changed: make(chan struct{})}, done: make(chan error, 1)}
	go func() {
		buf := make([]byte, 4096)
		for {
			n, err := master.Read(buf)
			p.scr.Write(buf[:n])
			if err != nil {
				return
			}
		}
	}()
	go func() {
		p.done <- Run(context.Background(), Options{Port: port, In: tty, Out: tty, Interactive: true})
	}()
	p.see("AT> ")
	return p
}

// typeLine types a line and Enter.
func (p *ptySession) typeLine(s string) {
	p.t.Helper()
	if _, err := p.master.Write([]byte(s + "\r")); err != nil {
		p.t.Fatal(err)
	}
}

// see waits until the screen shows want, after what was seen before.
func (p *ptySession) see(want string) {
	p.t.Helper()
	p.at = p.scr.waitFor(p.t, p.at, want)
}

// TestMQTTSessionOnTerminal types the whole MQTT-over-TLS sequence as a
// person would, reading each answer and URC before going on, and exports
// a script that replays: from an empty terminal to a script with no Lua
// written by hand.
func TestMQTTSessionOnTerminal(t *testing.T) {
	v := startSim(t)
	p := startPTYSession(t, v.DevicePath)
	host, port := hostOf(v.BrokerAddr), portOf(v.BrokerAddr)
	for _, step := range [][2]string{
		{"AT", "= OK"},
		{"AT+CMEE=1", "= OK"},
		{"AT+CPIN?", "SIM ready"},
		{"AT+CSQ", "dBm"},
		{"AT+CEREG?", "registered"},
		{":upload " + v.CAFile + " UFS:ca.pem", "verified"},
		{`AT+QMTCFG="recv/mode",0,0,1`, "= OK"},
		{`AT+QMTCFG="ssl",0,1,2`, "= OK"},
		{`AT+QMTCFG="version",0,4`, "= OK"},
		{`AT+QSSLCFG="cacert",2,"UFS:ca.pem"`, "= OK"},
		{`AT+QSSLCFG="seclevel",2,1`, "= OK"},
		{`AT+QSSLCFG="sslversion",2,4`, "= OK"},
		{`AT+QSSLCFG="ciphersuite",2,0xFFFF`, "= OK"},
		{`AT+QMTOPEN=0,"` + host + `",` + port, "URC +QMTOPEN: 0,0"},
		{`AT+QMTCONN=0,"dev1","` + v.Username + `","` + v.Password + `"`, "URC +QMTCONN: 0,0,0"},
		{`AT+QMTSUB=0,1,"atrun/down",1`, "URC +QMTSUB: 0,1,0,1"},
	} {
		p.typeLine(step[0])
		p.see(step[1])
	}
	p.typeLine(`AT+QMTPUB=0,2,1,0,"atrun/up"`)
	p.see("\x1b[2K\r> ")
	p.typeLine(`{"t":21.5}`)
	p.see("URC +QMTPUB: 0,2,0")
	p.at = 0
	p.see("URC +QMTRECV: 0,1,\"atrun/down\"")
	p.typeLine("AT+QMTDISC=0")
	p.see("URC +QMTDISC: 0,0")
	dir := t.TempDir()
	script := filepath.Join(dir, "mqtt.lua")
	p.typeLine(":export " + script)
	p.see("wrote " + script)
	p.typeLine(":quit")
	if err := <-p.done; err != nil {
		t.Fatal(err)
	}
	src := mustRead(t, script)
	if strings.Contains(src, v.Password) || !strings.Contains(src, `secret("password")`) {
		t.Errorf("the password is not a secret() parameter:\n%s", src)
	}
	replayGreen(t, script, filepath.Join(dir, "mqtt.atr"))
}

// TestModesStayRestored: once the terminal is put back, a late mode
// switch (the line editor closing from the signal handler while the
// session returns) must not undo it. SIGTERM left the user's terminal
// without echo when it did.
func TestModesStayRestored(t *testing.T) {
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
	modes, err := newTTYModes(tty)
	if err != nil {
		t.Fatal(err)
	}
	for _, late := range []func() error{modes.waiting, modes.editing} {
		if err := modes.editing(); err != nil {
			t.Fatal(err)
		}
		modes.restore()
		late()
		after, err := unix.IoctlGetTermios(int(tty.Fd()), unix.TCGETS)
		if err != nil {
			t.Fatal(err)
		}
		if after.Lflag != before.Lflag || after.Iflag != before.Iflag {
			t.Errorf("a mode switch after restore changed the terminal: lflag %#x iflag %#x, was %#x %#x", after.Lflag, after.Iflag, before.Lflag, before.Iflag)
		}
	}
}
