package atruncli

import (
	"bufio"
	"bytes"
	"encoding/json"
	"encoding/xml"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// repoRoot is the checkout's root: the shipped transcripts name their CA
// file relative to it, so replays of them run there.
func repoRoot(t testing.TB) string {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	return root
}

// shippedTranscripts lists testdata/transcripts/*.atr relative to the
// root, sorted.
func shippedTranscripts(t testing.TB) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(repoRoot(t), "testdata", "transcripts", "*.atr"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no transcripts in testdata/transcripts (%v)", err)
	}
	for i, f := range files {
		files[i], _ = filepath.Rel(repoRoot(t), f)
	}
	return files
}

// editedCopy copies a shipped transcript into dir with old (which must
// occur) replaced by repl, and returns the copy's path and the line of the
// first edited line.
func editedCopy(t testing.TB, dir, name, old, repl string) (string, int) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(repoRoot(t), "testdata", "transcripts", name))
	if err != nil {
		t.Fatal(err)
	}
	text := string(data)
	at := strings.Index(text, old)
	if at < 0 {
		t.Fatalf("%s does not hold %q", name, old)
	}
	line := strings.Count(text[:at], "\n") + 1
	path := filepath.Join(dir, strings.TrimSuffix(name, ".atr")+"_edited.atr")
	if err := os.WriteFile(path, []byte(strings.Replace(text, old, repl, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	return path, line
}

var (
	passLineRE = regexp.MustCompile(`^PASS (\S+) \(replayed \d+(\.\d)? (µs|ms|s) of session in \d+(\.\d)? (µs|ms|s)\)$`)
	summaryRE  = regexp.MustCompile(`^(\d+) transcripts?: (\d+) passed(, .*)? \(replayed .* of sessions in .*\)$`)
)

// The shipped transcripts replay with the shipped script from the root,
// one PASS line each in the order given, then the summary.
func TestReplayShippedTranscripts(t *testing.T) {
	files := shippedTranscripts(t)
	o := atrun(t, repoRoot(t), append([]string{"replay", "ec20_mqtts"}, files...)...)
	if o.code != exitOK {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", o.code, o.stdout, o.stderr)
	}
	lines := strings.Split(strings.TrimRight(o.stdout, "\n"), "\n")
	if len(lines) != len(files)+1 {
		t.Fatalf("%d lines for %d transcripts:\n%s", len(lines), len(files), o.stdout)
	}
	for i, f := range files {
		m := passLineRE.FindStringSubmatch(lines[i])
		if m == nil || m[1] != f {
			t.Errorf("line %d = %q, want a PASS line for %s", i+1, lines[i], f)
		}
	}
	m := summaryRE.FindStringSubmatch(lines[len(files)])
	if m == nil || m[1] != m[2] || m[3] != "" {
		t.Errorf("summary %q: want all %d passed", lines[len(files)], len(files))
	}
	if o.stderr != "" {
		t.Errorf("stderr: %s", o.stderr)
	}
}

// Each way a replay can go wrong gives its verdict, its explanation and
// its exit code; a mismatch outranks a failure, which outranks a
// transcript that cannot be read.
func TestReplayVerdicts(t *testing.T) {
	dir := t.TempDir()
	happy := "testdata/transcripts/ec20_happy.atr"
	mismatch, mmLine := editedCopy(t, dir, "ec20_happy.atr", `host  "AT+CSQ\r"`, `host  "AT+CSQ=1\r"`)
	outcome, _ := editedCopy(t, dir, "ec20_qmtopen_failed.atr", "failed to open the network (", "failed to frobnicate (")
	malformed := writeFile(t, dir, "malformed.atr", "atrun-transcript v1\nport \"x\"\n0.5 hots \"AT\\r\"\n")
	missing := filepath.Join(dir, "missing.atr")
	tests := []struct {
		name   string
		args   []string
		code   int
		stdout []string // texts stdout must hold, in this order
		stderr string
	}{
		{"mismatch", []string{mismatch}, exitMismatch, []string{
			"MISMATCH " + mismatch + " (after ",
			"\n    " + mismatch + ":" + strconv.Itoa(mmLine) + ": replay mismatch at ",
			`expected: "AT+CSQ=1\r"`, `got:      "AT+CSQ\r"`, "^ first difference",
			"1 transcript: 0 passed, 1 mismatched",
		}, "atrun: 1 of 1 transcript mismatched\n"},
		{"recorded outcome changed", []string{outcome}, exitFailed, []string{
			"FAIL " + outcome + " (after ",
			"\n    the script failed with\n", "failed to open the network",
			"\n    but the recorded session failed with\n", "failed to frobnicate",
			"1 transcript: 0 passed, 1 failed",
		}, "atrun: 1 of 1 transcript failed"},
		{"malformed", []string{malformed}, exitUsage, []string{
			"ERROR " + malformed + "\n",
			"    " + malformed + `:3: unknown direction "hots": want host, modem or end`,
			"1 transcript: 0 passed, 1 unreadable",
		}, "atrun: 1 of 1 transcript could not be read"},
		{"missing", []string{missing}, exitUsage, []string{
			"ERROR " + missing + "\n", "    " + missing + ": no such file or directory",
		}, "could not be read"},
		{"--set changes what the script sends", []string{happy, "--set", "client_id=other"}, exitMismatch, []string{
			"MISMATCH " + happy, `expected: "AT+QMTCONN=0,\"dev1\"`, `got:      "AT+QMTCONN=0,\"other\"`,
		}, "atrun: 1 of 1 transcript mismatched\n"},
		{"mismatch wins", []string{malformed, outcome, happy, mismatch}, exitMismatch, []string{
			"ERROR " + malformed, "FAIL " + outcome, "PASS " + happy, "MISMATCH " + mismatch,
			"4 transcripts: 1 passed, 1 mismatched, 1 failed, 1 unreadable",
		}, "atrun: 1 of 4 transcripts mismatched\n"},
		{"failure wins over unreadable", []string{outcome, malformed}, exitFailed, []string{
			"FAIL " + outcome, "ERROR " + malformed, "2 transcripts: 0 passed, 1 failed, 1 unreadable",
		}, "atrun: 1 of 2 transcripts failed"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			o := atrun(t, repoRoot(t), append([]string{"replay", "ec20_mqtts"}, tc.args...)...)
			if o.code != tc.code {
				t.Errorf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", o.code, tc.code, o.stdout, o.stderr)
			}
			checkInOrder(t, o.stdout, tc.stdout)
			if !strings.HasPrefix(o.stderr, "atrun: ") || !strings.Contains(o.stderr, tc.stderr) {
				t.Errorf("stderr lacks %q:\n%s", tc.stderr, o.stderr)
			}
			checkNoTrace(t, o)
		})
	}
}

// Bad command lines are usage errors, before any replay runs.
func TestReplayUsage(t *testing.T) {
	happy := "testdata/transcripts/ec20_happy.atr"
	dir := t.TempDir()
	writeFile(t, dir, "bad.lua", "local x = = 1\n")
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no arguments", nil, "needs a SCRIPT and at least one TRANSCRIPT"},
		{"no transcript", []string{"ec20_mqtts"}, "needs a SCRIPT and at least one TRANSCRIPT"},
		{"unknown script", []string{"nosuch", happy}, "script not found: nosuch"},
		{"syntax error", []string{filepath.Join(dir, "bad.lua"), happy}, "bad.lua:1: syntax error"},
		{"jobs 0", []string{"ec20_mqtts", happy, "--jobs", "0"}, "--jobs 0"},
		{"negative chunk", []string{"ec20_mqtts", happy, "--chunk", "-1"}, "--chunk -1"},
		{"bad --set", []string{"ec20_mqtts", happy, "--set", "nokey"}, `--set "nokey"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			o := atrun(t, repoRoot(t), append([]string{"replay"}, tc.args...)...)
			if o.code != exitUsage || !strings.Contains(o.stderr, tc.want) {
				t.Errorf("exit %d, stderr %q; want %d and %q", o.code, o.stderr, exitUsage, tc.want)
			}
			if o.stdout != "" {
				t.Errorf("stdout: %s", o.stdout)
			}
			checkCleanFailure(t, o)
		})
	}
}

// --jobs changes how many replays run at once, never the output: the
// results follow the arguments, whatever order the jobs finish in.
func TestReplayOrderAndJobs(t *testing.T) {
	dir := t.TempDir()
	mismatch, _ := editedCopy(t, dir, "ec20_happy.atr", `host  "AT+CSQ\r"`, `host  "AT+CSQ=1\r"`)
	outcome, _ := editedCopy(t, dir, "ec20_no_sim.atr", `end failed "`, `end failed "x`)
	files := shippedTranscripts(t)
	slices.Reverse(files)
	files = append(files, mismatch, files[0], outcome)
	var outputs []string
	for _, jobs := range []string{"1", "4"} {
		o := atrun(t, repoRoot(t), append([]string{"replay", "ec20_mqtts", "--jobs", jobs}, files...)...)
		if o.code != exitMismatch {
			t.Fatalf("--jobs %s: exit %d\n%s", jobs, o.code, o.stderr)
		}
		var order []string
		for _, line := range strings.Split(o.stdout, "\n") {
			if f := strings.Fields(line); len(f) > 1 && (f[0] == "PASS" || f[0] == "MISMATCH" || f[0] == "FAIL") {
				order = append(order, f[1])
			}
		}
		if !slices.Equal(order, files) {
			t.Errorf("--jobs %s: results in the order\n%v\nwant\n%v", jobs, order, files)
		}
		outputs = append(outputs, withoutDurations(o.stdout))
	}
	if outputs[0] != outputs[1] {
		t.Errorf("--jobs 1 and --jobs 4 differ:\n%s\n---\n%s", outputs[0], outputs[1])
	}
}

var durationRE = regexp.MustCompile(`\d+(\.\d+)? (µs|ms|s)\b`)

// withoutDurations blanks the wall times, which differ from run to run.
func withoutDurations(s string) string { return durationRE.ReplaceAllString(s, "D") }

// --junit writes a report a CI system reads: one suite, one case per
// transcript in argument order, failures and errors with their messages.
// junitProblem is a <failure> or <error> of the JUnit report.
type junitProblem struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

func TestReplayJUnit(t *testing.T) {
	dir := t.TempDir()
	happy := "testdata/transcripts/ec20_happy.atr"
	mismatch, mmLine := editedCopy(t, dir, "ec20_happy.atr", `host  "AT+CSQ\r"`, `host  "AT+CSQ=1\r"`)
	outcome, _ := editedCopy(t, dir, "ec20_qmtopen_failed.atr", "failed to open the network (", "failed to frobnicate (")
	malformed := writeFile(t, dir, "malformed.atr", "atrun-transcript v1\n0.5 hots \"AT\\r\"\n")
	report := filepath.Join(dir, "junit.xml")
	o := atrun(t, repoRoot(t), "replay", "ec20_mqtts", "--junit", report, happy, mismatch, outcome, malformed)
	if o.code != exitMismatch {
		t.Fatalf("exit %d\n%s", o.code, o.stderr)
	}
	var doc struct {
		Tests    int `xml:"tests,attr"`
		Failures int `xml:"failures,attr"`
		Errors   int `xml:"errors,attr"`
		Suites   []struct {
			Name     string  `xml:"name,attr"`
			Tests    int     `xml:"tests,attr"`
			Failures int     `xml:"failures,attr"`
			Errors   int     `xml:"errors,attr"`
			Time     float64 `xml:"time,attr"`
			Cases    []struct {
				Name      string        `xml:"name,attr"`
				Classname string        `xml:"classname,attr"`
				Time      float64       `xml:"time,attr"`
				Failure   *junitProblem `xml:"failure"`
				Error     *junitProblem `xml:"error"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	data, err := os.ReadFile(report)
	if err != nil {
		t.Fatal(err)
	}
	if err := xml.Unmarshal(data, &doc); err != nil {
		t.Fatalf("the report is not XML: %v\n%s", err, data)
	}
	if doc.Tests != 4 || doc.Failures != 2 || doc.Errors != 1 || len(doc.Suites) != 1 {
		t.Fatalf("tests %d failures %d errors %d suites %d; want 4, 2, 1, 1", doc.Tests, doc.Failures, doc.Errors, len(doc.Suites))
	}
	s := doc.Suites[0]
	if s.Name != "atrun replay ec20_mqtts" || s.Tests != 4 || s.Failures != 2 || s.Errors != 1 || s.Time <= 0 {
		t.Errorf("suite %q tests %d failures %d errors %d time %v", s.Name, s.Tests, s.Failures, s.Errors, s.Time)
	}
	if len(s.Cases) != 4 {
		t.Fatalf("%d test cases, want 4", len(s.Cases))
	}
	wants := []struct {
		name, kind, typ, message, text string
	}{
		{happy, "", "", "", ""},
		{mismatch, "failure", "mismatch", mismatch + ":" + strconv.Itoa(mmLine) + ": replay mismatch", `got:      "AT+CSQ\r"`},
		{outcome, "failure", "fail", "the script failed with", "failed to frobnicate"},
		{malformed, "error", "unreadable", malformed + `:2: unknown direction "hots"`, "want host, modem or end"},
	}
	for i, w := range wants {
		c := s.Cases[i]
		if c.Name != w.name || c.Classname != "ec20_mqtts" {
			t.Errorf("case %d: name %q class %q, want %q", i, c.Name, c.Classname, w.name)
		}
		var p *junitProblem
		switch w.kind {
		case "failure":
			p = c.Failure
		case "error":
			p = c.Error
		}
		if w.kind == "" {
			if c.Failure != nil || c.Error != nil || c.Time <= 0 {
				t.Errorf("case %d: %+v, want a pass with a time", i, c)
			}
			continue
		}
		if p == nil || p.Type != w.typ || !strings.HasPrefix(p.Message, w.message) || strings.Contains(p.Message, "\n") || !strings.Contains(p.Text, w.text) {
			t.Errorf("case %d: %s %+v; want type %q, message %q..., text with %q", i, w.kind, p, w.typ, w.message, w.text)
		}
	}
}

// A report that cannot be written fails a run that otherwise passed.
func TestReplayJUnitUnwritable(t *testing.T) {
	report := filepath.Join(t.TempDir(), "no", "such", "dir", "junit.xml")
	o := atrun(t, repoRoot(t), "replay", "ec20_mqtts", "testdata/transcripts/ec20_happy.atr", "--junit", report)
	if o.code != exitUsage || !strings.Contains(o.stderr, "cannot write the JUnit report") {
		t.Errorf("exit %d, stderr %q", o.code, o.stderr)
	}
}

// --json prints one object per transcript, then the summary.
func TestReplayJSON(t *testing.T) {
	dir := t.TempDir()
	happy := "testdata/transcripts/ec20_happy.atr"
	mismatch, mmLine := editedCopy(t, dir, "ec20_happy.atr", `host  "AT+CSQ\r"`, `host  "AT+CSQ=1\r"`)
	o := atrun(t, repoRoot(t), "replay", "ec20_mqtts", "--json", happy, mismatch)
	if o.code != exitMismatch {
		t.Fatalf("exit %d\n%s", o.code, o.stderr)
	}
	var got []replayJSONResult
	var sum replayJSONSummary
	sc := bufio.NewScanner(strings.NewReader(o.stdout))
	for sc.Scan() {
		if strings.Contains(sc.Text(), `"event":"summary"`) {
			if err := json.Unmarshal(sc.Bytes(), &sum); err != nil {
				t.Fatal(err)
			}
			continue
		}
		var r replayJSONResult
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("%q: %v", sc.Text(), err)
		}
		got = append(got, r)
	}
	if len(got) != 2 || got[0].File != happy || got[0].Status != "pass" || got[0].Virtual <= 0 || got[0].Message != "" {
		t.Fatalf("results %+v", got)
	}
	mm := got[1]
	if mm.File != mismatch || mm.Status != "mismatch" || mm.Line != mmLine || mm.Expected != `"AT+CSQ=1\r"` || mm.Got != `"AT+CSQ\r"` {
		t.Errorf("mismatch %+v", mm)
	}
	if sum.Event != "summary" || sum.Total != 2 || sum.Passed != 1 || sum.Mismatched != 1 {
		t.Errorf("summary %+v", sum)
	}
	if strings.Contains(o.stdout, `\u003e`) || strings.Contains(o.stdout, `\u0026`) {
		t.Errorf("HTML escapes in JSON:\n%s", o.stdout)
	}
}

// The spinning script of TestReplayInterrupt, and the two transcripts it
// replays: one it passes, one it spins on until Ctrl+C.
const (
	spinScript = "if param('mode') == 'spin' then while true do end end\nsend('AT')\n"
	quickAtr   = "atrun-transcript v1\nparam mode \"quick\"\n0.000 host \"AT\\r\"\n0.001 modem \"\\r\\nOK\\r\\n\"\n0.002 end\n"
	spinAtr    = "atrun-transcript v1\nparam mode \"spin\"\n0.000 host \"AT\\r\"\n0.001 modem \"\\r\\nOK\\r\\n\"\n0.002 end\n"
)

// Ctrl+C stops every replay: exit 130, the finished results printed, the
// others reported as not run.
func TestReplayInterrupt(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "spin.lua", spinScript)
	writeFile(t, dir, "quick.atr", quickAtr)
	writeFile(t, dir, "spin.atr", spinAtr)
	cmd, stdout, stderr := call{args: []string{"replay", "spin.lua", "quick.atr", "spin.atr", "--jobs", "1"}, dir: dir}.command(t)
	passed := newWatch("PASS quick.atr")
	cmd.Stdout = io.MultiWriter(stdout, passed)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	select {
	case <-passed.seen:
	case <-time.After(30 * time.Second):
		cmd.Process.Kill()
		t.Fatal("the first transcript never passed")
	}
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	o := waitFor(t, cmd, stdout, stderr, 10*time.Second)
	if o.code != exitInterrupted {
		t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", o.code, exitInterrupted, o.stdout, o.stderr)
	}
	checkInOrder(t, o.stdout, []string{"PASS quick.atr", "SKIPPED spin.atr (interrupted)", "2 transcripts: 1 passed, 1 not run"})
	if !strings.HasPrefix(o.stderr, "atrun: interrupted") {
		t.Errorf("stderr: %s", o.stderr)
	}
	checkCleanFailure(t, o)
}

// watch is a writer that closes seen once want has been written to it.
type watch struct {
	mu   sync.Mutex
	buf  bytes.Buffer
	want string
	seen chan struct{}
	done bool
}

func newWatch(want string) *watch { return &watch{want: want, seen: make(chan struct{})} }

func (w *watch) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf.Write(p)
	if !w.done && strings.Contains(w.buf.String(), w.want) {
		w.done = true
		close(w.seen)
	}
	return len(p), nil
}

// checkInOrder checks that s holds each of wants, one after the other.
func checkInOrder(t *testing.T, s string, wants []string) {
	t.Helper()
	rest := s
	for _, w := range wants {
		i := strings.Index(rest, w)
		if i < 0 {
			t.Errorf("output lacks %q (after the texts before it):\n%s", w, s)
			return
		}
		rest = rest[i+len(w):]
	}
}

// checkNoTrace checks that nothing a user sees is a Go stack trace.
func checkNoTrace(t *testing.T, o outcome) {
	t.Helper()
	for _, bad := range []string{"goroutine ", "panic:", "runtime."} {
		if strings.Contains(o.stdout+o.stderr, bad) {
			t.Errorf("output holds %q:\n%s\n%s", bad, o.stdout, o.stderr)
		}
	}
}
