package engine

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/atrun/atrun/engine/codes"
)

// frames runs the framer over the chunks and returns what it emitted, as
// "kind:text" strings.
func frames(chunks ...string) []string {
	var f framer
	var out []string
	for _, c := range chunks {
		f.feed([]byte(c), func(fr Frame) { out = append(out, fr.Kind.String()+":"+fr.Text) })
	}
	return out
}

// splits returns every way to cut s in two, s byte by byte, and s whole.
func splits(s string) [][]string {
	all := [][]string{{s}}
	for i := 1; i < len(s); i++ {
		all = append(all, []string{s[:i], s[i:]})
	}
	bytewise := make([]string, len(s))
	for i := range s {
		bytewise[i] = s[i : i+1]
	}
	return append(all, bytewise)
}

func TestFramerEverySplit(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []string
	}{
		{"echo then OK (echo ends in CR only)", "AT\r\r\nOK\r\n", []string{"line:AT", "line:OK"}},
		{"echo, empty line, response", "AT+CSQ\r\r\n+CSQ: 28,99\r\n\r\nOK\r\n", []string{"line:AT+CSQ", "line:+CSQ: 28,99", "line:OK"}},
		{"echo off", "\r\nOK\r\n", []string{"line:OK"}},
		{"lone LF endings", "+CREG: 0,1\nOK\n", []string{"line:+CREG: 0,1", "line:OK"}},
		{"lone CR endings", "+CREG: 0,1\rOK\r", []string{"line:+CREG: 0,1", "line:OK"}},
		{"double CRLF around a URC", "\r\n\r\n+QMTSTAT: 0,1\r\n\r\n", []string{"line:+QMTSTAT: 0,1"}},
		{"prompt with space", "\r\n> ", []string{"prompt:>"}},
		{"bare prompt", "\r\n>", []string{"prompt:>"}},
		{"prompt then URC", "\r\n> \r\n+QMTRECV: 0,0,\"t\",2,\"hi\"\r\n", []string{"prompt:>", `line:+QMTRECV: 0,0,"t",2,"hi"`}},
		{"URC between command and prompt", "AT+QMTPUB=0,0,0,0,\"t\"\r\r\n+QIND: \"csq\",20,99\r\n\r\n> ", []string{`line:AT+QMTPUB=0,0,0,0,"t"`, `line:+QIND: "csq",20,99`, "prompt:>"}},
		{"final glued to the next echo", "\r\nSEND OKAT+QIRD=0,0\r", []string{"line:SEND OK", "line:AT+QIRD=0,0"}},
		{"OK glued to echo", "\r\nOKAT+CSQ\r\r\n+CSQ: 1,2\r\n", []string{"line:OK", "line:AT+CSQ", "line:+CSQ: 1,2"}},
		{"QFUPL result", "\r\nCONNECT\r\n\r\n+QFUPL: 1163,2d13\r\n\r\nOK\r\n", []string{"line:CONNECT", "line:+QFUPL: 1163,2d13", "line:OK"}},
		{"blank lines dropped", "\r\n   \r\nRDY\r\n", []string{"line:RDY"}},
		{"greater-than inside a line is text", "+QMTRECV: 0,1,\"t\",3,\">ab\"\r\n", []string{`line:+QMTRECV: 0,1,"t",3,">ab"`}},
		{"several lines in one read", "\r\nRDY\r\n\r\n+CFUN: 1\r\n\r\n+CPIN: READY\r\n", []string{"line:RDY", "line:+CFUN: 1", "line:+CPIN: READY"}},
	}
	for _, tt := range tests {
		for _, chunks := range splits(tt.in) {
			got := frames(chunks...)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("%s, split %q:\n got %q\nwant %q", tt.name, chunks, got, tt.want)
			}
		}
	}
}

func TestFramerUnfinishedLineWaits(t *testing.T) {
	var f framer
	var got []Frame
	f.feed([]byte("\r\nPOWERED DOWN"), func(fr Frame) { got = append(got, fr) })
	if len(got) != 0 {
		t.Fatalf("emitted %v before the line ended", got)
	}
	if string(f.buf) != "POWERED DOWN" {
		t.Fatalf("unfinished line = %q", f.buf)
	}
	f.feed([]byte("\r\n\r\nRDY\r\n"), func(fr Frame) { got = append(got, fr) })
	if len(got) != 2 || got[0].Text != "POWERED DOWN" || got[1].Text != "RDY" {
		t.Fatalf("got %v", got)
	}
}

func TestFramerDownloadCounted(t *testing.T) {
	in := "\r\nCONNECT\r\nab\r\ncd\r\nOK\r\n"
	for _, chunks := range splits(in) {
		var f framer
		var got []string
		for _, c := range chunks {
			f.feed([]byte(c), func(fr Frame) {
				if fr.Kind == Line && fr.Text == "CONNECT" {
					f.startDownload(download{n: 6})
				}
				got = append(got, fr.Kind.String()+":"+fr.Text)
			})
		}
		want := []string{"line:CONNECT", "data:ab\r\ncd", "line:OK"}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("split %q: got %q, want %q", chunks, got, want)
		}
	}
}

func FuzzFramer(f *testing.F) {
	for _, s := range []string{
		"AT\r\r\nOK\r\n", "\r\n> ", "\r\nCONNECT\r\n", "SEND OKAT+X\r", "\r\n+QMTRECV: 0,1,\"t\",2,\"ab\"\r\n",
		"\x00\xff\r\r\n\n>>", "",
		"\r\n+QMTRECV: 0,0,\"d\",9,\"hi\r\n> you\"\r\n", "+QMTRECV: 0,0,\"d\",6,\"OK\r\n\x00\"\"\r\n",
		"\r\n+QIRD: 6\r\n> OK\r\n\r\nOK\r\n", "\r\n+QIURC: \"recv\",0,3\r\n\x00\r\n", "\r\n+CMT: \"+49\",,\"x\"\r\n> hi\r\n",
	} {
		f.Add([]byte(s), uint8(3))
	}
	f.Fuzz(func(t *testing.T, in []byte, cut uint8) {
		whole := framesData(new(framer), string(in))
		n := int(cut) % (len(in) + 1)
		parts := framesData(new(framer), string(in[:n]), string(in[n:]))
		if !reflect.DeepEqual(whole, parts) {
			t.Fatalf("split at %d changed the frames:\n%q\n%q", n, whole, parts)
		}
		for _, fr := range whole {
			text, _, _ := strings.Cut(fr, "|")
			if text == "line:" && !strings.Contains(fr, "|") {
				t.Fatalf("empty line frame %q", fr)
			}
			// Only a payload inside a line may hold a line end.
			if _, _, inline := codes.InlinePayload(strings.TrimPrefix(text, "line:")); strings.ContainsAny(text, "\r\n") && !inline {
				t.Fatalf("bad frame %q", fmt.Sprint(fr))
			}
		}
	})
}
