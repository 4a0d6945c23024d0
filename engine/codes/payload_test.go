package codes

import (
	"strings"
	"testing"
)

func TestInlinePayload(t *testing.T) {
	tests := []struct {
		head     string
		start, n int
		ok       bool
	}{
		{`+QMTRECV: 0,1,"t/x",9,"hi`, 23, 9, true},
		{`+QMTRECV:0,1,"t",0,"`, 20, 0, true},
		{`+qmtrecv: 5,65535,"a,b",3,"x"`, 27, 3, true},
		{`+QMTRECV: 0,1,"t","payload"`, 0, 0, false}, // no length field
		{`+QMTRECV: 0,1`, 0, 0, false},               // buffer mode
		{`+QMTRECV: 0,1,"t",9`, 0, 0, false},         // the quote not there yet
		{`+QMTRECV: 0,1,"t",99999999999,"`, 0, 0, false},
		{`+QMTSTAT: 0,1`, 0, 0, false},
	}
	for _, tt := range tests {
		start, n, ok := InlinePayload(tt.head)
		if start != tt.start || n != tt.n || ok != tt.ok {
			t.Errorf("%q: got %d,%d,%v want %d,%d,%v", tt.head, start, n, ok, tt.start, tt.n, tt.ok)
		}
	}
}

func TestPayloadAfter(t *testing.T) {
	tests := []struct {
		line string
		n    int
	}{
		{"+QIRD: 12", 12},
		{`+QIRD: 4,"10.0.0.1",5000`, 4},
		{"+QIRD: 10,4,6", 0},
		{"+QIRD: 0", 0},
		{"+QSSLRECV: 7", 7},
		{"+QSSLRECV: 10,3,7", 0},
		{`+QIURC: "recv",0,5`, 5},
		{`+QIURC: "recv",1,3,"10.0.0.1",5000`, 3},
		{`+QIURC: "recv",0`, 0},
		{`+QIURC: "closed",0`, 0},
		{`+QSSLURC: "recv",2,8`, 8},
		{"+CSQ: 19,99", 0},
		{"+QIRD: 99999999", 0}, // beyond MaxPayload: noise
	}
	for _, tt := range tests {
		n, ok := PayloadAfter(tt.line)
		if n != tt.n || ok != (tt.n > 0) {
			t.Errorf("%q: got %d,%v want %d", tt.line, n, ok, tt.n)
		}
	}
}

func TestTakesNextLine(t *testing.T) {
	for line, want := range map[string]bool{
		`+CMT: "+49",,"26/03/02,09:15:04+04"`: true,
		"+CMT: ,24":                           true,
		"+CBM: 88":                            true,
		"+CDS: 25":                            true,
		`+CDS: 6,1,"+49",145`:                 false,
		`+CMTI: "SM",3`:                       false,
	} {
		if TakesNextLine(line) != want {
			t.Errorf("%q: want %v", line, want)
		}
	}
}

func TestSendsData(t *testing.T) {
	for cmd, want := range map[string]bool{
		`AT+QFDWL="RAM:a"`: true, "AT+QFREAD=3000,10": true, "AT+QHTTPREAD=80": true, "at+qhttpread": true,
		"AT+QHTTPREAD=?": false, `AT+QFUPL="a",5`: false, "AT+QIRD=0,1500": false,
	} {
		if SendsData(cmd) != want {
			t.Errorf("%q: want %v", cmd, want)
		}
	}
}

func TestResultOfMatchesParseFinal(t *testing.T) {
	for _, line := range append(FinalWords(), "+CME ERROR: 10", "+cms error:500", " OK ", "CONNECT 9600", "CONNECTED", "OKAY", "", "+CSQ: 1,2") {
		f, ok := ParseFinal(line)
		r := ResultOf(line)
		want := NotFinal
		switch {
		case ok && f.Kind == "CONNECT":
			want = Connect
		case ok && f.Success:
			want = Success
		case ok:
			want = Failure
		}
		if r != want {
			t.Errorf("%q: ResultOf %v, ParseFinal says %v", line, r, want)
		}
	}
}

func TestSplitGlued(t *testing.T) {
	for line, want := range map[string]string{
		"SEND OKAT+QIRD=0,0": "SEND OK|AT+QIRD=0,0", "OKAT+CSQ": "OK|AT+CSQ", "NO CARRIERat": "NO CARRIER|at",
		"OK": "", "OKAY": "", "+CSQ: 1": "", "ERRORATX": "ERROR|ATX",
	} {
		final, rest, ok := SplitGlued(line)
		got := ""
		if ok {
			got = final + "|" + rest
		}
		if got != want {
			t.Errorf("%q: got %q want %q", line, got, want)
		}
	}
}

func FuzzPayloadHeads(f *testing.F) {
	for _, s := range []string{`+QMTRECV: 0,1,"t",9,"hi`, "+QIRD: 12", `+QIURC: "recv",0,5`, "+CMT: ,3", "CONNECT 10"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if start, n, ok := InlinePayload(s); ok && (start > len(s) || n < 0 || n > MaxPayload || !strings.HasSuffix(s[:start], `"`)) {
			t.Fatalf("%q: start %d n %d", s, start, n)
		}
		if n, ok := PayloadAfter(s); ok && (n <= 0 || n > MaxPayload) {
			t.Fatalf("%q: n %d", s, n)
		}
		if n, ok := ConnectCount(s); ok && (n <= 0 || n > MaxPayload) {
			t.Fatalf("%q: n %d", s, n)
		}
		TakesNextLine(s)
		SplitGlued(s)
	})
}
