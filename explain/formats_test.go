package explain

import (
	"strings"
	"testing"
	"time"
)

// kinds lists the kinds of entries, noise left out, for compact checks.
func kinds(entries []Entry) []string {
	var out []string
	for _, e := range entries {
		if e.Kind != KindNoise {
			out = append(out, string(e.Kind)+" "+e.Text)
		}
	}
	return out
}

// equalLists compares two string lists and reports the first difference.
func equalLists(t *testing.T, got, want []string) {
	t.Helper()
	for i := 0; i < max(len(got), len(want)); i++ {
		g, w := "<none>", "<none>"
		if i < len(got) {
			g = got[i]
		}
		if i < len(want) {
			w = want[i]
		}
		if g != w {
			t.Errorf("entry %d: got %q, want %q\ngot:  %q\nwant: %q", i, g, w, got, want)
			return
		}
	}
}

func TestFormats(t *testing.T) {
	tests := []struct {
		name   string
		input  string
		format Format
		want   []string
	}{
		{
			name:   "raw capture with echo, info line, async URC, prompt and upload",
			format: FormatRaw,
			input: "AT\r\r\nOK\r\n" +
				"AT+CPIN?\r\r\n+CPIN: READY\r\n\r\nOK\r\n" +
				"AT+QMTOPEN=0,\"h\",8883\r\r\nOK\r\n\r\n+QMTOPEN: 0,0\r\n" +
				"AT+QMTPUB=0,1,1,0,\"t\"\r\r\n+QMTRECV: 0,1,\"t\",\"x\"\r\n\r\n> \r\nOK\r\n\r\n+QMTPUB: 0,1,0\r\n" +
				"AT+QFUPL=\"RAM:a.pem\",2,5\r\r\nCONNECT\r\n\r\n+QFUPL: 2,4142\r\n\r\nOK\r\n",
			want: []string{
				"echo AT", "final OK",
				"echo AT+CPIN?", "response +CPIN: READY", "final OK",
				"echo AT+QMTOPEN=0,\"h\",8883", "final OK", "urc +QMTOPEN: 0,0",
				"echo AT+QMTPUB=0,1,1,0,\"t\"", "urc +QMTRECV: 0,1,\"t\",\"x\"", "prompt >", "final OK", "urc +QMTPUB: 0,1,0",
				"echo AT+QFUPL=\"RAM:a.pem\",2,5", "final CONNECT", "response +QFUPL: 2,4142", "final OK",
			},
		},
		{
			name:   "raw capture with a result glued to the next echo and no final line end",
			format: FormatRaw,
			input:  "AT+QISEND=0,5\r\r\n> \r\nSEND OKAT+QIRD=0,0\r\r\n+QIRD: 0\r\n\r\nOK\r\n\r\nPOWERED DOWN",
			want: []string{
				"echo AT+QISEND=0,5", "prompt >", "final SEND OK",
				"echo AT+QIRD=0,0", "response +QIRD: 0", "final OK", "urc POWERED DOWN",
			},
		},
		{
			name:   "EWF trace with a payload, Ctrl+Z and a URC record",
			format: FormatEWF,
			input: `[SEND][  22][AT+QMTPUB=0,1,1,0,"t"\r]` + "\n" +
				`[RECV][   4][\r\n> ]` + "\n" +
				`[SEND][   4][abcd]` + "\n" +
				`[SEND][   1][\x1a]` + "\n" +
				`[RECV][   6][\r\nOK\r\n]` + "\n" +
				`[URC^][  18][\r\n+QMTPUB: 0,1,0\r\n]` + "\n",
			want: []string{
				`command AT+QMTPUB=0,1,1,0,"t"`, "prompt >", "data abcd\x1a", "final OK", "urc +QMTPUB: 0,1,0",
			},
		},
		{
			name:   "Arduino monitor doubling each command, across midnight",
			format: FormatArduino,
			input:  "23:59:59.900 -> AT\n23:59:59.900 -> AT\n\n00:00:00.100 -> OK\n",
			want:   []string{"command AT", "echo AT", "final OK"},
		},
		{
			name:   "chevron markers without times",
			format: FormatArrows,
			input:  ">> AT+CSQ\n<< +CSQ: 19,99\n<< OK\n",
			want:   []string{"command AT+CSQ", "response +CSQ: 19,99", "final OK"},
		},
		{
			name:   "plain text saved with CRLF line ends",
			format: FormatPlain,
			input:  "AT+CSQ\r\n+CSQ: 19,99\r\n\r\nOK\r\n",
			want:   []string{"echo AT+CSQ", "response +CSQ: 19,99", "final OK"},
		},
		{
			name:   "serial terminal with times and direction marks",
			format: FormatPlain,
			input:  "[10:00:00.000]发→◇AT+CSQ\n[10:00:00.050]收←◆+CSQ: 19,99\n\nOK\n",
			want:   []string{"command AT+CSQ", "response +CSQ: 19,99", "final OK"},
		},
		{
			name:   "restart banner forgets the pending command",
			format: FormatPlain,
			input:  "AT+CFUN=1,1\nRDY\nQuectel\n",
			want:   []string{"echo AT+CFUN=1,1", "urc RDY"},
		},
		{
			name:   "library print quoting a line the log shows nowhere else",
			format: FormatPlain,
			input:  "[120] ### Unhandled: +QIURC: \"recv\",0\n",
			want:   []string{`urc +QIURC: "recv",0`},
		},
		{
			name:   "read answer of a registration URC name",
			format: FormatPlain,
			input:  "AT+CREG?\n+CREG: 0,5\nOK\n+CREG: 1\n",
			want:   []string{"echo AT+CREG?", "response +CREG: 0,5", "final OK", "urc +CREG: 1"},
		},
		{
			name:   "URC arriving before the final of another command",
			format: FormatPlain,
			input:  "AT+CFUN=1\n+CPIN: READY\nOK\n",
			want:   []string{"echo AT+CFUN=1", "urc +CPIN: READY", "final OK"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Detect([]byte(tt.input)); got != tt.format {
				t.Errorf("Detect = %q, want %q", got, tt.format)
			}
			entries := mustParse(t, tt.input, FormatAuto)
			equalLists(t, kinds(entries), tt.want)
			checkWellFormed(t, entries, strings.Count(tt.input, "\n")+1)
			checkEvents(t, Events(entries))
		})
	}
}

func TestRawCaptureRoundTrips(t *testing.T) {
	raw := "AT\r\r\nOK\r\nAT+CPIN?\r\r\n+CPIN: READY\r\n\r\nOK\r\n" +
		"AT+QMTPUB=0,1,1,0,\"t\"\r\r\n> \r\nOK\r\n\r\n+QMTPUB: 0,1,0\r\n"
	entries := mustParse(t, raw, FormatRaw)
	events := Events(entries)
	if got := string(joined(events, Modem)); got != raw {
		t.Errorf("modem bytes rebuilt as %q, want the capture %q", got, raw)
	}
	wantHost := "AT\rAT+CPIN?\rAT+QMTPUB=0,1,1,0,\"t\"\r"
	if got := string(joined(events, Host)); got != wantHost {
		t.Errorf("host bytes %q, want %q", got, wantHost)
	}
	lines := map[string]int{"AT": 1, "+CPIN: READY": 4, "+QMTPUB: 0,1,0": 11}
	for text, line := range lines {
		if e := find(entries, text); len(e) != 1 || e[0].Line != line {
			t.Errorf("%q: entries %v, want one on line %d", text, e, line)
		}
	}
}

func TestEWFRoundTrips(t *testing.T) {
	text := loadLog(t, "06")
	var sent, received strings.Builder
	for _, l := range splitLines(text) {
		if m := ewfLine().FindStringSubmatch(l); m != nil {
			if m[1] == "SEND" {
				sent.WriteString(unescape(m[3]))
			} else {
				received.WriteString(unescape(m[3]))
			}
		}
	}
	events := Events(mustParse(t, text, FormatEWF))
	if got := string(joined(events, Host)); got != sent.String() {
		t.Errorf("host bytes %q, want what the trace sent %q", got, sent.String())
	}
	if got := string(joined(events, Modem)); got != received.String() {
		t.Errorf("modem bytes %q, want what the trace received %q", got, received.String())
	}
}

func TestArduinoMidnightOffset(t *testing.T) {
	entries := mustParse(t, "23:59:59.900 -> AT\n23:59:59.900 -> AT\n00:00:00.100 -> OK\n", FormatAuto)
	last := entries[len(entries)-1]
	if !last.HasTime || last.Offset != 200*time.Millisecond {
		t.Errorf("OK at %v (timed %v), want 200ms after the first line", last.Offset, last.HasTime)
	}
}

func TestParseRejectsUnknownFormat(t *testing.T) {
	_, err := Parse(strings.NewReader("AT\nOK\n"), Options{Format: "bogus"})
	if err == nil || !strings.Contains(err.Error(), "bogus") {
		t.Errorf("err = %v, want an error naming the format", err)
	}
}

func TestForcedFormatOverridesDetection(t *testing.T) {
	// Forced plain on a library trace: the direction markers stay in the
	// text and nothing is taken for a modem line.
	entries := mustParse(t, "17:13:30.563 -> <- AT\n17:13:30.563 -> -> OK\n", FormatPlain)
	for _, e := range entries {
		if e.Kind != KindNoise {
			t.Errorf("%q classified %s under forced plain, want noise", e.Text, e.Kind)
		}
	}
}

func TestEmptyInput(t *testing.T) {
	for _, f := range append([]Format{FormatAuto}, Formats...) {
		if entries := mustParse(t, "", f); len(entries) != 0 {
			t.Errorf("format %q: %d entries from nothing", f, len(entries))
		}
	}
}
