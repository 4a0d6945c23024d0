package codes

import "testing"

func TestParseFinal(t *testing.T) {
	tests := []struct {
		line    string
		kind    string
		code    int
		meaning string
		success bool
	}{
		{"OK", "OK", -1, "", true},
		{"\r\nOK\r\n", "OK", -1, "", true},
		{"  OK ", "OK", -1, "", true},
		{"ERROR", "ERROR", -1, finalWords()["ERROR"].meaning, false},
		{"+CME ERROR: 407", "CME", 407, "file already exists", false},
		{"+CME ERROR: 10", "CME", 10, "SIM not inserted", false},
		{"+CME ERROR:3", "CME", 3, "operation not allowed", false},
		{"+cme error: 3", "CME", 3, "operation not allowed", false},
		{"+CME ERROR: SIM not inserted", "CME", -1, "SIM not inserted", false},
		{"+CME ERROR: Not fixed now", "CME", -1, "Not fixed now", false},
		{"+CME ERROR: 404", "CME", 404, "Quectel file system error 404 (not in the tables)", false},
		{"+CME ERROR: 8", "CME", 8, "unknown error 8", false},
		{"+CME ERROR: ", "CME", -1, "", false},
		{"+CMS ERROR: 304", "CMS", 304, "invalid PDU mode parameter", false},
		{"+CMS ERROR: 42", "CMS", 42, "network cause (3GPP TS 24.011 RP cause) 42 (not in the tables)", false},
		{"NO CARRIER", "NO CARRIER", -1, finalWords()["NO CARRIER"].meaning, false},
		{"BUSY", "BUSY", -1, finalWords()["BUSY"].meaning, false},
		{"NO ANSWER", "NO ANSWER", -1, finalWords()["NO ANSWER"].meaning, false},
		{"NO DIALTONE", "NO DIALTONE", -1, finalWords()["NO DIALTONE"].meaning, false},
		{"CONNECT", "CONNECT", -1, finalWords()["CONNECT"].meaning, true},
		{"CONNECT 115200", "CONNECT", -1, "entering data mode at 115200 bit/s", true},
		{"SEND OK", "SEND OK", -1, "", true},
		{"SEND FAIL", "SEND FAIL", -1, finalWords()["SEND FAIL"].meaning, false},
	}
	for _, tt := range tests {
		f, ok := ParseFinal(tt.line)
		if !ok {
			t.Errorf("ParseFinal(%q) not recognised", tt.line)
			continue
		}
		if f.Kind != tt.kind || f.Code != tt.code || f.Meaning != tt.meaning || f.Success != tt.success {
			t.Errorf("ParseFinal(%q) = %+v; want kind %q code %d meaning %q success %v",
				tt.line, f, tt.kind, tt.code, tt.meaning, tt.success)
		}
	}
}

func TestParseFinalKeepsText(t *testing.T) {
	f, _ := ParseFinal("\r\n+CME ERROR: 407\r\n")
	if f.Text != "+CME ERROR: 407" {
		t.Errorf("Text = %q, want the line without its CR/LF", f.Text)
	}
}

func TestParseFinalRejectsOtherLines(t *testing.T) {
	for _, line := range []string{
		"", "O", "ok", "OK +QMTDISC: 0,0", "RROR", "ERROR!", "CONNECTED", "CONNECT abc", "+CME ERRO: 3",
		"+CPIN: READY", "RDY", "> ", "AT", "0", "SEND OKAT+QIRD=0,0", "NO CARRIER 2",
	} {
		if f, ok := ParseFinal(line); ok {
			t.Errorf("ParseFinal(%q) = %+v, want not a final", line, f)
		}
	}
}

func TestParseNumericFinal(t *testing.T) {
	for digit, kind := range map[string]string{"0": "OK", "1": "CONNECT", "3": "NO CARRIER", "4": "ERROR", "6": "NO DIALTONE", "7": "BUSY", "8": "NO ANSWER"} {
		f, ok := ParseNumericFinal(digit + "\r")
		if !ok || f.Kind != kind {
			t.Errorf("ParseNumericFinal(%q) = %+v, %v; want %s", digit, f, ok, kind)
		}
	}
	for _, line := range []string{"2", "5", "9", "OK", ""} {
		if _, ok := ParseNumericFinal(line); ok {
			t.Errorf("ParseNumericFinal(%q) recognised, want not", line)
		}
	}
}
