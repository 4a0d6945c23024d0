package codes

import (
	"strings"
	"testing"
)

// explainCase expects Explain(line, command) to contain every want string
// and Hint to contain hint.
type explainCase struct {
	line, command string
	want          []string
	hint          string
}

func checkExplain(t *testing.T, tests []explainCase) {
	t.Helper()
	for _, tt := range tests {
		got := Explain(tt.line, tt.command)
		for _, w := range tt.want {
			if !strings.Contains(got, w) {
				t.Errorf("Explain(%q, %q) = %q, want it to mention %q", tt.line, tt.command, got, w)
			}
		}
		if len(tt.want) == 0 && got != "" {
			t.Errorf("Explain(%q, %q) = %q, want \"\"", tt.line, tt.command, got)
		}
		if h := Hint(tt.line, tt.command); !strings.Contains(h, tt.hint) || (tt.hint == "" && h != "") {
			t.Errorf("Hint(%q, %q) = %q, want %q", tt.line, tt.command, h, tt.hint)
		}
	}
}

func TestExplainRequiredExamples(t *testing.T) {
	checkExplain(t, []explainCase{
		{"+CME ERROR: 407", `AT+QFUPL="RAM:cacert.pem",1163,100`, []string{"file already exists"}, "AT+QFDEL"},
		{"+QMTOPEN: 0,-1", "", []string{"failed to open the network"}, "check the APN/PDP context"},
		{"+QMTCONN: 0,0,4", "", []string{"bad user name or password"}, "user name and password"},
		{"+CSQ: 19,99", "AT+CSQ", []string{"-75 dBm"}, ""},
		{"+CEREG: 0,5", "AT+CEREG?", []string{"registered, roaming"}, ""},
		{"+QMTSTAT: 0,1", "", []string{"closed or reset by the peer"}, "AT+QMTOPEN"},
		{"+QFUPL: 1163,2d13", `AT+QFUPL="RAM:cacert.pem",1163,100`, []string{"1163 bytes", "checksum 2d13"}, "byte count"},
	})
}

func TestExplainContextDecides(t *testing.T) {
	checkExplain(t, []explainCase{
		// Registration: read answer n,stat against URC stat.
		{"+CREG: 0,5", "AT+CREG?", []string{"registered, roaming", "URCs off"}, ""},
		{"+CREG: 5", "", []string{"registration changed", "registered, roaming"}, ""},
		{"+CREG: 1", "", []string{"registration changed", "registered, home network"}, ""},
		{"+CREG: 1", "AT+CREG?", []string{"registered, home network"}, ""},
		{"+CREG: 2,1", "", []string{"registered, home network", "location"}, ""},
		{"+CEREG: 2,4", "AT+CEREG?", []string{"unknown"}, "AT+CEREG?"},
		{"+CGREG: 4,4", "AT+CGREG?", []string{"unknown", "PSM"}, "AT+CEREG?"},
		{`+CGREG: 1,"D504","80428B5",7`, "", []string{"registered, home network", "area D504", "cell 80428B5", "E-UTRAN"}, ""},
		{`+CREG: 2,1,"D509","80D413D",7`, "AT+CREG?", []string{"registered, home network", "area D509", "E-UTRAN", "location"}, ""},
		{"+CREG: 3", "AT+CSQ", []string{"registration denied"}, "subscription"},
		// MQTT connect: read state against result URC.
		{"+QMTCONN: 0,3", "AT+QMTCONN?", []string{"connected"}, ""},
		{"+QMTCONN: 0,3", "", []string{"connected"}, ""},
		{"+QMTCONN: 0,1", "AT+QMTCONN?", []string{"initializing"}, ""},
		{"+QMTCONN: 0,1", `AT+QMTCONN=0,"c"`, []string{"retransmitted"}, "wait"},
		{"+QMTCONN: 0,1", "", []string{"retransmitted"}, "wait"},
		{"+QMTCONN: 0,0,0", "", []string{"connection accepted"}, ""},
		{"+QMTCONN: 0,2", "", []string{"failed to send CONNECT"}, "open it again"},
		{"+QMTCONN: 1,1,5", "", []string{"client 1", "retransmitted", "not authorized"}, "wait"},
		// MQTT open: result URC against read answer.
		{`+QMTOPEN: 0,"broker.example.com",8883`, "AT+QMTOPEN?", []string{"open to broker.example.com:8883"}, ""},
		{"+QMTOPEN: 0,0", "", []string{"network opened"}, ""},
		{"+QMTOPEN: 0,3", "", []string{"PDP"}, "APN"},
		{`+QMTOPEN: (0-5),"host_name",(1-65536)`, "AT+QMTOPEN=?", nil, ""},
	})
}

func TestExplainLines(t *testing.T) {
	checkExplain(t, []explainCase{
		{"OK", "AT", nil, ""},
		{"", "", nil, ""},
		{"Quectel", "ATI", nil, ""},
		{"ERROR", "AT+QILOCIP", []string{"rejected"}, "ASCII quotes"},
		{"+CME ERROR: SIM not inserted", "AT+CPIN?", []string{"SIM not inserted"}, "SIM is seated"},
		{"+CME ERROR: 3", "AT+CSQ?", []string{"operation not allowed"}, "not allowed"},
		{"+CMS ERROR: 304", `AT+CMGS="1"`, []string{"invalid PDU mode"}, "AT+CMGF=1"},
		{"CONNECT", `AT+QFUPL="a",1,1`, []string{"data mode"}, ""},
		{"> ", `AT+QMTPUB=0,1,1,0,"t"`, []string{"payload"}, ""},
		{"RDY", "", []string{"started"}, "reset"},
		{"POWERED DOWN", "", []string{"powered down"}, ""},
		{"+CSQ: 99,99", "AT+CSQ", []string{"not known yet"}, "antenna"},
		{"+CSQ: 5,99", "AT+CSQ", []string{"-103 dBm", "marginal"}, "antenna"},
		{"+CSQ: 31,0", "AT+CSQ", []string{"≥ -51 dBm", "bit error rate class 0"}, ""},
		{"+CSQ: (0-31,99),(0-7,99)", "AT+CSQ=?", nil, ""},
		{"+CPIN: READY", "AT+CPIN?", []string{"SIM ready"}, ""},
		{"+CPIN: SIM PIN", "", []string{"PIN"}, "AT+CPIN"},
		{"+CPIN: NOT READY", "", []string{"not ready"}, "seated"},
		{"+CFUN: 1", "", []string{"full functionality"}, ""},
		{"+CFUN: 0", "AT+CFUN?", []string{"minimum"}, "AT+CFUN=1"},
		{"+CGATT: 1", "AT+CGATT?", []string{"attached"}, ""},
		{"+CGATT: 0", "AT+CGATT?", []string{"detached"}, "AT+CGATT=1"},
		{`+COPS: 0,0,"AT&T 4G",8`, "AT+COPS?", []string{"AT&T 4G", "Cat-M1", "automatic"}, ""},
		{"+COPS: 0", "AT+COPS?", []string{"no operator yet"}, ""},
		{"+CMEE: 1", "AT+CMEE?", []string{"numbers"}, ""},
		{`+QIACT: 1,1,1,"10.76.51.180"`, "AT+QIACT?", []string{"context 1 active", "10.76.51.180"}, ""},
		{"+QIND: SMS DONE", "", []string{"SMS"}, ""},
		{"+QIND: PB DONE", "", []string{"phonebook"}, ""},
		{"+QUSIM: 1", "", []string{"USIM"}, ""},
		{`+QIURC: "pdpdeact",1`, "", []string{"PDP context 1 deactivated"}, "AT+QIACT"},
		{`+QIURC: "recv",0`, "", []string{"data received on connection 0"}, "AT+QIRD"},
		{`+QIURC: "closed",2`, "", []string{"connection 2 closed"}, "AT+QICLOSE"},
		{"+QIOPEN: 0,0", "", []string{"connection 0 opened"}, ""},
		{"+QIOPEN: 0,566", "", []string{"socket connect failed"}, "port"},
		{`+QPING: 0,"172.217.169.36",32,596,255`, "", []string{"172.217.169.36", "596 ms"}, ""},
		{"+QPING: 0,4,4,0,341,596,414", "", []string{"4 sent", "avg 414 ms"}, ""},
		{"+QPING: 565", "", []string{"DNS parse failed"}, "host name"},
		{"+QIRD: 0", "AT+QIRD=0", []string{"no data"}, ""},
		{"+QMTPUB: 0,1,0", "", []string{"msgid 1", "acknowledged"}, ""},
		{"+QMTPUBEX: 0,1,1,2", "", []string{"retransmitted", "2 retransmissions"}, "another URC"},
		{"+QMTPUB: 0,1,2", "", []string{"failed to send"}, "msgid"},
		{"+QMTSUB: 0,1,0,2", "", []string{"granted QoS 2"}, ""},
		{"+QMTSUB: 0,1,0,1,128", "", []string{"granted QoS 1", "refused"}, "topic filter"},
		{"+QMTSUB: 0,1,2", "", []string{"failed to send"}, "AT+QMTCONN?"},
		{"+QMTUNS: 0,2,0", "", []string{"unsubscribe msgid 2"}, ""},
		{"+QMTSTAT: 0,5", "", []string{"(normal)"}, ""},
		{"+QMTSTAT: 0,2", "", []string{"PINGREQ"}, "PDP"},
		{"+QMTSTAT: 0,9", "", []string{"unknown link state code 9"}, ""},
		{"+QMTDISC: 0,0", "", []string{"disconnect done"}, ""},
		{"+QMTCLOSE: 0,-1", "", []string{"close failed"}, ""},
		{`+QMTRECV: 0,1,"value","123"`, "", []string{`topic value`}, ""},
		{`+QMTRECV: 0,0,"t",5,"hello"`, "", []string{"topic t", "5 bytes"}, ""},
		{"+QMTRECV: 0,3", "", []string{"buffer 3"}, "AT+QMTRECV=0,3"},
		{`+QFLST: "rootCA.pem",1220`, "AT+QFLST", []string{"rootCA.pem", "1220 bytes"}, ""},
		{`+QFLST: "security/",2`, "AT+QFLST", []string{"directory security/"}, ""},
		{"+QFUPL: 1267,f5f", "", []string{"1267 bytes", "f5f"}, "byte count"},
		{`+QNWINFO: "EDGE","310260","GSM 1900",613`, "AT+QNWINFO", nil, ""},
		{"+QMTOPEN: 0,x", "", nil, ""},
		{"+: 1", "", nil, ""},
	})
}

func TestIsURC(t *testing.T) {
	for line, want := range map[string]bool{
		"RDY":                          true,
		"APP RDY":                      true,
		"POWERED DOWN":                 true,
		"+QMTSTAT: 0,1":                true,
		"+QMTOPEN: 0,-1":               true,
		`+QMTOPEN: 0,"host",8883`:      false,
		"+QMTCONN: 0,0,0":              true,
		`+QMTRECV: 0,1,"t","p"`:        true,
		`+QIURC: "pdpdeact",1`:         true,
		"+QIND: SMS DONE":              true,
		"+CPIN: READY":                 true,
		"+CREG: 5":                     true,
		`+CGREG: 1,"D504","80428B5",7`: true,
		"+CREG: 0,5":                   false,
		"+CSQ: 19,99":                  false,
		"OK":                           false,
		"Quectel":                      false,
		"":                             false,
		`+QMTOPEN: (0-5),"h",(1-6)`:    false,
	} {
		if got := IsURC(line); got != want {
			t.Errorf("IsURC(%q) = %v, want %v", line, got, want)
		}
	}
}

func TestSplitParamsHonoursQuotes(t *testing.T) {
	in, ok := parseInfo(`+QMTRECV: 0,1,"a,b",“x,y”,7`)
	if !ok {
		t.Fatal("parseInfo failed")
	}
	want := []string{"0", "1", `"a,b"`, "“x,y”", "7"}
	if len(in.params) != len(want) {
		t.Fatalf("params = %q, want %q", in.params, want)
	}
	for i := range want {
		if in.params[i] != want[i] {
			t.Errorf("param %d = %q, want %q", i, in.params[i], want[i])
		}
	}
}

func TestNoteSuffix(t *testing.T) {
	tests := []struct {
		n    Note
		want string
	}{
		{Note{}, ""},
		{Note{Meaning: "SIM not inserted"}, "  (SIM not inserted)"},
		{Note{Meaning: "SIM not inserted", Hint: "check the SIM tray"}, "  (SIM not inserted; check the SIM tray)"},
		{Note{Hint: "a hint alone says nothing of the line"}, ""},
	}
	for _, tc := range tests {
		if got := tc.n.Suffix(); got != tc.want {
			t.Errorf("%+v.Suffix() = %q, want %q", tc.n, got, tc.want)
		}
	}
}
