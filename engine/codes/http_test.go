package codes

import (
	"strings"
	"testing"
)

// The outcome URCs of the HTTP(S) commands say how the request ended and
// what to check, whatever the line's split into fields.
func TestExplainHTTP(t *testing.T) {
	tests := []struct {
		line, command   string
		meaning, hint   string // substrings; "" for none expected
		wantEmptyResult bool
	}{
		{"+QHTTPGET: 0,200,12", "", "request done: status 200 OK, 12 bytes of body", "", false},
		{"+QHTTPGET: 0,200", "", "status 200 OK", "", false},
		{"+QHTTPPOST: 0,404,9", "", "status 404 Not Found", "path", false},
		{"+QHTTPPOST: 0,503", "", "503 Service Unavailable", "retry later", false},
		{"+QHTTPGET: 0,418,0", "", "418 client error", "check the URL", false},
		{"+QHTTPGET: 0,302", "", "302 Found", "redirects", false},
		{"+QHTTPGET: 716", "", "request failed: HTTP(S) socket connect error (716)", "sslctxid", false},
		{"+QHTTPGET: 702", "", "HTTP(S) timeout", "rsptime", false},
		{"+QHTTPPOST: 712", "", "HTTP(S) empty URL", "AT+QHTTPURL", false},
		{"+QHTTPGET: 714", "", "DNS error", "AT+QIDNSCFG", false},
		{"+QHTTPGET: 799", "", "unknown HTTP(S) error 799", "", false},
		{"+QHTTPREAD: 0", "", "response read in full", "", false},
		{"+QHTTPREAD: 717", "", "read failed: HTTP(S) socket read error (717)", "coverage", false},
		{"+QHTTPGET: (1-65535)", "AT+QHTTPGET=?", "", "", true},
		{"+CME ERROR: 703", "AT+QHTTPGET=60", "HTTP(S) busy", "AT+QHTTPSTOP", false},
		{"+CME ERROR: 705", "AT+QHTTPREAD=80", "no GET/POST requests", "AT+QHTTPREAD comes after", false},
	}
	for _, tt := range tests {
		t.Run(tt.line, func(t *testing.T) {
			n := Decode(tt.line, tt.command)
			if tt.wantEmptyResult {
				if n.Meaning != "" {
					t.Fatalf("Decode(%q) = %q, want nothing", tt.line, n.Meaning)
				}
				return
			}
			if !strings.Contains(n.Meaning, tt.meaning) {
				t.Errorf("meaning %q, want %q in it", n.Meaning, tt.meaning)
			}
			if tt.hint != "" && !strings.Contains(n.Hint, tt.hint) {
				t.Errorf("hint %q, want %q in it", n.Hint, tt.hint)
			}
		})
	}
}

// Every code from 701 to 730 is worded, and reads back from the verbose
// text the modem writes with AT+CMEE=2, in the HTTP group after an
// AT+QHTTP command even where another group shares the text.
func TestHTTPErrorsAsCME(t *testing.T) {
	for n := 701; n <= 730; n++ {
		c, ok := CMECode(n)
		if !ok || c.Group != GroupHTTP || HTTPError(n) != c.Meaning {
			t.Errorf("+CME ERROR: %d: %+v, %v", n, c, ok)
			continue
		}
		f, ok := ParseFinal("+CME ERROR: " + c.Meaning)
		if !ok {
			t.Fatalf("verbose %q does not parse", c.Meaning)
		}
		got, ok := ResolveError(f, "AT+QHTTPGET=60")
		if !ok || got.N != n {
			t.Errorf("verbose %q after AT+QHTTPGET resolves to %d (%v), want %d", c.Meaning, got.N, ok, n)
		}
	}
	f, _ := ParseFinal("+CME ERROR: invalid parameter")
	if c, ok := ResolveError(f, "AT+QFUPL=\"a\",1"); ok && c.Group == GroupHTTP {
		t.Errorf("invalid parameter after AT+QFUPL resolved to the HTTP code %d", c.N)
	}
	for i := 1; i < len(cmeTable); i++ {
		if cmeTable[i-1].N >= cmeTable[i].N {
			t.Fatalf("the CME table is out of order at %d after %d", cmeTable[i].N, cmeTable[i-1].N)
		}
	}
}

func TestHTTPStatus(t *testing.T) {
	for n, want := range map[int]string{200: "200 OK", 404: "404 Not Found", 299: "299 success", 599: "599 server error", 42: "42 (not an HTTP status)"} {
		if got := HTTPStatus(n); got != want {
			t.Errorf("HTTPStatus(%d) = %q, want %q", n, got, want)
		}
	}
}
