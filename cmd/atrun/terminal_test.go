package main

import (
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/atrun/atrun/engine/enginetest"
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
	got := drain(t, term)
	for _, want := range []string{"upload RAM:x: 5/5 bytes (100%)", ansiCyan + "->" + ansiReset, ansiGreen + "<-" + ansiReset} {
		if !strings.Contains(got, want) {
			t.Errorf("terminal output lacks %q:\n%q", want, got)
		}
	}
}

// drain reads what the process wrote to the terminal. It has exited, so
// everything is in the pty's buffer already: read until nothing is left.
func drain(t *testing.T, master *os.File) string {
	t.Helper()
	var b strings.Builder
	buf := make([]byte, 4096)
	for {
		master.SetReadDeadline(time.Now().Add(200 * time.Millisecond))
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
