package transcript

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/atrun/atrun/engine/secret"
	"github.com/atrun/atrun/engine/tap"
)

// A v3 transcript holds marks: named points in the session, such as where
// the clean start's drain ended. They read, write back and read back.
func TestParseMark(t *testing.T) {
	src := "atrun-transcript v3\nresync on\n\n" +
		"0.001 modem \"\\r\\nRDY\\r\\n\"\n" +
		"0.021 mark  \"drained\"\n" +
		"0.021 host  \"AT\\r\"\n"
	tr, err := Parse([]byte(src), "m.atr")
	if err != nil {
		t.Fatal(err)
	}
	want := []Event{
		{At: ms, Kind: Modem, Data: Plain("\r\nRDY\r\n"), Line: 4},
		{At: 21 * ms, Kind: Mark, Name: tap.MarkDrained, Line: 5},
		{At: 21 * ms, Kind: Host, Data: Plain("AT\r"), Line: 6},
	}
	if !eventsEqual(tr.Events, want) {
		t.Fatalf("events = %+v", tr.Events)
	}
	if got := tr.Events[1].String(); got != `0.021000 mark  "drained"` {
		t.Errorf("written as %q", got)
	}
	var b bytes.Buffer
	if _, err := tr.WriteTo(&b); err != nil {
		t.Fatal(err)
	}
	back, err := Parse(b.Bytes(), "m.atr")
	if err != nil {
		t.Fatalf("%v\n%s", err, b.Bytes())
	}
	if !eventsEqual(stripLines(back.Events), stripLines(tr.Events)) || back.Header.Version != Version {
		t.Fatalf("round trip: %+v v%d", back.Events, back.Header.Version)
	}
}

func TestParseMarkErrors(t *testing.T) {
	tests := []struct{ name, in, msg string }{
		{"v2", "atrun-transcript v2\n1 mark \"drained\"\n", "mark events need format v3 (the version line says v2)"},
		{"no name", "atrun-transcript v3\n1 mark\n", "mark event needs a quoted name"},
		{"unquoted", "atrun-transcript v3\n1 mark drained\n", "mark event needs a quoted name"},
		{"empty name", "atrun-transcript v3\n1 mark \"\"\n", "mark event has an empty name"},
		{"redacted", "atrun-transcript v3\n1 mark <redacted>\n", "mark event needs a quoted name"},
		{"more", "atrun-transcript v3\n1 mark \"drained\" \"x\"\n", `unexpected "\"x\"" after the mark's name`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(tt.in), "bad.atr")
			var fe *FormatError
			if !errors.As(err, &fe) || fe.Line != 2 || !strings.Contains(fe.Msg, tt.msg) {
				t.Fatalf("err = %v, want bad.atr:2: ...%s", err, tt.msg)
			}
		})
	}
	if _, err := (&Transcript{Events: []Event{{Kind: Mark}}}).WriteTo(&bytes.Buffer{}); err == nil {
		t.Error("a mark with no name was written")
	}
}

// The recorder writes a mark where it falls among the bytes: modem bytes
// held back in case they began a secret arrived before it, so they go
// first, as they do before a host write.
func TestRecorderMark(t *testing.T) {
	var b bytes.Buffer
	var s secret.Set
	s.Add("hunter22")
	rec, err := NewRecorder(&b, Header{Start: epoch, Resync: true}, &s)
	if err != nil {
		t.Fatal(err)
	}
	rec.Tap(tap.FromModem, epoch.Add(ms), []byte("\r\nRDY\r\nhun"))
	rec.Mark(epoch.Add(20*ms), tap.MarkDrained)
	rec.Tap(tap.ToModem, epoch.Add(21*ms), []byte("AT\r"))
	if err := rec.End(epoch.Add(30 * ms)); err != nil {
		t.Fatal(err)
	}
	want := "0.001000 modem \"\\r\\nRDY\\r\\n\"\n" +
		"0.001000 modem \"hun\"\n" +
		"0.020000 mark  \"drained\"\n" +
		"0.021000 host  \"AT\\r\"\n" +
		"0.030000 end\n"
	if got := body(b.Bytes()); got != want {
		t.Fatalf("got\n%s\nwant\n%s", got, want)
	}
	if !strings.HasPrefix(b.String(), "# atrun session transcript; the format is described in docs/transcripts.md\natrun-transcript v3\n") {
		t.Errorf("header:\n%s", b.String())
	}
	if _, err := Parse(b.Bytes(), "r.atr"); err != nil {
		t.Fatal(err)
	}
}

// A replay offers its drain mark only when the transcript holds one: a v2
// transcript's replay ends its drain as before, on the quiet line.
func TestAtDrainEndNeedsTheMark(t *testing.T) {
	for _, tt := range []struct {
		src  string
		want bool
	}{
		{"atrun-transcript v2\nresync on\n0 modem \"\\r\\nRDY\\r\\n\"\n0.02 host \"AT\\r\"\n", false},
		{"atrun-transcript v3\nresync on\n0 modem \"\\r\\nRDY\\r\\n\"\n0.02 mark \"drained\"\n0.02 host \"AT\\r\"\n", true},
		{"atrun-transcript v3\nresync on\n0.02 mark \"other\"\n0.02 host \"AT\\r\"\n", false},
	} {
		tr, err := Parse([]byte(tt.src), "m.atr")
		if err != nil {
			t.Fatal(err)
		}
		r := NewReplay(tr, Options{})
		if got := r.AtDrainEnd(func() {}); got != tt.want {
			t.Errorf("%q: AtDrainEnd = %v, want %v", tt.src, got, tt.want)
		}
		r.Close()
	}
}

// A mark after a write is no drain's end (the drain writes nothing): the
// replay does not offer it.
func TestDrainMarkAfterAWriteIgnored(t *testing.T) {
	tr, err := Parse([]byte("atrun-transcript v3\nresync on\n0 host \"AT\\r\"\n0.01 modem \"\\r\\nOK\\r\\n\"\n0.02 mark \"drained\"\n"), "m.atr")
	if err != nil {
		t.Fatal(err)
	}
	r := NewReplay(tr, Options{})
	defer r.Close()
	if r.AtDrainEnd(func() {}) {
		t.Error("a mark after a write was offered as the drain's end")
	}
}
