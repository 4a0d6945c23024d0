package codes

import (
	"strings"
	"testing"
)

// fuzzSeeds are lines from real logs and edge cases.
var fuzzSeeds = []string{
	"OK", "ERROR", "+CME ERROR: 407", "+CME ERROR: SIM not inserted", "+CMS ERROR: 304", "CONNECT 115200",
	"+QMTOPEN: 0,-1", "+QMTCONN: 0,0,4", "+CSQ: 19,99", "+CEREG: 0,5", "+QMTSTAT: 0,1", "+QFUPL: 1163,2d13",
	`+QMTRECV: 0,1,"t","{"a":1}"`, `+QIURC: "dnsgip",0,1,600`, "+QPING: 0", "+QHTTPGET: 0,200,12", "+QHTTPREAD: 717", "+QHTTPPOST: 0,404", "+QMTSUB: 0,1,0", "+CREG:",
	"+CREG: ,", "+QIACT: 1,1", "+QMTCONN: 0", "> ", "+\"", "+A:\"", "\x00\xff", "+QCSCON:0,0",
	"SHUT OK", "CLOSE OK", "*ATREADY: 1", "+APP PDP:", "+APP PDP: 0,DEACTIVE", "+NETOPEN: 0", "+CIPOPEN: 0,11",
	"+IPCLOSE: 0,1", "+CASTATE: 1,0", "+CGNSSPWR: READY!", "CONNECT FAIL",
}

func FuzzParseFinal(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		fin, ok := ParseFinal(line)
		if !ok {
			return
		}
		if fin.Text != strings.TrimSpace(line) {
			t.Errorf("Text %q is not the trimmed line %q", fin.Text, line)
		}
		if fin.Code != -1 && fin.Kind != "CME" && fin.Kind != "CMS" {
			t.Errorf("kind %s carries code %d", fin.Kind, fin.Code)
		}
	})
}

func FuzzExplain(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s, "")
		f.Add(s, "AT+CREG?")
		f.Add(s, "AT+QMTCONN?")
	}
	f.Fuzz(func(t *testing.T, line, command string) {
		n := Decode(line, command)
		if n.Meaning == "" && n.Hint != "" && !strings.HasPrefix(strings.TrimSpace(line), "+CME ERROR") {
			t.Errorf("Decode(%q, %q) has a hint %q but no meaning", line, command, n.Hint)
		}
		_ = IsURC(line)
		_ = ResponsePrefix(command)
		_ = AsyncResult(command)
	})
}
