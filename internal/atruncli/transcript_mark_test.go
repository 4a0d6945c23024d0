package atruncli

import (
	"strings"
	"testing"
)

// show prints a mark as a mark, not as the session's end.
func TestTranscriptShowMark(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "m.atr", "atrun-transcript v3\nresync on\n0.001 modem \"\\r\\nOK\\r\\n\"\n0.02 mark \"drained\"\n0.021 host \"AT\\r\"\n0.03 end\n")
	o := atrun(t, dir, "transcript", "show", "m.atr")
	if o.code != exitOK {
		t.Fatalf("exit %d\n%s", o.code, o.stderr)
	}
	if !strings.Contains(o.stdout, "0.020000  mark drained\n") || strings.Count(o.stdout, " end ") != 1 {
		t.Errorf("show:\n%s", o.stdout)
	}
}
