package codes

import (
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestFields(t *testing.T) {
	tests := []struct {
		line string
		want []string
	}{
		{`+QMTOPEN: 0,"host",8883`, []string{"0", "host", "8883"}},
		{"+QCSCON:0,0", []string{"0", "0"}},
		{"+CSQ: 24, 99 ", []string{"24", "99"}},
		{"+CREG:", nil},
		{"", nil},
		{"+CREG: ,", []string{"", ""}},
		{`+QMTCONN: 0,"id","u","pa,ss"`, []string{"0", "id", "u", "pa,ss"}},
		// A JSON payload keeps its quotes and commas: a quote closes a
		// value only before a comma or the end.
		{`+QMTRECV: 0,1,"t","{"a":1,"b":2}"`, []string{"0", "1", "t", `{"a":1,"b":2}`}},
		{`+QMTRECV: 0,1,"t" , "x"`, []string{"0", "1", "t", "x"}},
		// Typographic quotes from a forum post are quotes.
		{"+QIOPEN: 1,\u201capn,x\u201d,2", []string{"1", "apn,x", "2"}},
		// A quote inside an unquoted value is a character.
		{`+X: 5"a,b`, []string{`5"a`, "b"}},
		// An unterminated quote runs to the end.
		{`+X: 1,"a,b`, []string{"1", "a,b"}},
		{`"a","b"`, []string{"a", "b"}},
		{"1,2", []string{"1", "2"}},
	}
	for _, tt := range tests {
		if got := Fields(tt.line); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Fields(%q) = %q, want %q", tt.line, got, tt.want)
		}
	}
}

func TestParamsKeepQuotes(t *testing.T) {
	got := Params(` 0, "1" ,"a,b"`)
	want := []string{"0", `"1"`, `"a,b"`}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Params = %q, want %q", got, want)
	}
}

func TestSecretArgs(t *testing.T) {
	tests := []struct {
		cmd  string
		want []string
	}{
		{`AT+QMTCONN=0,"dev1","user","pa,ss"` + "\r", []string{"pa,ss"}},
		{`AT+QMTCONN=0,"dev1","user","{"k":"v"}"`, []string{`{"k":"v"}`}},
		{`at+qmtconn=0,"dev1"`, nil},
		{`AT+QICSGP=1,1,"apn","user","pw",1`, []string{"pw"}},
		{`AT+CGAUTH=1,1,"user","pw"`, []string{"pw"}},
		{`AT+CPIN=1234`, []string{"1234"}},
		{`AT+CPIN="12345678","4321"`, []string{"12345678", "4321"}},
		{"AT+CPIN=\u201c1234\u201d", []string{"1234"}},
		{`AT+CPIN=1234;+CSQ`, []string{"1234"}},
		{`AT+CPWD="SC","1111","2222"`, []string{"1111", "2222"}},
		{`AT+CLCK="SC",0,"1234"`, []string{"1234"}},
		{`AT+CPIN=?`, nil},
		{`AT+CPIN?`, nil},
		{`AT+CSQ`, nil},
		{`ATD123`, nil},
	}
	for _, tt := range tests {
		if got := SecretArgs(tt.cmd); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("SecretArgs(%q) = %q, want %q", tt.cmd, got, tt.want)
		}
	}
}

// FuzzFields checks the splitter's contract: values without quote
// characters, quoted and joined by commas, come back as they were, whatever
// commas and spaces they hold; and any input splits without a panic into at
// most one field more than it has commas.
func FuzzFields(f *testing.F) {
	for _, s := range append(fuzzSeeds, "a\x00b,c", " x , \"y,z\" ", "\u201cq\u201d") {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if n := len(Params(s)); n > strings.Count(s, ",")+1 {
			t.Errorf("Params(%q) has %d values", s, n)
		}
		_ = Fields(s)
		if !utf8.ValidString(s) {
			return
		}
		var values []string
		for _, v := range strings.Split(s, "\x00") {
			v = strings.Map(func(r rune) rune {
				if r == '"' || r == '\u201c' || r == '\u201d' {
					return -1
				}
				return r
			}, v)
			values = append(values, v)
		}
		line := `+X: "` + strings.Join(values, `","`) + `"`
		if got := Fields(line); !reflect.DeepEqual(got, values) {
			t.Errorf("Fields(%q) = %q, want %q", line, got, values)
		}
	})
}
