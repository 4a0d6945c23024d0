package explain

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/atrun/atrun/engine/codes"
)

// logsDir is where the shared real-device logs live, beside the checkout.
// ATRUN_LOGS overrides it.
func logsDir() string {
	if d := os.Getenv("ATRUN_LOGS"); d != "" {
		return d
	}
	return filepath.Join("..", "..", "shared", "logs")
}

// loadLog reads the shared log whose name starts with prefix and strips its
// metadata header (the lines up to and including the first "# ---").
func loadLog(t *testing.T, prefix string) string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(logsDir(), prefix+"-*.txt"))
	if err != nil || len(files) == 0 {
		t.Skipf("shared log %s-*.txt not found under %s (set ATRUN_LOGS)", prefix, logsDir())
	}
	data, err := os.ReadFile(files[0])
	if err != nil {
		t.Fatalf("reading %s: %v", files[0], err)
	}
	return stripHeader(t, string(data))
}

// stripHeader removes the metadata block of a shared log.
func stripHeader(t *testing.T, s string) string {
	t.Helper()
	lines := strings.SplitAfter(s, "\n")
	for i, l := range lines {
		if strings.TrimRight(l, "\r\n") == "# ---" {
			return strings.Join(lines[i+1:], "")
		}
	}
	t.Fatal("log has no '# ---' header end")
	return ""
}

// mustParse parses text with the given format and fails the test on error.
func mustParse(t *testing.T, text string, format Format) []Entry {
	t.Helper()
	entries, err := Parse(strings.NewReader(text), Options{Format: format})
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return entries
}

// find returns the entries whose text equals text.
func find(entries []Entry, text string) []Entry {
	var out []Entry
	for _, e := range entries {
		if e.Text == text {
			out = append(out, e)
		}
	}
	return out
}

// want describes what one entry must look like; empty fields are not
// checked.
type want struct {
	line    int // 0: any line
	text    string
	kind    Kind
	command string
	meaning string // substring
	hint    string // substring
	n       int    // how many entries have this text (0: at least one)
}

// check verifies each want against the entries.
func check(t *testing.T, entries []Entry, wants []want) {
	t.Helper()
	for _, w := range wants {
		got := find(entries, w.text)
		if w.line != 0 {
			got = filterLine(got, w.line)
		}
		if len(got) == 0 || (w.n != 0 && len(got) != w.n) {
			t.Errorf("%q (line %d): %d entries, want %d", w.text, w.line, len(got), max(w.n, 1))
			continue
		}
		for _, e := range got {
			checkEntry(t, e, w)
		}
	}
}

// checkEntry compares one entry with a want.
func checkEntry(t *testing.T, e Entry, w want) {
	t.Helper()
	if w.kind != "" && e.Kind != w.kind {
		t.Errorf("line %d %q: kind %s, want %s", e.Line, e.Text, e.Kind, w.kind)
	}
	if w.command != "" && e.Command != w.command {
		t.Errorf("line %d %q: command %q, want %q", e.Line, e.Text, e.Command, w.command)
	}
	if !strings.Contains(e.Meaning, w.meaning) {
		t.Errorf("line %d %q: meaning %q, want it to mention %q", e.Line, e.Text, e.Meaning, w.meaning)
	}
	if !strings.Contains(e.Hint, w.hint) {
		t.Errorf("line %d %q: hint %q, want it to mention %q", e.Line, e.Text, e.Hint, w.hint)
	}
}

// filterLine keeps the entries of one line.
func filterLine(entries []Entry, line int) []Entry {
	var out []Entry
	for _, e := range entries {
		if e.Line == line {
			out = append(out, e)
		}
	}
	return out
}

// countKind counts the entries of a kind.
func countKind(entries []Entry, k Kind) int {
	n := 0
	for _, e := range entries {
		if e.Kind == k {
			n++
		}
	}
	return n
}

// checkWellFormed asserts what holds for every parse: known kinds, lines in
// range, results that parse as what they claim, no glued results left, and
// commands that are commands.
func checkWellFormed(t *testing.T, entries []Entry, lines int) {
	t.Helper()
	for _, e := range entries {
		if e.Line < 1 || e.Line > lines+1 {
			t.Errorf("entry %+v: line out of 1..%d", e, lines)
		}
		switch e.Kind {
		case KindCommand, KindEcho:
			if !isATLine(e.Text) || e.Command != e.Text {
				t.Errorf("line %d: %s %q is not an AT command of its own", e.Line, e.Kind, e.Text)
			}
		case KindFinal:
			if _, ok := codes.ParseFinal(e.Text); !ok {
				t.Errorf("line %d: final %q does not parse as one", e.Line, e.Text)
			}
		case KindResponse:
			if e.Command == "" {
				t.Errorf("line %d: response %q names no command", e.Line, e.Text)
			}
		case KindURC, KindPrompt, KindData, KindNoise:
		default:
			t.Errorf("line %d: unknown kind %q", e.Line, e.Kind)
		}
		if e.Kind != KindData && e.Kind != KindNoise && strings.ContainsAny(e.Text, "\r\n") {
			t.Errorf("line %d: %s %q holds a line end: mis-framed", e.Line, e.Kind, e.Text)
		}
		if e.Kind == KindURC || e.Kind == KindResponse {
			if strings.HasPrefix(e.Text, "OK ") || strings.HasSuffix(e.Text, " OK") {
				t.Errorf("line %d: %q still has a result glued to it", e.Line, e.Text)
			}
		}
	}
}

// checkCovered asserts every input line yields at least one entry, except
// those skip accepts.
func checkCovered(t *testing.T, entries []Entry, text string, skip func(line string) bool) {
	t.Helper()
	covered := map[int]bool{}
	for _, e := range entries {
		covered[e.Line] = true
	}
	for i, l := range splitLines(text) {
		if !covered[i+1] && (skip == nil || !skip(l)) {
			t.Errorf("line %d %q has no entry", i+1, l)
		}
	}
}
