package replay

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/atrun/atrun/engine/transcript"
	"github.com/atrun/atrun/luabind"
)

// A clean start whose drain ended late: the modem's stale OK came 49 ms
// after its +CSQ: line, more than the quiet gap (20 ms), and the live
// drain still took it (the line was slow, the host busy). The mark says
// where the drain ended, and the replay ends it there: the stale answer
// is drained, not taken for an answer. The script passes as it did live.
const lateDrain = `atrun-transcript v3
resync on

0.001000 modem "\r\n+CSQ: 5,99\r\n"
0.050000 modem "\r\nOK\r\n"
0.051000 mark  "drained"
0.051000 host  "AT\r"
0.052000 modem "\r\nOK\r\n"
0.053000 host  "AT+CSQ\r"
0.054000 modem "\r\n+CSQ: 19,99\r\n\r\nOK\r\n"
0.060000 end
`

const csqScript = `local r = send("AT+CSQ") assert(r.lines[1] == "+CSQ: 19,99", r.lines[1])`

func replayString(t *testing.T, name, src, script string) *Result {
	t.Helper()
	tr, err := transcript.Parse([]byte(src), name)
	if err != nil {
		t.Fatal(err)
	}
	res, err := Run(context.Background(), luabind.Script{Name: "s.lua", Source: []byte(script)}, tr, Options{})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// The replay's drain ends at the recorded mark, whatever the timing says.
func TestDrainEndsAtTheMark(t *testing.T) {
	res := replayString(t, "late.atr", lateDrain, csqScript)
	if res.Verdict != Pass {
		t.Fatalf("verdict %v: %v", res.Verdict, res.Err)
	}
	// A transcript of the same session recorded before marks existed
	// replays as before: its drain ends on the quiet line.
	old := strings.Replace(strings.Replace(lateDrain, "v3", "v2", 1), "0.051000 mark  \"drained\"\n", "", 1)
	if res := replayString(t, "old.atr", old, csqScript); res.Verdict == Pass {
		t.Fatalf("without the mark the stale OK was drained all the same: the test shows nothing")
	}
}

// A mark long after the start (the port took its time to open, and the
// recording starts before the open) is waited for all the same.
func TestDrainMarkLate(t *testing.T) {
	late := `atrun-transcript v3
resync on

29.001000 modem "\r\n+CSQ: 5,99\r\n"
29.050000 modem "\r\nOK\r\n"
29.051000 mark  "drained"
29.051000 host  "AT\r"
29.052000 modem "\r\nOK\r\n"
29.053000 host  "AT+CSQ\r"
29.054000 modem "\r\n+CSQ: 19,99\r\n\r\nOK\r\n"
29.060000 end
`
	if res := replayString(t, "late.atr", late, csqScript); res.Verdict != Pass {
		t.Fatalf("verdict %v: %v", res.Verdict, res.Err)
	}
}

// Moving the stale +CSQ: line from before the mark to after it changes what
// the clean start did: it is no longer drained, the first AT's answer is
// not clean, and the clean start writes another AT where the recording
// holds the script's AT+CSQ. The replay says so, with the lines.
func TestDrainMarkMoved(t *testing.T) {
	moved := strings.Replace(lateDrain, "0.001000 modem \"\\r\\n+CSQ: 5,99\\r\\n\"\n", "", 1)
	moved = strings.Replace(moved, "0.051000 mark  \"drained\"\n", "0.051000 mark  \"drained\"\n0.051000 modem \"\\r\\n+CSQ: 5,99\\r\\n\"\n", 1)
	if strings.Count(moved, "+CSQ: 5,99") != 1 || strings.Index(moved, "+CSQ: 5,99") < strings.Index(moved, "mark") {
		t.Fatalf("the edit did not apply:\n%s", moved)
	}
	res := replayString(t, "moved.atr", moved, csqScript)
	var mm *transcript.MismatchError
	if res.Verdict != Mismatch || !errors.As(res.Err, &mm) {
		t.Fatalf("verdict %v: %v", res.Verdict, res.Err)
	}
	for _, want := range []string{"moved.atr:9:", `expected: "AT+CSQ\r"`, `got:      "AT\r"`, `moved.atr:6: 0.051000 modem "\r\n+CSQ: 5,99\r\n"`} {
		if !strings.Contains(res.Err.Error(), want) {
			t.Errorf("the mismatch does not say %q:\n%v", want, res.Err)
		}
	}
}
