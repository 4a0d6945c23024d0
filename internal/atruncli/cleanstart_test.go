package atruncli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/atrun/atrun/engine/enginetest"
)

// An earlier program left the modem's late answers and a URC on the line
// (an upload that timed out, a signal report). atrun run drains them and
// resynchronises before the script, so each command gets its own answer,
// says what it found, records the clean start, and the recording replays.
func TestRunCleanStart(t *testing.T) {
	stale := "\r\n+CME ERROR: 421\r\n\r\n+CSQ: 5,99\r\n\r\nOK\r\n"
	_, slave := enginetest.StartStale(t, stale,
		enginetest.Step{Expect: "AT\r", Reply: "AT\r\r\nOK\r\n"},
		enginetest.Step{Expect: "AT+CSQ\r", Reply: "AT+CSQ\r\r\n+CSQ: 19,99\r\n\r\nOK\r\n"},
		enginetest.Step{Expect: "AT+CPIN?\r", Reply: "AT+CPIN?\r\r\n+CPIN: READY\r\n\r\nOK\r\n"},
	)
	dir := t.TempDir()
	writeFile(t, dir, "s.lua", `print(send("AT+CSQ").lines[1]) print(send("AT+CPIN?").lines[1])`)
	rec := filepath.Join(dir, "s.atr")
	o := atrun(t, dir, "run", "s.lua", "--port", slave, "--record", rec)
	if o.code != 0 {
		t.Fatalf("exit %d\n%s", o.code, o.stderr)
	}
	if o.stdout != "+CSQ: 19,99\n+CPIN: READY\n" {
		t.Errorf("the script got %q, not the answers to its own commands", o.stdout)
	}
	for _, want := range []string{"clean start", "+CME ERROR: 421"} {
		if !strings.Contains(o.stderr, want) {
			t.Errorf("stderr does not say %q:\n%s", want, o.stderr)
		}
	}
	data, err := os.ReadFile(rec)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), "\nresync on\n") || !strings.Contains(string(data), `modem "\r\n+CME ERROR: 421\r\n`) {
		t.Errorf("the transcript does not hold the clean start and what it drained:\n%s", data)
	}
	if o := atrun(t, dir, "replay", "s.lua", rec); o.code != 0 {
		t.Fatalf("replay of the recording: exit %d\n%s%s", o.code, o.stdout, o.stderr)
	}

}

// A modem an earlier program left inside AT+QFUPL takes the first bytes it
// gets as file data. The clean start's ATs finish the upload, atrun says so,
// and the script's commands get their own answers; the recording, with the
// AT that went unanswered, replays on virtual time.
func TestRunCleanStartAfterUnfinishedUpload(t *testing.T) {
	steps := []enginetest.Step{
		{Expect: "AT\r"}, // 3 of the 5 bytes the upload still wants: no answer
		{Expect: "AT\r", Reply: "\r\n+QFUPL: 5,5a5a\r\n\r\nOK\r\n"},
		{Expect: "AT\r", Reply: "AT\r\r\nOK\r\n"},
		{Expect: "AT+CSQ\r", Reply: "AT+CSQ\r\r\n+CSQ: 19,99\r\n\r\nOK\r\n"},
	}
	_, slave := startModem(t, steps...)
	dir := t.TempDir()
	writeFile(t, dir, "s.lua", `print(send("AT+CSQ").lines[1])`)
	rec := filepath.Join(dir, "s.atr")
	o := atrun(t, dir, "run", "s.lua", "--port", slave, "--record", rec)
	if o.code != 0 || o.stdout != "+CSQ: 19,99\n" {
		t.Fatalf("exit %d, the script got %q\n%s", o.code, o.stdout, o.stderr)
	}
	if !strings.Contains(o.stderr, "file upload") {
		t.Errorf("stderr does not tell of the unfinished upload:\n%s", o.stderr)
	}
	if o := atrun(t, dir, "replay", "s.lua", rec); o.code != 0 {
		t.Fatalf("replay of the recording: exit %d\n%s%s", o.code, o.stdout, o.stderr)
	}

	// Without the clean start the upload swallows the script's command and
	// its result is taken for the command's answer.
	_, slave = startModem(t, enginetest.Step{Expect: "AT+CSQ\r", Reply: "\r\n+QFUPL: 5,5a5a\r\n\r\nOK\r\n"})
	if o := atrun(t, dir, "run", "s.lua", "--port", slave, "--no-resync"); o.stdout != "+QFUPL: 5,5a5a\n" {
		t.Errorf("--no-resync: the script got %q (exit %d)", o.stdout, o.code)
	}
}
