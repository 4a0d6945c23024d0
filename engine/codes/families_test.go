package codes

import (
	"strings"
	"testing"
)

// TestFamilyDecode: SIMCom and u-blox result lines decode to what a user
// must know, and the read answers of the same names are not URCs.
func TestFamilyDecode(t *testing.T) {
	tests := []struct {
		line, command, meaning, hint string
	}{
		{"+CMQTTCONNECT: 0,0", "", "client 0: connect: operation succeeded", ""},
		{"+CMQTTCONNECT: 0,30", "", "client 0: connect: connection refused: bad user name or password", "user name and password"},
		{"+CMQTTCONNECT: 1,32", "", "client 1: connect: TLS handshake failed", "AT+CCERTDOWN"},
		{"+CMQTTSTART: 23", "AT+CMQTTSTART", "MQTT start: network is opened", "started already"},
		{"+CMQTTPUB: 0,16", "", "client 0: publish: socket sending failed", ""},
		{"+CMQTTCONNLOST: 0,1", "", "client 0: connection lost: socket closed passively", "AT+CMQTTCONNECT"},
		{"+CMQTTRXSTART: 0,9,12", "", "client 0: a message arrives: topic 9 bytes, payload 12 bytes", ""},
		{"+CMQTTSUB: 0,99", "", "client 0: subscribe: unknown MQTT result 99", ""},
		{"+UUMQTTC: 1,1", "", "MQTT login: succeeded", ""},
		{"+UUMQTTC: 1,0", "", "MQTT login: failed", "AT+UMQTTER"},
		{"+UUMQTTC: 0,101", "", "MQTT link: connection lost", "log in again"},
		{"+UUMQTTC: 6,2", "", "MQTT: 2 unread message(s)", ""},
		{"+UUMQTTC: 4,1,0,\"dev1/down\"", "", "MQTT subscribe: done, granted QoS 0 on dev1/down", ""},
		{"+UMQTTC: 1,0", "AT+UMQTTC=1", "MQTT login: refused", "AT+UMQTTER"},
		{"+UMQTTER: 1,4", "AT+UMQTTER", "the broker refused the CONNECT: connection refused: bad user name or password", ""},
		{"+UMQTTER: 2,3", "AT+UMQTTER", "the network side failed: TLS handshake failed", ""},
		{`+USECMNG: 0,0,"ca.pem","0f343b0931126a20f133d67c2b018a3b"`, "", "CA certificate ca.pem stored, MD5 0f343b0931126a20f133d67c2b018a3b", ""},
		{"SMS DONE", "", "SMS initialisation finished", ""},
	}
	for _, tc := range tests {
		n := Decode(tc.line, tc.command)
		if !strings.HasPrefix(n.Meaning, tc.meaning) {
			t.Errorf("%s: meaning %q, want %q", tc.line, n.Meaning, tc.meaning)
		}
		if !strings.Contains(n.Hint, tc.hint) {
			t.Errorf("%s: hint %q, want it to hold %q", tc.line, n.Hint, tc.hint)
		}
	}
	for line, urc := range map[string]bool{
		"+CMQTTCONNECT: 0,0":                         true,
		`+CMQTTCONNECT: 0,"tcp://h:8883",60,1`:       false,
		"+CMQTTSTART: 0":                             true,
		`+CMQTTACCQ: 0,"dev1",1`:                     false,
		"+CMQTTRXEND: 0":                             true,
		"+UUMQTTC: 6,1":                              true,
		`+UMQTTC: 6,0,21,9,"dev1/down",12,"{}"`:      false,
		"+CMQTTSUB: (0-1),(1-1024),(0-2)":            false,
		"PB DONE":                                    true,
		"+UMQTT: 0,1":                                false,
		"+CMQTTRXPAYLOAD: 0,12":                      true,
		"+CMQTTRXTOPIC: 0,9":                         true,
		"+UUMQTTCM: 6,1":                             true,
		"+CMQTTCONNLOST: 0,2":                        true,
		"+CMQTTPUB: 0,0":                             true,
		"+CMQTTDISC: 0,0":                            true,
		"+CMQTTSTOP: 0":                              true,
		"+CMQTTSTART: 23":                            true,
		"+CMQTTREL: 0,21":                            true,
		"+CMQTTUNSUB: 0,0":                           true,
		`+CMQTTCONNECT: 0`:                           true,
		`+UUMQTTC: 4,1,0,"dev1/down"`:                true,
		`+USECMNG: 0,0,"ca.pem","0f343b0931126a20f"`: false,
	} {
		if IsURC(line) != urc {
			t.Errorf("IsURC(%s) = %v, want %v", line, !urc, urc)
		}
	}
}

// TestFamilyPayloads: the lines whose data follows them, and the read
// answer whose message sits inside it, are recognised at every length of
// their head, and nothing else is.
func TestFamilyPayloads(t *testing.T) {
	for line, want := range map[string]int{
		"+CMQTTRXTOPIC: 0,9":      9,
		"+CMQTTRXPAYLOAD: 1,1500": 1500,
		"+CMQTTRXEND: 0":          -1,
		"+CMQTTRXSTART: 0,9,12":   -1,
		"+CMQTTRXPAYLOAD: 0,0":    -1,
		"+CMQTTRXTOPIC: x,9":      -1,
	} {
		n, ok := PayloadAfter(line)
		if want < 0 && ok || want >= 0 && (!ok || n != want) {
			t.Errorf("PayloadAfter(%s) = %d, %v; want %d", line, n, ok, want)
		}
	}
	head := `+UMQTTC: 6,1,24,9,"dev1/down",15,"a "quoted", msg"`
	wantStart := strings.Index(head, `15,"`) + 4
	for i := 0; i <= len(head); i++ {
		start, n, ok := InlinePayload(head[:i])
		switch {
		case i < wantStart && ok:
			t.Errorf("head %q: payload found before its quote", head[:i])
		case i >= wantStart && (!ok || start != wantStart || n != 15):
			t.Errorf("head %q: %d, %d, %v; want %d, 15", head[:i], start, n, ok, wantStart)
		}
	}
	if _, _, ok := InlinePayload(`+UMQTTC: 4,1`); ok {
		t.Error("+UMQTTC: 4,1 taken for a message")
	}
}

func FuzzFamilyPayloads(f *testing.F) {
	for _, s := range []string{"+CMQTTRXTOPIC: 0,9", "+CMQTTRXPAYLOAD: 1,1500", `+UMQTTC: 6,1,24,9,"dev1/down",15,"x`, "+UUMQTTC: 6,1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		if n, ok := PayloadAfter(line); ok && (n <= 0 || n > MaxPayload) {
			t.Fatalf("PayloadAfter(%q) = %d", line, n)
		}
		if start, n, ok := InlinePayload(line); ok && (start < 0 || start > len(line) || n < 0 || n > MaxPayload) {
			t.Fatalf("InlinePayload(%q) = %d, %d", line, start, n)
		}
		_ = Decode(line, "")
		_ = IsURC(line)
	})
}
