package codes

import "testing"

func TestParseCommand(t *testing.T) {
	tests := []struct {
		line string
		want Command
		ok   bool
	}{
		{"AT", Command{}, true},
		{"ATI", Command{Name: "I"}, true},
		{"ATE0", Command{Name: "E"}, true},
		{"AT&V", Command{Name: "&V"}, true},
		{"AT&FZE0", Command{Name: "&FZE0"}, true},
		{"AT+CSQ", Command{Name: "+CSQ"}, true},
		{"at+creg?", Command{Name: "+CREG", Form: Read}, true},
		{"AT+QMTCFG=?", Command{Name: "+QMTCFG", Form: Test}, true},
		{`AT+QMTOPEN=0,"host",8883`, Command{Name: "+QMTOPEN", Form: Write, Args: `0,"host",8883`}, true},
		{"AT+CMEE=2;+CREG?", Command{Name: "+CMEE", Form: Write, Args: "2"}, true},
		{"  AT+CPIN?\r", Command{Name: "+CPIN", Form: Read}, true},
		{"hello", Command{}, false},
		{"A", Command{}, false},
		{"", Command{}, false},
	}
	for _, tt := range tests {
		got, ok := ParseCommand(tt.line)
		if got != tt.want || ok != tt.ok {
			t.Errorf("ParseCommand(%q) = %+v, %v; want %+v, %v", tt.line, got, ok, tt.want, tt.ok)
		}
	}
}

func TestResponsePrefix(t *testing.T) {
	for cmd, want := range map[string]string{
		"AT+CSQ":                  "+CSQ:",
		"at+creg?":                "+CREG:",
		"AT+QMTCFG=?":             "+QMTCFG:",
		`AT+QFUPL="a.pem",10,5`:   "+QFUPL:",
		"ATI":                     "",
		"AT&V":                    "",
		"AT":                      "",
		"not a command":           "",
		`AT+QMTOPEN=0,"h",8883`:   "+QMTOPEN:",
		"AT+QMTPUBEX=0,1,1,0,t,3": "+QMTPUBEX:",
	} {
		if got := ResponsePrefix(cmd); got != want {
			t.Errorf("ResponsePrefix(%q) = %q, want %q", cmd, got, want)
		}
	}
}

func TestAsyncResult(t *testing.T) {
	for cmd, want := range map[string]bool{
		`AT+QMTOPEN=0,"h",8883`:          true,
		`AT+QMTCONN=0,"id","u","p"`:      true,
		`AT+QMTSUB=0,1,"t",0`:            true,
		`AT+QMTPUB=0,1,1,0,"t"`:          true,
		`AT+QMTPUBEX=0,1,1,0,"t",3`:      true,
		"AT+QMTDISC=0":                   true,
		"AT+QMTCLOSE=0":                  true,
		`AT+QIOPEN=1,0,"TCP","h",80,0,0`: true,
		`AT+QPING=1,"8.8.8.8"`:           true,
		"AT+QMTCONN?":                    false,
		"AT+QMTOPEN?":                    false,
		"AT+QMTOPEN=?":                   false,
		`AT+QMTRECV=0,1`:                 false,
		`AT+QFUPL="a",1,1`:               false,
		"AT+CSQ":                         false,
		"":                               false,
	} {
		if got := AsyncResult(cmd); got != want {
			t.Errorf("AsyncResult(%q) = %v, want %v", cmd, got, want)
		}
	}
}
