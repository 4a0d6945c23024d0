package atruncli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/atrun/atrun/engine/transcript"
)

// importLogFile runs `atrun transcript import` on file and reads the
// result back with the transcript package.
func importLogFile(t *testing.T, file string, extra ...string) (*transcript.Transcript, string) {
	t.Helper()
	out := filepath.Join(t.TempDir(), "imported.atr")
	o := atrun(t, "", append([]string{"transcript", "import", file, "-o", out}, extra...)...)
	if o.code != exitOK {
		t.Fatalf("exit %d\n%s", o.code, o.stderr)
	}
	if o.stdout != "" || o.stderr != "" {
		t.Errorf("import printed:\n%s\n%s", o.stdout, o.stderr)
	}
	tr, err := transcript.ReadFile(out)
	if err != nil {
		t.Fatalf("the imported transcript does not read back: %v", err)
	}
	data, _ := os.ReadFile(out)
	return tr, string(data)
}

// timedWrite is a host write and when it happened.
type timedWrite struct {
	at   time.Duration
	data string
}

// hostWrites lists a transcript's host writes, joining the pieces of one
// write (an uploaded file, cut at its line ends).
func hostWrites(tr *transcript.Transcript) []timedWrite {
	var out []timedWrite
	joined := false
	for _, e := range tr.Events {
		if e.Kind != transcript.Host {
			joined = false
			continue
		}
		if joined && !strings.HasSuffix(out[len(out)-1].data, "\r") {
			out[len(out)-1].data += string(e.Data.Bytes)
			continue
		}
		out = append(out, timedWrite{e.At, string(e.Data.Bytes)})
		joined = true
	}
	return out
}

// Imported logs with times keep them; the commands are the host writes
// and the modem's lines come back with their line ends.
func TestImportTimedLogs(t *testing.T) {
	ms := func(n int) time.Duration { return time.Duration(n) * time.Millisecond }
	tests := []struct {
		log    string
		format string
		writes []timedWrite
		modem  []timedWrite // some of the modem's events
	}{
		{"05", "arrows", []timedWrite{
			{0, "AT+QMTOPEN=0,\"[private HiveMQ SSL MQTT Broker]\",8883\r"},
		}, []timedWrite{
			{ms(85), "\r\nOK\r\n"}, {ms(417), "\r\n+QMTOPEN: 0,-1\r\n"},
		}},
		{"13", "arduino", []timedWrite{
			{0, "AT+QMTOPEN=0,\"quiz.us.kg\",2000\r"},
			// The password is redacted (its bytes are left out here).
			{ms(19286), "AT+QMTCONN=0,\"DSI2598plus\",\"USERNAME\",\"\"\r"},
			{ms(30556), "AT+QMTSUB=0,1,\"value\",2\r"},
			{ms(41132), "AT+QMTPUB=0,1,1,0,\"value\",\"123\"\r"},
			{ms(57932), "AT+QMTDISC=0\r"},
		}, []timedWrite{
			{ms(1324), "\r\n+QMTOPEN: 0,0\r\n"}, {ms(41987), "\r\n+QMTRECV: 0,1,\"value\",\"123\"\r\n"},
		}},
	}
	for _, tc := range tests {
		t.Run(tc.log, func(t *testing.T) {
			file := sharedLog(t, tc.log)
			tr, text := importLogFile(t, file)
			if got := hostWrites(tr); !equalWrites(got, tc.writes) {
				t.Errorf("host writes\n%+v\nwant\n%+v", got, tc.writes)
			}
			for _, w := range tc.modem {
				if !hasModem(tr, w) {
					t.Errorf("no modem event %q at %v", w.data, w.at)
				}
			}
			checkImportHeader(t, tr, text, file, tc.format, "")
			if strings.Contains(text, "PASSWORD") {
				t.Errorf("the log's password is in the transcript:\n%s", text)
			}
			if !strings.Contains(text, "# Times come from the log's timestamps.") {
				t.Errorf("no note that the times are the log's:\n%s", text)
			}
		})
	}
}

// A plain log has no times: the events get made-up ones, in order.
func TestImportPlainLog(t *testing.T) {
	file := sharedLog(t, "17")
	tr, text := importLogFile(t, file)
	var cmds []string
	var last time.Duration = -1
	for _, w := range hostWrites(tr) {
		cmds = append(cmds, w.data)
		if w.at <= last {
			t.Errorf("write %q at %v, not after the one before (%v)", w.data, w.at, last)
		}
		last = w.at
	}
	want := []string{"AT+QIDEACT=1\r", "AT+QICSGP=1,1,\"internet\",\"\",\"\"\r", "AT+QIACT=1\r", "AT+CGATT=1\r", "AT+CGATT?\r", "AT+QILOCIP\r", "AT+QILOCIP\r"}
	if strings.Join(cmds, "|") != strings.Join(want, "|") {
		t.Errorf("commands\n%q\nwant\n%q", cmds, want)
	}
	checkImportHeader(t, tr, text, file, "plain", "")
	if !strings.Contains(text, "# The log has no times") {
		t.Errorf("no note that the times are made up:\n%s", text)
	}
}

// checkImportHeader checks what an import says of itself: the port is
// "imported", no script, no start (the log's date is unknown, and the
// time of the import is not the log's), the outcome only where the log
// shows one (failure "" for none).
func checkImportHeader(t *testing.T, tr *transcript.Transcript, text, file, format, failure string) {
	t.Helper()
	h := tr.Header
	if h.Port != "imported" || h.Script != "" || !h.Start.IsZero() {
		t.Errorf("header %+v", h)
	}
	got, ended := tr.Outcome()
	switch {
	case failure == "" && ended:
		t.Errorf("an imported log claims an outcome: %q", got)
	case failure != "" && got != failure:
		t.Errorf("outcome %q (ended %v), want the failure the log ends with, %q", got, ended, failure)
	}
	comment := "# Imported by atrun transcript import from " + filepath.Base(file) + " (format " + format + ")."
	if !strings.HasPrefix(text, comment) {
		t.Errorf("the transcript does not start with %q:\n%s", comment, text)
	}
}

func equalWrites(a, b []timedWrite) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func hasModem(tr *transcript.Transcript, w timedWrite) bool {
	for _, e := range tr.Events {
		if e.Kind == transcript.Modem && e.At == w.at && string(e.Data.Bytes) == w.data {
			return true
		}
	}
	return false
}

// Import never fails on the logs people post, and what it writes is a
// transcript with both sides of the conversation, never an empty event
// or one over 100 bytes.
func TestImportEverySharedLog(t *testing.T) {
	for _, file := range sharedLogs(t) {
		t.Run(filepath.Base(file)[:2], func(t *testing.T) {
			tr, _ := importLogFile(t, file)
			count := map[transcript.Kind]int{}
			for _, e := range tr.Events {
				count[e.Kind]++
				if n := len(e.Data.Bytes); e.Kind != transcript.End && (n == 0 || n > 100) {
					t.Errorf("line %d: %d bytes", e.Line, n)
				}
			}
			if count[transcript.Modem] == 0 {
				t.Errorf("no modem events: %v", count)
			}
		})
	}
}

// An imported log replays: a script that sends the logged command sees
// the logged answer, on the log's own clock.
func TestImportedLogReplays(t *testing.T) {
	file := sharedLog(t, "05")
	dir := t.TempDir()
	out := filepath.Join(dir, "05.atr")
	if o := atrun(t, dir, "transcript", "import", "--format", "arrows", file, "-o", out); o.code != exitOK {
		t.Fatalf("import: exit %d\n%s", o.code, o.stderr)
	}
	writeFile(t, dir, "open.lua", `send('AT+QMTOPEN=0,"[private HiveMQ SSL MQTT Broker]",8883')
local _, client, result = wait_urc("+QMTOPEN:", "5s")
assert(result == "-1", "result " .. tostring(result))
`)
	o := atrun(t, dir, "replay", "open.lua", "05.atr")
	if o.code != exitOK || !strings.HasPrefix(o.stdout, "PASS 05.atr (replayed 417 ms of session") {
		t.Errorf("exit %d\nstdout:\n%s\nstderr:\n%s", o.code, o.stdout, o.stderr)
	}
}

// Without -o the transcript goes to standard output; the log may come
// from standard input.
func TestImportToStdout(t *testing.T) {
	cmd, stdout, stderr := call{args: []string{"transcript", "import", "-"}}.command(t)
	cmd.Stdin = strings.NewReader("AT+CSQ\r\n+CSQ: 19,99\r\nOK\r\n")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	o := waitFor(t, cmd, stdout, stderr, 30*time.Second)
	if o.code != exitOK {
		t.Fatalf("exit %d\n%s", o.code, o.stderr)
	}
	tr, err := transcript.Parse([]byte(o.stdout), "stdout")
	if err != nil {
		t.Fatalf("%v\n%s", err, o.stdout)
	}
	if w := hostWrites(tr); len(w) != 1 || w[0].data != "AT+CSQ\r" {
		t.Errorf("host writes %+v", w)
	}
}

// show prints the header and every event with control bytes visible.
func TestTranscriptShow(t *testing.T) {
	file := "testdata/transcripts/ec20_bad_password.atr"
	o := atrun(t, repoRoot(t), "transcript", "show", file)
	if o.code != exitOK {
		t.Fatalf("exit %d\n%s", o.code, o.stderr)
	}
	tr, err := transcript.ReadFile(filepath.Join(repoRoot(t), file))
	if err != nil {
		t.Fatal(err)
	}
	checkInOrder(t, o.stdout, []string{
		"transcript " + file + " (format v2)\n",
		"  script  scripts/ec20_mqtts.lua\n",
		"  param   password = <redacted>\n",
		"  <-  <CR><LF>RDY<CR><LF>\n",
		"  ->  AT<CR>\n",
		`  ->  AT+QMTCONN=0,"dev1","modem","<redacted>"<CR>`,
		"  <-  <CR><LF>+QMTCONN: 0,0,4<CR><LF>\n",
		"  end the session failed: ec20_mqtts.lua:",
	})
	rows := strings.Count(o.stdout, "  ->  ") + strings.Count(o.stdout, "  <-  ") + strings.Count(o.stdout, "  end ") +
		strings.Count(o.stdout, "  file testdata/transcripts/ca.pem: ")
	if rows != len(tr.Events) {
		t.Errorf("%d event rows for %d events", rows, len(tr.Events))
	}
}

// The import of each shared log replays against a script written for it
// (testdata/imported/NN.lua): the commands the log shows, in its order,
// each waiting for what the log shows the modem answering.
func TestImportedLogsReplay(t *testing.T) {
	scripts := filepath.Join(repoRoot(t), "testdata", "imported")
	for _, file := range sharedLogs(t) {
		n := filepath.Base(file)[:2]
		t.Run(n, func(t *testing.T) {
			script := filepath.Join(scripts, n+".lua")
			if _, err := os.Stat(script); err != nil {
				t.Fatalf("no replay script for %s: write %s", filepath.Base(file), script)
			}
			dir := t.TempDir()
			atr := filepath.Join(dir, n+".atr")
			if o := atrun(t, dir, "transcript", "import", file, "-o", atr); o.code != exitOK {
				t.Fatalf("import: exit %d\n%s", o.code, o.stderr)
			}
			o := atrun(t, dir, "replay", script, atr)
			if o.code != exitOK || !strings.HasPrefix(o.stdout, "PASS ") {
				t.Errorf("replay: exit %d\nstdout:\n%s\nstderr:\n%s", o.code, o.stdout, o.stderr)
			}
		})
	}
}
