package session

import (
	"strings"
	"testing"
	"time"

	"github.com/atrun/atrun/engine/secret"
	"github.com/atrun/atrun/engine/tap"
)

// The tracer shows a secret as *** even when the modem's echo splits it
// across reads, releases a prompt at once, and writes held bytes on Flush.
func TestTracer(t *testing.T) {
	tests := []struct {
		name  string
		reads []string // modem reads, after the host wrote the command
		flush bool
		want  []string // trace lines, after the time and tag
	}{
		{"split secret",
			[]string{"AT+QMTCONN=0,\"c\",\"u\",\"pa", "ssw0rd\"\r", "\r\nOK\r\n"}, false,
			[]string{`-> AT+QMTCONN=0,"c","u","***"<CR>`, `<- AT+QMTCONN=0,"c","u","***"<CR>`, `<- <CR><LF>OK<CR><LF>`}},
		{"prompt", []string{"\r\n> "}, false,
			[]string{`-> AT+QMTCONN=0,"c","u","***"<CR>`, `<- <CR><LF>> `}},
		{"lines of one read", []string{"\r\n+CSQ: 1,2\r\n\r\nOK\r\n"}, false,
			[]string{`-> AT+QMTCONN=0,"c","u","***"<CR>`, `<- <CR><LF>+CSQ: 1,2<CR><LF>`, `<- <CR><LF>OK<CR><LF>`}},
		{"unfinished line", []string{"\r\nRD"}, true,
			[]string{`-> AT+QMTCONN=0,"c","u","***"<CR>`, `<- <CR><LF>RD`}},
		{"held until a line ends", []string{"\r\nRD"}, false,
			[]string{`-> AT+QMTCONN=0,"c","u","***"<CR>`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var b strings.Builder
			start := time.Now()
			secrets := &secret.Set{}
			tr := NewTracer(&b, start, secrets, false)
			tr.SetWhere(func() string { return "x.lua:7" })
			sink := tap.Multi(LearnSecrets(secrets), tr)
			sink.Tap(tap.ToModem, start, []byte("AT+QMTCONN=0,\"c\",\"u\",\"passw0rd\"\r"))
			for _, r := range tc.reads {
				sink.Tap(tap.FromModem, start.Add(time.Millisecond), []byte(r))
			}
			if tc.flush {
				tr.Flush()
			}
			lines := strings.Split(strings.TrimRight(b.String(), "\n"), "\n")
			if len(lines) != len(tc.want) {
				t.Fatalf("trace:\n%s\nwant %d lines", b.String(), len(tc.want))
			}
			for i, l := range lines {
				if !strings.Contains(l, " x.lua:7 ") || !strings.HasSuffix(l, tc.want[i]) {
					t.Errorf("line %q, want it tagged and ending in %q", l, tc.want[i])
				}
			}
			if strings.Contains(b.String(), "passw0rd") {
				t.Error("the secret leaked")
			}
		})
	}
}

// A modem line is tagged with the script line that was running when its
// first byte arrived (the wait it came for), not with the one running when
// the held bytes are printed.
func TestTracerTagsArrival(t *testing.T) {
	var b strings.Builder
	start := time.Now()
	tr := NewTracer(&b, start, &secret.Set{}, false)
	where := "x.lua:10"
	tr.SetWhere(func() string { return where })
	tr.Tap(tap.ToModem, start, []byte("AT+QMTPUB=0,0,0,0,\"t\"\r"))
	tr.Tap(tap.FromModem, start, []byte("\r\n+QMTRECV: 0,0,\"d\",2,\"hi"))
	where = "x.lua:12"
	tr.Tap(tap.FromModem, start, []byte("\"\r\n"))
	tr.Tap(tap.FromModem, start, []byte("\r\nO"))
	where = "x.lua:14"
	tr.Tap(tap.ToModem, start, []byte("AT\r"))
	want := []string{"x.lua:10 -> AT+QMTPUB", "x.lua:10 <- <CR><LF>+QMTRECV", "x.lua:12 <- <CR><LF>O", "x.lua:14 -> AT<CR>"}
	lines := strings.Split(strings.TrimRight(b.String(), "\n"), "\n")
	if len(lines) != len(want) {
		t.Fatalf("trace:\n%s", b.String())
	}
	for i, l := range lines {
		if !strings.Contains(strings.Join(strings.Fields(l), " "), want[i]) {
			t.Errorf("line %q, want %q", l, want[i])
		}
	}
}
