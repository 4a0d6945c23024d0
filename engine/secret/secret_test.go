package secret

import (
	"reflect"
	"testing"
)

func TestRedact(t *testing.T) {
	var s Set
	s.Add("s3cret")
	s.Add("s3cret-longer")
	s.Add("x") // too short to be worth hiding
	tests := []struct{ in, want string }{
		{`AT+QMTCONN=0,"id","u","s3cret"`, `AT+QMTCONN=0,"id","u","***"`},
		{"s3cret-longer and s3cret", "*** and ***"},
		{"nothing here, x", "nothing here, x"},
	}
	for _, tt := range tests {
		if got := s.Redact(tt.in); got != tt.want {
			t.Errorf("Redact(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	if s.MaxLen() != len("s3cret-longer") {
		t.Errorf("MaxLen = %d", s.MaxLen())
	}
}

func TestNilSet(t *testing.T) {
	var s *Set
	s.Add("abc")
	if s.Redact("abc") != "abc" || s.Spans([]byte("abc")) != nil || s.MaxLen() != 0 {
		t.Fatal("nil set must hold nothing")
	}
}

func TestLearnCommand(t *testing.T) {
	tests := []struct {
		cmd  string
		want []string
	}{
		{`AT+QMTCONN=0,"dev1","user","pa,ss"` + "\r", []string{"pa,ss"}},
		{`at+qmtconn=0,"dev1"`, nil},
		{`AT+QICSGP=1,1,"apn","user","pw",1`, []string{"pw"}},
		{`AT+CPIN=1234`, []string{"1234"}},
		{`AT+CPIN=?`, nil},
		{`AT+CPIN?`, nil},
		{`AT+CSQ`, nil},
	}
	for _, tt := range tests {
		var s Set
		got := s.LearnCommand(tt.cmd)
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("LearnCommand(%q) = %q, want %q", tt.cmd, got, tt.want)
		}
		for _, v := range tt.want {
			if s.Redact(v) != Marker {
				t.Errorf("%q not redacted after learning", v)
			}
		}
	}
}

func TestPending(t *testing.T) {
	var s Set
	s.Add("s3cret")
	s.Add("pass")
	tests := []struct {
		in   string
		want int
	}{
		{"Revision: EC20", 0},
		{`AT+QMTCONN=0,"id","u","s3c`, 3},
		{`"s3cret`, 0}, // complete: nothing pending
		{"...pa", 2},
		{"...s", 1},
		{"", 0},
	}
	for _, tt := range tests {
		if got := s.Pending([]byte(tt.in)); got != tt.want {
			t.Errorf("Pending(%q) = %d, want %d", tt.in, got, tt.want)
		}
	}
	var none *Set
	if none.Pending([]byte("s3c")) != 0 {
		t.Fatal("nil set has pending bytes")
	}
}
