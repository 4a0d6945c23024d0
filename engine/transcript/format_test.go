package transcript

import (
	"bytes"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/atrun/atrun/engine/secret"
)

var epoch = time.Date(2026, 3, 2, 9, 15, 4, 250000000, time.UTC)

func allBytes() []byte {
	b := make([]byte, 256)
	for i := range b {
		b[i] = byte(i)
	}
	return b
}

// stripLines forgets where events were read, to compare with built ones.
func stripLines(evs []Event) []Event {
	out := make([]Event, len(evs))
	for i, e := range evs {
		e.Line = 0
		out[i] = e
	}
	return out
}

func TestRoundTrip(t *testing.T) {
	long := bytes.Repeat([]byte("0123456789abcdef\x00\xff\"\\"), 600)
	tests := []struct {
		name string
		tr   Transcript
	}{
		{"empty", Transcript{}},
		{"header only", Transcript{Header: Header{
			Script: `scripts/ec20 "mqtts".lua`, Port: "/dev/ttyUSB2", Baud: 115200, Atrun: "0.1.0",
			Start: epoch,
			Params: []Param{
				{Name: "apn", Value: Plain("internet")},
				{Name: "password", Value: Text{Holes: []int{0}}},
				{Name: "url", Value: Text{Bytes: []byte("mqtts://u:@host"), Holes: []int{10}}},
				{Name: "bytes", Value: Text{Bytes: allBytes()}},
			},
		}}},
		{"all bytes both ways", Transcript{Header: Header{Start: epoch}, Events: []Event{
			{At: 0, Kind: Host, Data: Text{Bytes: allBytes()}},
			{At: time.Microsecond, Kind: Modem, Data: Text{Bytes: allBytes()}},
			{At: 2 * time.Microsecond, Kind: End},
		}}},
		{"secrets", Transcript{Events: []Event{
			{Kind: Host, Data: Text{Bytes: []byte(`AT+QMTCONN=0,"c","u",""` + "\r"), Holes: []int{22}}},
			{Kind: Modem, Data: Text{Bytes: []byte("ab"), Holes: []int{0, 1, 2}}},
			{Kind: Host, Data: Text{Holes: []int{0}}},
		}}},
		{"long lines and times", Transcript{Events: []Event{
			{At: 5 * time.Second, Kind: Host, Data: Text{Bytes: long}},
			{At: 90*time.Second + 123456*time.Microsecond, Kind: Modem, Data: Text{Bytes: long, Holes: []int{7, 3000}}},
			{At: 99999 * time.Hour, Kind: Modem, Data: Plain("\r\nOK\r\n")},
		}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			if _, err := tt.tr.WriteTo(&buf); err != nil {
				t.Fatal(err)
			}
			got, err := Parse(buf.Bytes(), "rt.atr")
			if err != nil {
				t.Fatalf("%v\n%s", err, buf.Bytes())
			}
			var again bytes.Buffer
			got.WriteTo(&again)
			if !bytes.Equal(again.Bytes(), buf.Bytes()) {
				t.Errorf("second encoding differs:\n%s\n%s", buf.Bytes(), again.Bytes())
			}
			want := tt.tr.Header
			want.Version = Version
			if !got.Header.Start.Equal(want.Start) {
				t.Errorf("start = %v, want %v", got.Header.Start, want.Start)
			}
			got.Header.Start, want.Start = time.Time{}, time.Time{}
			if !reflect.DeepEqual(got.Header, want) {
				t.Errorf("header = %+v\nwant %+v", got.Header, want)
			}
			if !eventsEqual(stripLines(got.Events), tt.tr.Events) {
				t.Errorf("events = %+v\nwant %+v", got.Events, tt.tr.Events)
			}
			if bytes.ContainsFunc(buf.Bytes(), func(r rune) bool { return r >= 0x7f || r < 0x20 && r != '\n' }) {
				t.Errorf("encoding is not printable ASCII")
			}
		})
	}
}

// eventsEqual compares events, taking nil and empty slices as equal.
func eventsEqual(a, b []Event) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		x, y := a[i], b[i]
		if x.At != y.At || x.Kind != y.Kind || x.Line != y.Line || x.Name != y.Name || x.Ending().Kind != y.Ending().Kind ||
			!bytes.Equal(x.Data.Bytes, y.Data.Bytes) || len(x.Data.Holes) != len(y.Data.Holes) {
			return false
		}
		for j := range x.Data.Holes {
			if x.Data.Holes[j] != y.Data.Holes[j] {
				return false
			}
		}
	}
	return true
}

func TestEventLines(t *testing.T) {
	tests := []struct {
		ev   Event
		want string
	}{
		{Event{At: 0, Kind: Host, Data: Plain("ATE0\r")}, `0.000000 host  "ATE0\r"`},
		{Event{At: 90*time.Second + 5*time.Microsecond, Kind: Modem, Data: Plain("\r\n> ")}, `90.000005 modem "\r\n> "`},
		{Event{At: time.Millisecond, Kind: Host, Data: Plain("{\"t\":1}\x1a")}, `0.001000 host  "{\"t\":1}\x1a"`},
		{Event{Kind: Host, Data: Text{Bytes: []byte(`AT+CPIN=` + "\r"), Holes: []int{8}}}, `0.000000 host  "AT+CPIN=" <redacted> "\r"`},
		{Event{At: 41200 * time.Millisecond, Kind: End}, `41.200000 end`},
	}
	for _, tt := range tests {
		if got := tt.ev.String(); got != tt.want {
			t.Errorf("got  %s\nwant %s", got, tt.want)
		}
	}
}

func TestParseAccepts(t *testing.T) {
	in := "\xef\xbb\xbf# a byte order mark, then a comment before the magic line\r\n" +
		"\r\n" +
		"  atrun-transcript   v1  \r\n" +
		"start 2026-03-02T11:15:04.25+02:00\r\n" +
		"\t# indented comment\r\n" +
		"5 host \"AT\" \"\\r\"\r\n" +
		"5.1 modem\t\"\\r\\nOK\"<redacted>\"\\r\\n\"\r\n" +
		"6.000001 modem \"\\a\\b\\f\\v\\t\\x1A\""
	tr, err := Parse([]byte(in), "crlf.atr")
	if err != nil {
		t.Fatal(err)
	}
	if !tr.Header.Start.Equal(epoch) {
		t.Errorf("start = %v", tr.Header.Start)
	}
	want := []Event{
		{At: 5 * time.Second, Kind: Host, Data: Plain("AT\r"), Line: 6},
		{At: 5100 * time.Millisecond, Kind: Modem, Data: Text{Bytes: []byte("\r\nOK\r\n"), Holes: []int{4}}, Line: 7},
		{At: 6*time.Second + time.Microsecond, Kind: Modem, Data: Plain("\a\b\f\v\t\x1a"), Line: 8},
	}
	if !eventsEqual(tr.Events, want) {
		t.Errorf("events = %+v", tr.Events)
	}
}

func TestParseErrors(t *testing.T) {
	const head = "atrun-transcript v1\n"
	tests := []struct {
		name, in string
		line     int
		msg      string
	}{
		{"empty file", "", 1, "no \"atrun-transcript v3\" line"},
		{"only comments", "# x\n\n# y\n", 3, "no \"atrun-transcript v3\" line"},
		{"not a transcript", "hello world\n", 1, "not a transcript"},
		{"missing version", "atrun-transcript\n", 1, "missing format version"},
		{"junk after version", "atrun-transcript v1 x\n", 1, `unexpected "x"`},
		{"unknown field", head + "colour blue\n", 2, `unknown header field "colour"`},
		{"duplicate field", head + "port \"a\"\nport \"b\"\n", 3, "given twice (first on line 2)"},
		{"duplicate param", head + "param a \"1\"\nparam a \"2\"\n", 3, "param a given twice"},
		{"field without value", head + "script\n", 2, "script needs a value"},
		{"unquoted script", head + "script x.lua\n", 2, `unexpected "x.lua"`},
		{"redacted script", head + "script <redacted>\n", 2, "cannot hold a redacted span"},
		{"bad baud", head + "baud fast\n", 2, `baud "fast"`},
		{"zero baud", head + "baud 0\n", 2, `baud "0"`},
		{"bad start", head + "start yesterday\n", 2, "RFC 3339"},
		{"bad param name", head + "param a=b \"1\"\n", 2, `parameter name "a=b"`},
		{"param without value", head + "param a\n", 2, "param a needs a value"},
		{"field after event", head + "0 host \"AT\"\nport \"x\"\n", 3, `header field "port" after the first event`},
		{"bad time", head + "1.2.3 host \"AT\"\n", 2, `bad time "1.2.3"`},
		{"too precise", head + "1.0000001 host \"AT\"\n", 2, "bad time"},
		{"empty fraction", head + "1. host \"AT\"\n", 2, "bad time"},
		{"huge time", head + "12345678901 host \"AT\"\n", 2, "bad time"},
		{"backwards", head + "2 host \"A\"\n1 host \"B\"\n", 3, "before the previous event's 2.000000"},
		{"no direction", head + "1\n", 2, "no direction"},
		{"bad direction", head + "1 hots \"AT\"\n", 2, `unknown direction "hots"`},
		{"no data", head + "1 host\n", 2, "host event has no data"},
		{"empty data", head + "1 modem \"\"\n", 2, "carries no bytes"},
		{"end with a broken outcome", head + "1 end \"x\n", 2, "not closed"},
		{"event after end", head + "1 end\n2 host \"AT\"\n", 3, "event after the end on line 2"},
		{"unterminated", head + "1 host \"AT\n", 2, "not closed"},
		{"trailing backslash", head + "1 host \"AT\\\n", 2, "not closed"},
		{"bad escape", head + "1 host \"\\q\"\n", 2, `unknown escape \q`},
		{"short hex", head + "1 host \"\\x1\"\n", 2, "two hex digits"},
		{"bad hex", head + "1 host \"\\xzz\"\n", 2, "two hex digits"},
		{"raw control byte", head + "1 host \"A\x01\"\n", 2, `raw byte 0x01`},
		{"raw utf-8", head + "1 host \"é\"\n", 2, `raw byte 0xc3`},
		{"bare word", head + "1 host \"AT\" OK\n", 2, `unexpected "OK"`},
		{"misspelt redaction", head + "1 host <secret>\n", 2, `unexpected "<secret>"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(tt.in), "bad.atr")
			var fe *FormatError
			if !errors.As(err, &fe) {
				t.Fatalf("err = %v, want a *FormatError", err)
			}
			if fe.File != "bad.atr" || fe.Line != tt.line || !strings.Contains(fe.Msg, tt.msg) {
				t.Errorf("got %q, want bad.atr:%d: ...%s...", err, tt.line, tt.msg)
			}
			if !strings.HasPrefix(err.Error(), "bad.atr:") {
				t.Errorf("message %q does not start with file:line", err)
			}
		})
	}
}

func TestUnknownVersion(t *testing.T) {
	for _, v := range []string{"v4", "v0", "1", "v1.1", "v02"} {
		_, err := Parse([]byte("# recorded by a newer atrun\natrun-transcript "+v+"\n0 host \"AT\"\n"), "new.atr")
		var ve *VersionError
		if !errors.As(err, &ve) {
			t.Fatalf("%s: err = %v, want a *VersionError", v, err)
		}
		want := `new.atr:2: transcript format "` + v + `" is not supported: this atrun reads v1, v2, v3`
		if ve.Found != v || !strings.HasPrefix(err.Error(), want) {
			t.Errorf("got %q\nwant %q...", err, want)
		}
	}
}

func TestWriteToRefusesWhatItCannotRead(t *testing.T) {
	tests := []Transcript{
		{Events: []Event{{At: 2, Kind: Host, Data: Plain("a")}, {At: 1, Kind: Host, Data: Plain("b")}}},
		{Events: []Event{{Kind: End}, {Kind: Host, Data: Plain("b")}}},
		{Events: []Event{{Kind: Host}}},
		{Events: []Event{{Kind: 9, Data: Plain("x")}}},
		{Header: Header{Params: []Param{{Name: "a b", Value: Plain("x")}}}},
		{Header: Header{Baud: -1}},
	}
	for i, tr := range tests {
		if _, err := tr.WriteTo(&bytes.Buffer{}); err == nil {
			t.Errorf("case %d: no error", i)
		}
	}
}

func TestOutcome(t *testing.T) {
	tests := []struct {
		body    string
		failure string
		ended   bool
	}{
		{"0 host \"AT\"\n", "", false},
		{"0 host \"AT\"\n1 end\n", "", true},
		{"0 host \"AT\"\n1 end \"x.lua:3: step \\\"SIM\\\": no SIM\"\n", `x.lua:3: step "SIM": no SIM`, true},
	}
	for _, tt := range tests {
		tr, err := Parse([]byte("atrun-transcript v1\n"+tt.body), "o.atr")
		if err != nil {
			t.Fatal(err)
		}
		failure, ended := tr.Outcome()
		if failure != tt.failure || ended != tt.ended {
			t.Errorf("%q: Outcome = %q, %v", tt.body, failure, ended)
		}
		var b bytes.Buffer
		if _, err := tr.WriteTo(&b); err != nil {
			t.Fatal(err)
		}
		back, err := Parse(b.Bytes(), "o.atr")
		if err != nil {
			t.Fatal(err)
		}
		if f, e := back.Outcome(); f != failure || e != ended {
			t.Errorf("outcome lost in a round trip: %q %v", f, e)
		}
	}
}

func TestRecorderWritesTheFailureRedacted(t *testing.T) {
	var b bytes.Buffer
	s := &secret.Set{}
	s.Add("hunter22")
	r, err := NewRecorder(&b, Header{}, s)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.EndWith(time.Time{}, "bad password hunter22"); err != nil {
		t.Fatal(err)
	}
	tr, err := Parse(b.Bytes(), "r.atr")
	if err != nil {
		t.Fatal(err)
	}
	if f, ended := tr.Outcome(); !ended || f != "bad password ***" {
		t.Fatalf("outcome %q %v in\n%s", f, ended, b.String())
	}
}
