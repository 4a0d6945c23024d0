package atruncli

import (
	"bufio"
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/atrun/atrun/engine/enginetest"
	"github.com/atrun/atrun/engine/transcript"
)

// Ctrl+C stops a run wherever it waits: exit 130 within a second, the
// transcript complete and ended, and a modem left at a `>` prompt gets ESC
// before atrun exits.
func TestInterrupt(t *testing.T) {
	tests := []struct {
		name   string
		script string
		steps  []enginetest.Step
		seen   string // what the modem must have received before the signal
		after  string // what it must have received by the time atrun exited
	}{
		{
			name:   "wait_urc",
			script: "send('AT')\nwait_urc('X', '1h')\n",
			steps:  []enginetest.Step{cleanStart, {Expect: "AT\r", Reply: "\r\nOK\r\n"}},
			seen:   "AT\rAT\r", // the clean start's and the script's
		},
		{
			name:   "send_prompt",
			script: "send_prompt('AT+QMTPUB=0,0,0,0,\"t\"', 'payload', {timeout = '1h'})\n",
			steps:  []enginetest.Step{cleanStart},
			seen:   "AT+QMTPUB=0,0,0,0,\"t\"\r",
			after:  "AT+QMTPUB=0,0,0,0,\"t\"\r\x1b",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fake, slave := startModem(t, tc.steps...)
			dir := t.TempDir()
			writeFile(t, dir, "wait.lua", tc.script)
			rec := filepath.Join(dir, "rec.txt")
			cmd, stdout, stderr := call{args: []string{"run", "wait.lua", "--port", slave, "--record", rec}, dir: dir}.command(t)
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			fake.WaitWrote(t, tc.seen)
			if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
				t.Fatal(err)
			}
			o := waitFor(t, cmd, stdout, stderr, 10*time.Second)
			if o.code != exitInterrupted {
				t.Fatalf("exit %d, want 130\n%s", o.code, o.stderr)
			}
			if !strings.Contains(o.stderr, "atrun: interrupted by Ctrl+C (SIGINT) at wait.lua:") {
				t.Errorf("stderr: %s", o.stderr)
			}
			checkCleanFailure(t, o)
			if tc.after != "" {
				// The bytes are in the pty's buffer once atrun wrote
				// them; the fake may read them a little later.
				fake.WaitWrote(t, tc.after)
			}
			tr, err := transcript.ReadFile(rec)
			if err != nil {
				t.Fatalf("transcript after Ctrl+C: %v", err)
			}
			if end := tr.Ending(); end.Kind != transcript.Interrupted || !strings.Contains(end.Message, "interrupted by Ctrl+C") {
				t.Errorf("the transcript ends %+v, want interrupted", end)
			}
			// The same script replayed against it stops where it was
			// interrupted, and passes.
			r := atrun(t, t.TempDir(), "replay", filepath.Join(dir, "wait.lua"), rec)
			if r.code != exitOK {
				t.Errorf("replay of the interrupted run: exit %d\n%s%s", r.code, r.stdout, r.stderr)
			}
		})
	}
}

// A script with no port is not caught at once (it holds nothing to stop,
// and os/signal's threads cost a short run 1.3 ms), but once it has run a
// while Ctrl+C stops it as any other: exit 130, said where.
func TestInterruptWithoutPort(t *testing.T) {
	dir := t.TempDir()
	// A second is a hundred times the time after which the run catches
	// signals (portlessArm): room for a timer late on a loaded machine.
	writeFile(t, dir, "wait.lua", "sleep('1s')\nprint('ready')\nsleep('1h')\n")
	cmd, _, stderr := call{args: []string{"run", "wait.lua"}, dir: dir}.command(t)
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	cmd.Stdout = w
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	w.Close()
	line, err := bufio.NewReader(r).ReadString('\n')
	if line != "ready\n" {
		cmd.Process.Kill()
		t.Fatalf("stdout %q, %v; stderr: %s", line, err, stderr)
	}
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	o := waitFor(t, cmd, &bytes.Buffer{}, stderr, 10*time.Second)
	if o.code != exitInterrupted {
		t.Fatalf("exit %d, want 130\n%s", o.code, o.stderr)
	}
	if !strings.Contains(o.stderr, "atrun: interrupted by Ctrl+C (SIGINT) at wait.lua:3") {
		t.Errorf("stderr: %s", o.stderr)
	}
}
