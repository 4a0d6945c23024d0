package atruncli

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/atrun/atrun/engine/transcript"
	"github.com/atrun/atrun/explain"
)

// sharedLogsDir is where the real-device logs collected for the project
// live, beside the checkout; ATRUN_LOGS overrides it. The path is
// absolute: tests run atrun in folders of their own.
func sharedLogsDir() string {
	d := os.Getenv("ATRUN_LOGS")
	if d == "" {
		d = filepath.Join("..", "..", "..", "shared", "logs")
	}
	if abs, err := filepath.Abs(d); err == nil {
		return abs
	}
	return d
}

// sharedLogs lists the shared logs, skipping the test when there are none.
func sharedLogs(t *testing.T) []string {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(sharedLogsDir(), "[0-9]*.txt"))
	if len(files) == 0 {
		t.Skipf("no shared logs under %s (set ATRUN_LOGS)", sharedLogsDir())
	}
	return files
}

// sharedLog returns the shared log whose name starts with prefix.
func sharedLog(t *testing.T, prefix string) string {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(sharedLogsDir(), prefix+"-*.txt"))
	if len(files) == 0 {
		t.Skipf("shared log %s-*.txt not found under %s (set ATRUN_LOGS)", prefix, sharedLogsDir())
	}
	return files[0]
}

// explainLine is a line of `atrun explain --json`, with the keys it must
// hold noted as present.
type explainLine struct {
	Line     int    `json:"line"`
	Kind     string `json:"kind"`
	Dir      string `json:"dir"`
	Text     string `json:"text"`
	Command  string `json:"command"`
	Inferred bool   `json:"inferred"`
	Meaning  string `json:"meaning"`
	Hint     string `json:"hint"`
	Offset   string `json:"offset"`
}

var explainKinds = map[string]bool{
	"command": true, "echo": true, "response": true, "final": true, "urc": true,
	"prompt": true, "data": true, "noise": true,
}

// explainJSON runs `atrun explain --json` and parses its lines, checking
// that each is an object with the keys every entry has.
func explainJSON(t *testing.T, dir string, args ...string) []explainLine {
	t.Helper()
	o := atrun(t, dir, append([]string{"explain", "--json"}, args...)...)
	if o.code != exitOK {
		t.Fatalf("exit %d\n%s", o.code, o.stderr)
	}
	var out []explainLine
	sc := bufio.NewScanner(strings.NewReader(o.stdout))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var keys map[string]any
		if err := json.Unmarshal(sc.Bytes(), &keys); err != nil {
			t.Fatalf("not a JSON object: %q: %v", sc.Text(), err)
		}
		for _, k := range []string{"line", "kind", "text"} {
			if _, ok := keys[k]; !ok {
				t.Errorf("no %q in %s", k, sc.Text())
			}
		}
		var e explainLine
		json.Unmarshal(sc.Bytes(), &e)
		out = append(out, e)
	}
	if strings.Contains(o.stdout, `\u003e`) || strings.Contains(o.stdout, `\u0026`) {
		t.Errorf("HTML escapes in the JSON output")
	}
	return out
}

// ewfContinuationRE is a host write of an EWF trace: it continues the
// command the lines before it began until a CR ends it.
var ewfContinuationRE = regexp.MustCompile(`^\[SEND\]`)

// Every line of every shared log, as users have the files, is classified:
// each comes out as at least one entry of a known kind (a command written
// in several pieces is one entry, on the line of its first piece), and
// responses and final results name their command once the log has shown
// one.
func TestExplainSharedLogs(t *testing.T) {
	for _, file := range sharedLogs(t) {
		t.Run(filepath.Base(file)[:2], func(t *testing.T) {
			entries := explainJSON(t, "", file)
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			lines := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
			_, skipped := explain.StripHeader(data)
			if skipped == 0 {
				t.Fatal("the description block was not found")
			}
			covered := map[int]bool{}
			commands := 0
			for _, e := range entries {
				covered[e.Line] = true
				if !explainKinds[e.Kind] {
					t.Errorf("line %d: kind %q", e.Line, e.Kind)
				}
				if e.Line <= skipped || e.Line > len(lines) {
					t.Errorf("line %d is outside the log (lines %d-%d)", e.Line, skipped+1, len(lines))
				}
				if e.Kind == "command" || e.Kind == "echo" {
					commands++
				}
				if e.Kind == "urc" && e.Text == "RDY" {
					commands = 0 // the modem restarted: what was pending is gone
				}
				if (e.Kind == "response" || e.Kind == "final") && commands > 0 && e.Command == "" {
					t.Errorf("line %d: %s %q names no command", e.Line, e.Kind, e.Text)
				}
			}
			for n := skipped + 1; n <= len(lines); n++ {
				if !covered[n] && !ewfContinuationRE.MatchString(lines[n-1]) {
					t.Errorf("line %d %q is not classified", n, lines[n-1])
				}
			}
		})
	}
}

// The codes people ask about are decoded, in the shared logs and in small
// logs written for the purpose.
func TestExplainDecodes(t *testing.T) {
	tests := []struct {
		name    string
		log     string // shared log prefix; "" reads input
		input   string
		text    string
		kind    string
		command string // a text the entry's command must hold
		meaning string
	}{
		{"file exists", "01", "", "+CME ERROR: 407", "final", "AT+QFUPL", "file already exists"},
		{"open failed", "02", "", "+QMTOPEN: 0,-1", "urc", "AT+QMTOPEN", "failed to open the network"},
		{"roaming", "04", "", "+CREG: 0,5", "response", "", "registered, roaming"},
		{"signal in a blind log", "07", "", "+CSQ: 31,99", "response", "AT+CSQ", "-51 dBm"},
		{"signal", "", "AT+CSQ\r\n+CSQ: 19,99\r\nOK\r\n", "+CSQ: 19,99", "response", "AT+CSQ", "-75 dBm"},
		{"EPS roaming", "", "AT+CEREG?\n+CEREG: 0,5\nOK\n", "+CEREG: 0,5", "response", "AT+CEREG?", "registered, roaming"},
		{"bad password", "", "AT+QMTCONN=0,\"dev\",\"u\",\"p\"\nOK\n+QMTCONN: 0,0,4\n", "+QMTCONN: 0,0,4", "urc", "AT+QMTCONN", "bad user name or password"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var entries []explainLine
			if tc.log != "" {
				entries = explainJSON(t, "", sharedLog(t, tc.log))
			} else {
				dir := t.TempDir()
				writeFile(t, dir, "in.log", tc.input)
				entries = explainJSON(t, dir, "in.log")
			}
			for _, e := range entries {
				if e.Text == tc.text && e.Kind == tc.kind && strings.Contains(e.Command, tc.command) && strings.Contains(e.Meaning, tc.meaning) {
					return
				}
			}
			t.Errorf("no %s %q for %q meaning %q in %+v", tc.kind, tc.text, tc.command, tc.meaning, entries)
		})
	}
}

// The human output is a table: a header, then one row per entry with the
// line, kind, text and meaning in aligned columns; no colour in a file.
func TestExplainHuman(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "in.log", "AT+CSQ\r\n+CSQ: 19,99\r\nOK\r\nAT+QFUPL=\"a.pem\",10\r\n+CME ERROR: 407\r\n")
	o := atrun(t, dir, "explain", "in.log")
	if o.code != exitOK {
		t.Fatalf("exit %d\n%s", o.code, o.stderr)
	}
	lines := strings.Split(strings.TrimRight(o.stdout, "\n"), "\n")
	want := []*regexp.Regexp{
		regexp.MustCompile(`^ LINE  KIND      TEXT +MEANING$`),
		regexp.MustCompile(`^    1  echo      AT\+CSQ$`),
		regexp.MustCompile(`^    2  response  \+CSQ: 19,99 +-> .*-75 dBm.* \(for AT\+CSQ\)$`),
		regexp.MustCompile(`^    3  final     OK +\(for AT\+CSQ\)$`),
		regexp.MustCompile(`^    4  echo      AT\+QFUPL="a.pem",10$`),
		regexp.MustCompile(`^    5  final     \+CME ERROR: 407 +-> file already exists \(for AT\+QFUPL="a.pem",10\)$`),
		regexp.MustCompile(`^ +hint: `),
	}
	if len(lines) != len(want) {
		t.Fatalf("%d lines, want %d:\n%s", len(lines), len(want), o.stdout)
	}
	meaningAt := strings.Index(lines[0], "MEANING")
	for i, re := range want {
		if !re.MatchString(lines[i]) {
			t.Errorf("line %d %q does not match %s", i+1, lines[i], re)
		}
		if i == 2 && strings.Index(lines[i], "->") != meaningAt {
			t.Errorf("the meaning is not in the MEANING column:\n%s", o.stdout)
		}
	}
	if strings.Contains(o.stdout, "\x1b[") {
		t.Errorf("colour in a file:\n%q", o.stdout)
	}
}

// Standard input is read for "-", header block and all.
func TestExplainStdin(t *testing.T) {
	cmd, stdout, stderr := call{args: []string{"explain", "-", "--json"}}.command(t)
	cmd.Stdin = strings.NewReader("# source: a test\n# ---\nAT\nOK\n")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	o := waitFor(t, cmd, stdout, stderr, 30*time.Second)
	want := "{\"line\":3,\"kind\":\"echo\",\"dir\":\"modem\",\"text\":\"AT\",\"command\":\"AT\"}\n" +
		"{\"line\":4,\"kind\":\"final\",\"dir\":\"modem\",\"text\":\"OK\",\"command\":\"AT\"}\n"
	if o.code != exitOK || o.stdout != want {
		t.Errorf("exit %d\nstdout:\n%s\nwant:\n%s\nstderr: %s", o.code, o.stdout, want, o.stderr)
	}
}

// A transcript is explained event by event: host writes as commands (the
// password still redacted), modem bytes classified, on the transcript's
// own lines, and its end line last.
func TestExplainTranscript(t *testing.T) {
	file := filepath.Join(repoRoot(t), "testdata", "transcripts", "ec20_bad_password.atr")
	tr, err := transcript.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	entries := explainJSON(t, "", file)
	covered := map[int]bool{}
	for _, e := range entries {
		covered[e.Line] = true
		if !explainKinds[e.Kind] && e.Kind != "end" {
			t.Errorf("line %d: kind %q", e.Line, e.Kind)
		}
		if e.Offset == "" {
			t.Errorf("line %d: no offset", e.Line)
		}
	}
	// Every event is classified, except the later pieces of a host write
	// that a CR has not ended yet (an uploaded file): they are part of the
	// entry of the first piece.
	continued := false
	for _, ev := range tr.Events {
		if ev.Kind == transcript.File {
			continue // the contents of a file the script read: not modem traffic
		}
		if !covered[ev.Line] && !(ev.Kind == transcript.Host && continued) {
			t.Errorf("line %d (%v) is not classified", ev.Line, ev)
		}
		continued = ev.Kind == transcript.Host && !strings.HasSuffix(string(ev.Data.Bytes), "\r")
	}
	conn := `AT+QMTCONN=0,"dev1","modem","<redacted>"`
	wants := []explainLine{
		{Kind: "command", Dir: "host", Text: "AT+CPIN?", Command: "AT+CPIN?"},
		{Kind: "response", Text: "+CPIN: READY", Command: "AT+CPIN?"},
		{Kind: "command", Dir: "host", Text: conn, Command: conn},
		{Kind: "urc", Text: "+QMTCONN: 0,0,4", Command: conn, Meaning: "bad user name or password"},
	}
	for _, w := range wants {
		if !hasEntry(entries, w) {
			t.Errorf("no entry like %+v", w)
		}
	}
	last := entries[len(entries)-1]
	end := tr.Events[len(tr.Events)-1]
	if last.Kind != "end" || last.Line != end.Line || !strings.Contains(last.Text, "bad user name or password") {
		t.Errorf("last entry %+v, want the end line %d", last, end.Line)
	}
	for _, e := range entries {
		if e.Text == "AT+CPIN?" && e.Line != lineOf(t, file, `host  "AT+CPIN?\r"`) {
			t.Errorf("AT+CPIN? on line %d", e.Line)
		}
	}
}

func hasEntry(entries []explainLine, w explainLine) bool {
	for _, e := range entries {
		if e.Kind == w.Kind && e.Text == w.Text && e.Command == w.Command &&
			(w.Dir == "" || e.Dir == w.Dir) && strings.Contains(e.Meaning, w.Meaning) {
			return true
		}
	}
	return false
}

// lineOf is the line of file that first holds text.
func lineOf(t *testing.T, file, text string) int {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	i := strings.Index(string(data), text)
	if i < 0 {
		t.Fatalf("%s does not hold %q", file, text)
	}
	return strings.Count(string(data[:i]), "\n") + 1
}

// Bad input is one clear message and exit code 2.
func TestExplainBadInput(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "bad.atr", "atrun-transcript v1\n1.0 modem \"x\"\n0.5 modem \"y\"\n")
	writeFile(t, dir, "v2.atr", "atrun-transcript v9\n")
	writeFile(t, dir, "ok.log", "AT\nOK\n")
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"missing", []string{"explain", "nosuch.log"}, "cannot read the log: nosuch.log: no such file or directory"},
		{"no log", []string{"explain"}, "atrun explain needs a LOG"},
		{"two logs", []string{"explain", "ok.log", "ok.log"}, "takes one LOG"},
		{"bad format", []string{"explain", "--format", "csv", "ok.log"}, `--format "csv": want one of plain, arduino, ewf, arrows, labels, raw`},
		{"malformed transcript", []string{"explain", "bad.atr"}, "bad.atr:3: time 0.5 is before the previous event"},
		{"future version", []string{"explain", "v2.atr"}, `v2.atr:1: transcript format "v9" is not supported`},
		{"show a log", []string{"transcript", "show", "ok.log"}, "ok.log is not a transcript"},
		{"show malformed", []string{"transcript", "show", "bad.atr"}, "bad.atr:3: time"},
		{"import a transcript", []string{"transcript", "import", "v2.atr"}, "v2.atr is already a transcript"},
		{"import nothing", []string{"transcript", "import", "empty.log"}, "empty.log: no line reads as an AT command or modem output in format plain (detected); the formats recognised are plain, arduino, ewf, arrows, labels, raw"},
		{"explain nothing", []string{"explain", "empty.log"}, "empty.log: no line reads as an AT command"},
		{"import forced wrong", []string{"transcript", "import", "--format", "ewf", "ok.log"}, "in format ewf (given)"},
	}
	writeFile(t, dir, "empty.log", "hello\n\n")
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			o := atrun(t, dir, tc.args...)
			if o.code != exitUsage || !strings.Contains(o.stderr, tc.want) {
				t.Errorf("exit %d, stderr %q; want %d and %q", o.code, o.stderr, exitUsage, tc.want)
			}
			checkCleanFailure(t, o)
		})
	}
}
