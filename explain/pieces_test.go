package explain

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func TestIsATLine(t *testing.T) {
	for s, want := range map[string]bool{
		"AT": true, "at": true, "ATI": true, "ATE0": true, "AT&FZE0": true, "at+cops?": true,
		`AT+QFUPL="a b",1,1`: true, "AT+QCFG=\"band\",0,0, 4000,1": true,
		"ATTENTION please": false, "AT command log": false, "A": false, "": false, "Quectel": false, "at?": false,
	} {
		if got := isATLine(s); got != want {
			t.Errorf("isATLine(%q) = %v, want %v", s, got, want)
		}
	}
}

func TestSplitGlued(t *testing.T) {
	tests := []struct {
		in     string
		prefix string
		data   bool
		want   []string
	}{
		{"OK +QMTDISC: 0,0", "", false, []string{"OK", "+QMTDISC: 0,0"}},
		{"SEND OKAT+QIRD=0,0", "", false, []string{"SEND OK", "AT+QIRD=0,0"}},
		{"POWERED DOWN[6036] ### TinyGSM", "", false, []string{"POWERED DOWN", "[6036] ### TinyGSM"}},
		{"OK OK ERROR", "", false, []string{"OK", "OK", "ERROR"}},
		{"<data> +QFUPL: 10,2d", "+QFUPL:", true, []string{"<data>", "+QFUPL: 10,2d"}},
		{"<data> +qfupl: 10,2d", "+QFUPL:", true, []string{"<data>", "+qfupl: 10,2d"}},
		{"CONNECT 115200", "", false, []string{"CONNECT 115200"}},
		{"OKAY", "", false, []string{"OKAY"}},
		{"ERROR: bad", "", false, []string{"ERROR: bad"}},
		{"+QFUPL: 1,2 +QFUPL: 3,4", "+QFUPL:", false, []string{"+QFUPL: 1,2 +QFUPL: 3,4"}},
	}
	for _, tt := range tests {
		equalLists(t, splitGlued(tt.in, tt.prefix, tt.data), tt.want)
	}
}

func TestSplitTrailingFinal(t *testing.T) {
	for in, want := range map[string][2]string{
		"This is data OK": {"This is data", "OK"},
		"payload SEND OK": {"payload", "SEND OK"},
		"just data":       {"just data", ""},
		"BOOK":            {"BOOK", ""},
		"line with ERROR": {"line with", "ERROR"},
		"OK":              {"OK", ""},
	} {
		head, final := splitTrailingFinal(in)
		if head != want[0] || final != want[1] {
			t.Errorf("splitTrailingFinal(%q) = %q, %q; want %q, %q", in, head, final, want[0], want[1])
		}
	}
}

func TestLint(t *testing.T) {
	for cmd, want := range map[string]string{
		"AT+QMTCFG=”SSL”,0,1,2":               "typographic",
		"at+qicsgp=1,1,\"airtelgpars\u2302":   "non-ASCII",
		"AT+X=\x7f":                           "non-ASCII",
		`AT+QSSLCFG="ciphersuite",2,"0XFFFF"`: "quoted",
		`AT+QSSLCFG="ciphersuite",2,0XFFFF`:   "",
		"AT+CSQ":                              "",
	} {
		meaning, hint := lint(cmd)
		if !strings.Contains(meaning, want) || (want == "" && (meaning != "" || hint != "")) {
			t.Errorf("lint(%q) = %q, want it to mention %q", cmd, meaning, want)
		}
	}
}

func TestFramerSplitAnywhere(t *testing.T) {
	stream := []byte("AT\r\r\nOK\r\n\r\n+QMTRECV: 0,1,\"t\",\"x\"\r\n\r\n> \r\nOK\r\nATE0\r")
	whole := newFramer(1, true)
	whole.feed(stream, 0)
	want := whole.flush()
	for i := 0; i <= len(stream); i++ {
		f := newFramer(1, true)
		f.feed(stream[:i], 0)
		f.feed(stream[i:], 0)
		got := f.flush()
		if len(got) != len(want) {
			t.Fatalf("split at %d: %d frames, want %d", i, len(got), len(want))
		}
		for j := range want {
			if got[j] != want[j] {
				t.Errorf("split at %d, frame %d: %+v, want %+v", i, j, got[j], want[j])
			}
		}
	}
	if !want[0].crOnly || want[1].crOnly || !want[len(want)-1].crOnly {
		t.Errorf("echo marks wrong: %+v", want)
	}
}

func TestFramerBoundsEndlessFrames(t *testing.T) {
	f := newFramer(1, true)
	f.feed([]byte(strings.Repeat("x", 3*maxFrame+5)), 0)
	if got := f.flush(); len(got) != 4 {
		t.Errorf("%d frames, want the line cut into 4", len(got))
	}
}

func TestUnescape(t *testing.T) {
	for in, want := range map[string]string{
		`AT\r`:       "AT\r",
		`\r\nOK\r\n`: "\r\nOK\r\n",
		`\x1a\x41`:   "\x1aA",
		`\xZZ`:       `\xZZ`,
		`\x4`:        `\x4`,
		`a\\b\"`:     `a\b"`,
		`end\`:       `end\`,
		`\t\0`:       "\t\x00",
	} {
		if got := unescape(in); got != want {
			t.Errorf("unescape(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestParseTimeOfDay(t *testing.T) {
	tests := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"17:13:30.563", 17*time.Hour + 13*time.Minute + 30563*time.Millisecond, true},
		{"06:37:04", 6*time.Hour + 37*time.Minute + 4*time.Second, true},
		{"00:00:00.000001", time.Microsecond, true},
		{"24:00:00", 0, false},
		{"1:2", 0, false},
		{"aa:bb:cc", 0, false},
	}
	for _, tt := range tests {
		got, ok := parseTimeOfDay(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("parseTimeOfDay(%q) = %v, %v; want %v, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestDetect(t *testing.T) {
	for in, want := range map[string]Format{
		"AT\r\r\nOK\r\n": FormatRaw,
		"AT\r\nOK\r\n":   FormatPlain,
		"[SEND][3][AT\\r]\n[RECV][9][AT\\r\\r\\nOK\\r\\n]\n": FormatEWF,
		"10:00:00.000 -> AT\n10:00:00.001 -> OK\n":           FormatArduino,
		"<- AT\n-> OK\n": FormatArrows,
		"[19909] Connecting to APN >>  internet\nAT\nOK\n": FormatPlain,
		"": FormatPlain,
	} {
		if got := Detect([]byte(in)); got != want {
			t.Errorf("Detect(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestEntryJSON(t *testing.T) {
	e := Entry{Line: 3, Kind: KindFinal, Dir: Modem, Text: "+CME ERROR: 407", Command: `AT+QFUPL="a",1,1`,
		Meaning: "file already exists", Offset: 1500 * time.Millisecond, HasTime: true}
	b, err := json.Marshal(e)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"line":3,"kind":"final","dir":"modem","text":"+CME ERROR: 407","command":"AT+QFUPL=\"a\",1,1","meaning":"file already exists","offset":"1.5s"}`
	if string(b) != want {
		t.Errorf("JSON %s\nwant %s", b, want)
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(Entry{Line: 2, Kind: KindPrompt, Text: ">"}); err != nil {
		t.Fatal(err)
	}
	if got := buf.String(); got != `{"line":2,"kind":"prompt","text":">"}`+"\n" {
		t.Errorf("prompt JSON %q escapes the prompt", got)
	}
	b, _ = json.Marshal(Entry{Line: 1, Kind: KindNoise, Text: ""})
	if string(b) != `{"line":1,"kind":"noise","text":""}` {
		t.Errorf("noise JSON %s keeps empty fields", b)
	}
}
