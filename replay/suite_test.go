package replay

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/atrun/atrun/luabind"
	"github.com/atrun/atrun/scripts"
)

// A suite of the shipped transcripts, each twice, four at a time (under the
// race detector when the tests run with -race): results come in the order
// of the files, each replay isolated, and they all pass.
func TestRunSuite(t *testing.T) {
	src, name, err := scripts.Lookup("ec20_mqtts")
	if err != nil {
		t.Fatal(err)
	}
	files, err := filepath.Glob(filepath.Join("..", "testdata", "transcripts", "ec20_*.atr"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no transcripts (%v)", err)
	}
	files = append(files, files...)
	var emitted []string
	results := RunSuite(t.Context(), Suite{
		Script: luabind.Script{Name: name, Source: src}, Files: files, Jobs: 4,
		Options: Options{Modules: scripts.Modules},
	}, func(r FileResult) { emitted = append(emitted, r.File) })
	if !slices.Equal(emitted, files) {
		t.Fatalf("emitted in the order %v", emitted)
	}
	for _, r := range results {
		if r.Status != StatusPass {
			t.Errorf("%s: %s %v", r.File, r.Status, r.Err)
		}
	}
	sum := Summarise(results, time.Second)
	if sum.Total != len(files) || sum.Passed != len(files) || !strings.HasPrefix(sum.String(), fmt.Sprintf("%d transcripts: %d passed (replayed ", len(files), len(files))) {
		t.Errorf("summary %+v: %s", sum, sum)
	}
}

// Every status is counted, and the JUnit report fails the case of each
// verdict that is not a pass.
func TestSummaryAndJUnit(t *testing.T) {
	results := []FileResult{
		{File: "a.atr", Status: StatusPass}, {File: "b.atr", Status: StatusMismatch},
		{File: "c.atr", Status: StatusFail}, {File: "d.atr", Status: StatusTimeout},
		{File: "e.atr", Status: StatusOverrun}, {File: "f.atr", Status: StatusError}, {File: "g.atr", Status: StatusSkipped},
	}
	s := Summarise(results, time.Millisecond)
	want := "7 transcripts: 1 passed, 1 mismatched, 1 failed, 1 timed out, 1 overran, 1 unreadable, 1 not run"
	if !strings.HasPrefix(s.String(), want) {
		t.Fatalf("summary %q, want %q", s, want)
	}
	x, err := JUnit("x.lua", results, s, time.Unix(0, 0))
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Count(string(x), "<failure "); got != 4 {
		t.Fatalf("%d failures in the JUnit report, want 4:\n%s", got, x)
	}
	if !strings.Contains(string(x), `failures="4" errors="1" skipped="1"`) {
		t.Fatalf("counts:\n%s", x)
	}
}
