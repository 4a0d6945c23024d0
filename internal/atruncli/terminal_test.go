package atruncli

import (
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/atrun/atrun/engine/enginetest"
	"github.com/atrun/atrun/internal/ansi"
)

// On a terminal, stderr gets colour in the trace and an upload progress
// line; in a file it gets neither (TestRunAgainstPTY checks that side).
func TestStderrOnATerminal(t *testing.T) {
	_, modemPath := startModem(t, cleanStart,
		enginetest.Step{Expect: "AT+QFUPL=\"RAM:x\",5,60\r", Reply: "\r\nCONNECT\r\n"},
		enginetest.Step{Expect: "hello", Reply: "\r\n+QFUPL: 5,6b09\r\n\r\nOK\r\n"},
	)
	term, termPath := enginetest.OpenPTY(t)
	stderr, err := os.OpenFile(termPath, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer stderr.Close()
	dir := t.TempDir()
	writeFile(t, dir, "up.lua", "upload('RAM:x', 'hello', {data = true})\n")
	cmd, stdout, _ := call{args: []string{"run", "up.lua", "--port", modemPath, "--trace"}, dir: dir}.command(t)
	cmd.Stderr = stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	if o := waitFor(t, cmd, stdout, nil, 30*time.Second); o.code != 0 {
		t.Fatalf("exit %d", o.code)
	}
	wants := []string{"upload RAM:x: 5/5 bytes (100%)", ansi.Cyan + "->" + ansi.Reset, ansi.Green + "<-" + ansi.Reset}
	got := readUntil(t, term, wants)
	for _, want := range wants {
		if !strings.Contains(got, want) {
			t.Errorf("terminal output lacks %q:\n%q", want, got)
		}
	}
}

// readUntil reads what the process wrote to the terminal until it holds
// every one of wants, or a generous deadline passes: the pty hands the
// bytes of a process that has exited to the master side on its own time,
// later still on a busy machine.
func readUntil(t *testing.T, master *os.File, wants []string) string {
	t.Helper()
	var b strings.Builder
	buf := make([]byte, 4096)
	master.SetReadDeadline(time.Now().Add(30 * time.Second))
	defer master.SetReadDeadline(time.Time{})
	for {
		done := true
		for _, w := range wants {
			done = done && strings.Contains(b.String(), w)
		}
		if done {
			return b.String()
		}
		n, err := master.Read(buf)
		b.Write(buf[:n])
		if errors.Is(err, os.ErrDeadlineExceeded) {
			return b.String()
		}
		if err != nil {
			t.Fatal(err)
		}
	}
}
