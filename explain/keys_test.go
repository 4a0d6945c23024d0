package explain

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// keysDir holds the answer keys of the shared logs.
const keysDir = "../testdata/explain/keys"

// keyRow is one expected entry of an answer key.
type keyRow struct {
	line    int
	kind    Kind
	text    string
	command string
	part    bool
}

func (r keyRow) String() string {
	s := fmt.Sprintf("%d %s %q", r.line, r.kind, r.text)
	if r.command != "" {
		s += fmt.Sprintf(" for %q", r.command)
	}
	if r.part {
		s += " part"
	}
	return s
}

// rowOf is the key row an entry gives.
func rowOf(e Entry, offset int) keyRow {
	r := keyRow{line: e.Line + offset, kind: e.Kind, text: e.Text, part: e.Part}
	if e.Command != e.Text {
		r.command = e.Command
	}
	return r
}

// readKey parses an answer key.
func readKey(t *testing.T, path string) []keyRow {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatalf("no answer key: %v", err)
	}
	defer f.Close()
	var rows []keyRow
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for n := 1; sc.Scan(); n++ {
		l := sc.Text()
		if l == "" || strings.HasPrefix(l, "#") {
			continue
		}
		r, err := parseKeyRow(l)
		if err != nil {
			t.Fatalf("%s:%d: %v", path, n, err)
		}
		rows = append(rows, r)
	}
	return rows
}

// parseKeyRow reads LINE KIND "TEXT" [for "COMMAND"] [part].
func parseKeyRow(l string) (keyRow, error) {
	var r keyRow
	num, rest, _ := strings.Cut(l, " ")
	kind, rest, _ := strings.Cut(rest, " ")
	var err error
	if r.line, err = strconv.Atoi(num); err != nil {
		return r, err
	}
	r.kind = Kind(kind)
	if r.text, rest, err = cutQuoted(rest); err != nil {
		return r, err
	}
	if after, ok := strings.CutPrefix(rest, " for "); ok {
		if r.command, rest, err = cutQuoted(after); err != nil {
			return r, err
		}
	}
	switch rest {
	case "":
	case " part":
		r.part = true
	default:
		return r, fmt.Errorf("unexpected %q", rest)
	}
	return r, nil
}

func cutQuoted(s string) (string, string, error) {
	q, err := strconv.QuotedPrefix(s)
	if err != nil {
		return "", "", fmt.Errorf("%q: %v", s, err)
	}
	text, err := strconv.Unquote(q)
	return text, s[len(q):], err
}

// headerLines counts the lines of a shared log's description block.
func headerLines(t *testing.T, file string) int {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	for i, l := range strings.Split(string(data), "\n") {
		if strings.TrimRight(l, "\r") == "# ---" {
			return i + 1
		}
	}
	t.Fatalf("%s has no '# ---' line", file)
	return 0
}

// Every shared log has an answer key, and explain gives exactly the key:
// every line's class, text and command.
func TestAnswerKeys(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(logsDir(), "[0-9][0-9]-*.txt"))
	if len(files) == 0 {
		t.Skipf("no shared logs under %s (set ATRUN_LOGS)", logsDir())
	}
	for _, file := range files {
		prefix := filepath.Base(file)[:2]
		t.Run(prefix, func(t *testing.T) {
			want := readKey(t, filepath.Join(keysDir, prefix+".key"))
			offset := headerLines(t, file)
			var got []keyRow
			for _, e := range mustParse(t, loadLog(t, prefix), FormatAuto) {
				got = append(got, rowOf(e, offset))
			}
			diffRows(t, got, want)
		})
	}
}

// diffRows reports each row where got and want part.
func diffRows(t *testing.T, got, want []keyRow) {
	t.Helper()
	bad := 0
	for i := 0; i < max(len(got), len(want)) && bad < 20; i++ {
		var g, w string
		if i < len(got) {
			g = got[i].String()
		}
		if i < len(want) {
			w = want[i].String()
		}
		if g != w {
			t.Errorf("row %d:\n  explain: %s\n  key:     %s", i+1, g, w)
			bad++
		}
	}
}
