package session

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/atrun/atrun/engine/enginetest"
	"github.com/atrun/atrun/engine/tap"
	"github.com/atrun/atrun/engine/transcript"
	"github.com/atrun/atrun/luabind"
	"github.com/atrun/atrun/replay"
)

// A run with the clean start records where its drain ended: every byte the
// modem sent before the mark was drained (the stale answers an earlier
// program left), the clean start's AT comes after it. The recording
// replays, its drain ending at the mark.
func TestRunRecordsWhereTheDrainEnded(t *testing.T) {
	stale := "\r\n+CSQ: 5,99\r\n\r\nOK\r\n"
	fake, dev := enginetest.StartStale(t, stale,
		enginetest.Step{Expect: "AT\r", Reply: "\r\nOK\r\n"},
		enginetest.Step{Expect: "AT+CSQ\r", Reply: "\r\n+CSQ: 19,99\r\n\r\nOK\r\n"},
	)
	dir := t.TempDir()
	rec := filepath.Join(dir, "rec.atr")
	script := luabind.Script{Name: filepath.Join(dir, "s.lua"), Source: []byte(`local r = send("AT+CSQ") assert(r.lines[1] == "+CSQ: 19,99", r.lines[1])`), Dir: dir}
	if _, err := Run(context.Background(), Job{Script: script, Port: dev, Baud: 115200, Record: rec, Start: time.Now()}); err != nil {
		t.Fatal(err)
	}
	fake.Finished(t)
	tr, err := transcript.ReadFile(rec)
	if err != nil {
		t.Fatal(err)
	}
	if !tr.Header.Resync || tr.Header.Version != transcript.Version {
		t.Fatalf("header %+v", tr.Header)
	}
	var before strings.Builder
	mark := -1
	for i, e := range tr.Events {
		if e.Kind == transcript.Mark && e.Name == tap.MarkDrained {
			mark = i
			break
		}
		if e.Kind != transcript.Modem {
			t.Fatalf("event %d before the mark is %v", i, e)
		}
		before.Write(e.Data.Bytes)
	}
	if mark < 0 || mark+1 >= len(tr.Events) || tr.Events[mark+1].Kind != transcript.Host || string(tr.Events[mark+1].Data.Bytes) != "AT\r" {
		t.Fatalf("no drain mark right before the first AT in\n%v", tr.Events)
	}
	// What came before the mark is what the clean start drained: all of the
	// stale bytes, which were waiting in the line before the run opened it.
	if before.String() != stale {
		t.Errorf("drained %q, want %q", before.String(), stale)
	}
	res, err := replay.Run(context.Background(), script, tr, replay.Options{})
	if err != nil || res.Verdict != replay.Pass {
		t.Fatalf("replay of its own recording: %v %v", res.Verdict, res.Err)
	}

	// The stale +CSQ: line moved from before the mark to after it: the
	// clean start's AT now gets it for an answer and writes another AT
	// where the recording holds the script's command. A mismatch, and it
	// shows both writes.
	moved := *tr
	at := tr.Events[mark].At
	moved.Events = append([]transcript.Event{
		{At: tr.Events[0].At, Kind: transcript.Modem, Data: transcript.Plain("\r\nOK\r\n")},
		tr.Events[mark],
		{At: at, Kind: transcript.Modem, Data: transcript.Plain("\r\n+CSQ: 5,99\r\n")},
	}, tr.Events[mark+1:]...)
	res, err = replay.Run(context.Background(), script, &moved, replay.Options{})
	var mm *transcript.MismatchError
	if err != nil || res.Verdict != replay.Mismatch || !errors.As(res.Err, &mm) ||
		!strings.Contains(mm.Error(), `expected: "AT+CSQ\r"`) || !strings.Contains(mm.Error(), `got:      "AT\r"`) {
		t.Fatalf("replay with the byte moved past the mark: %v %v", res.Verdict, res.Err)
	}
}
