package codes

import (
	"strings"
	"testing"
)

// SIMCom's own result words: SHUT OK and CLOSE OK end AT+CIPSHUT and
// AT+CIPCLOSE (SIM800, SIM7000) the way OK ends other commands.
func TestSIMComFinals(t *testing.T) {
	tests := []struct {
		line, kind, meaning string
	}{
		{"SHUT OK", "SHUT OK", "AT+CIPSHUT"},
		{" SHUT OK\r\n", "SHUT OK", "PDP context"},
		{"CLOSE OK", "CLOSE OK", "AT+CIPCLOSE"},
	}
	for _, tt := range tests {
		f, ok := ParseFinal(tt.line)
		if !ok || f.Kind != tt.kind || !f.Success || !strings.Contains(f.Meaning, tt.meaning) {
			t.Errorf("ParseFinal(%q) = %+v, %v; want a successful %s meaning ~%q", tt.line, f, ok, tt.kind, tt.meaning)
		}
		if r := ResultOf(strings.TrimSpace(tt.line)); r != Success {
			t.Errorf("ResultOf(%q) = %v, want Success", tt.line, r)
		}
		if IsURC(tt.line) {
			t.Errorf("%q is a final result, not a URC", tt.line)
		}
		if n := Decode(tt.line, ""); !strings.Contains(n.Meaning, tt.meaning) {
			t.Errorf("Decode(%q) = %+v", tt.line, n)
		}
	}
	if fin, rest, ok := SplitGlued("SHUT OKAT+CGATT=0"); !ok || fin != "SHUT OK" || rest != "AT+CGATT=0" {
		t.Errorf("SplitGlued = %q %q %v", fin, rest, ok)
	}
	for _, line := range []string{"SHUT OKAY", "CLOSE", "0, CLOSE OK"} {
		if _, ok := ParseFinal(line); ok {
			t.Errorf("%q taken for a final result", line)
		}
	}
}

// The boot banners and the TCP/IP and GNSS URCs of SIMCom's modules (and
// Quectel's +QIND forms of the banners) are unsolicited, each with its
// meaning; the read answers of the same names are not URCs.
func TestSIMComURCs(t *testing.T) {
	tests := []struct {
		line, command, meaning, hint string
	}{
		{"*ATREADY: 1", "", "the AT interface is ready", ""},
		{"SMS DONE", "", "SMS initialisation finished", ""},
		{"PB DONE", "", "phonebook initialisation finished", ""},
		{"+QIND: SMS DONE", "", "SMS initialisation finished", ""},
		{`+QIND: "SMS DONE"`, "", "SMS initialisation finished", ""},
		{"+QIND: PB DONE", "", "phonebook initialisation finished", ""},
		{"+NETOPEN: 0", "", "network opened for sockets", ""},
		{"+NETOPEN: 1", "", "opening the network failed: network failure", "AT+CGDCONT"},
		{"+NETOPEN: 1", "AT+NETOPEN?", "the network is open for sockets", ""},
		{"+NETOPEN: 0", "AT+NETOPEN?", "the network is not open", "AT+NETOPEN"},
		{"+NETCLOSE: 0", "", "network closed", ""},
		{"+NETCLOSE: 2", "", "closing the network failed: network not opened", ""},
		{"+CIPOPEN: 0,0", "", "socket 0: opened", ""},
		{"+CIPOPEN: 1,11", "", "socket 1: opening failed: DNS parse failed", "host name"},
		{"+CIPOPEN: 1,99", "", "socket 1: opening failed: unknown TCP/IP error 99", ""},
		{"+IPCLOSE: 0,1", "", "socket 0 closed by the server", ""},
		{"+IPCLOSE: 2,2", "", "socket 2 closed: sending timed out", ""},
		{"CONNECT OK", "", "the TCP/UDP connection is up", ""},
		{"CONNECT FAIL", "", "the TCP/UDP connection could not be set up", "server"},
		{"ALREADY CONNECT", "", "a connection is open already", "AT+CIPCLOSE"},
		{"CLOSED", "", "the server closed the connection", ""},
		{"+APP PDP: ACTIVE", "", "the PDP context for the application is active", ""},
		{"+APP PDP: 0,DEACTIVE", "", "the PDP context for the application is deactivated", "AT+CNACT"},
		{"+CADATAIND: 1", "", "connection 1: data arrived", "AT+CARECV"},
		{"+CASTATE: 1,0", "", "connection 1: closed", ""},
		{"+CASTATE: 0,1", "", "connection 0: connected", ""},
		{"+CACLOSE: 1", "", "connection 1 closed", ""},
		{"+CGNSSPWR: READY!", "", "GNSS powered on and ready", ""},
	}
	for _, tc := range tests {
		n := Decode(tc.line, tc.command)
		if !strings.HasPrefix(n.Meaning, tc.meaning) {
			t.Errorf("%s (after %q): meaning %q, want %q", tc.line, tc.command, n.Meaning, tc.meaning)
		}
		if !strings.Contains(n.Hint, tc.hint) {
			t.Errorf("%s: hint %q, want it to hold %q", tc.line, n.Hint, tc.hint)
		}
		if !IsURC(tc.line) {
			t.Errorf("IsURC(%s) = false", tc.line)
		}
		if _, ok := ParseFinal(tc.line); ok {
			t.Errorf("%s taken for a final result", tc.line)
		}
	}
	for _, line := range []string{
		`+CIPOPEN: 0,"TCP","117.131.85.139",5253,-1`, // AT+CIPOPEN? read answer
		"+CIPOPEN: (0-9),(\"TCP\",\"UDP\")",
		"*ATREADYX",
		"ATREADY: 1",
		"CONNECT OKAY",
	} {
		if IsURC(line) {
			t.Errorf("IsURC(%s) = true", line)
		}
	}
	// The engine files URCs by the codes this package lists.
	listed := map[string]bool{}
	for _, c := range URCCodes() {
		listed[c] = true
	}
	for _, c := range []string{"*ATREADY:", "+NETOPEN:", "+NETCLOSE:", "+CIPOPEN:", "+IPCLOSE:", "+APP PDP:", "+CADATAIND:", "+CASTATE:", "+CACLOSE:", "+CGNSSPWR:", "CONNECT OK", "CONNECT FAIL", "ALREADY CONNECT", "CLOSED", "SMS DONE", "PB DONE"} {
		if !listed[c] {
			t.Errorf("URCCodes lacks %s", c)
		}
	}
}
