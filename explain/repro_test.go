package explain

import (
	"strings"
	"testing"
)

// line is the expected class of one entry: its line, kind, text and the
// command it belongs to.
type line struct {
	n       int
	kind    Kind
	text    string
	command string
}

// checkLines compares entries with the expected ones, in order.
func checkLines(t *testing.T, entries []Entry, want []line) {
	t.Helper()
	var got []line
	for _, e := range entries {
		got = append(got, line{e.Line, e.Kind, e.Text, e.Command})
	}
	if len(got) != len(want) {
		t.Errorf("%d entries, want %d:\n got %v\nwant %v", len(got), len(want), got, want)
		return
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("entry %d: got %+v, want %+v", i, got[i], want[i])
		}
	}
}

// hostBytes and modemBytes join the conversation's two sides.
func hostBytes(events []Event) string  { return string(joined(events, Host)) }
func modemBytes(events []Event) string { return string(joined(events, Modem)) }

// A line starting with ">" before any command that asks for a prompt is
// an application print, not a data prompt.
func TestReproDebugChevronIsNoPrompt(t *testing.T) {
	log := ">>>[INFO][CELL]: New CellularContext\nAT\nOK\nAT+CSQ\n+CSQ: 19,99\nOK\n"
	entries := mustParse(t, log, FormatAuto)
	checkLines(t, entries, []line{
		{1, KindNoise, ">>>[INFO][CELL]: New CellularContext", ""},
		{2, KindEcho, "AT", "AT"},
		{3, KindFinal, "OK", "AT"},
		{4, KindEcho, "AT+CSQ", "AT+CSQ"},
		{5, KindResponse, "+CSQ: 19,99", "AT+CSQ"},
		{6, KindFinal, "OK", "AT+CSQ"},
	})
	ev := Events(entries)
	if got, want := hostBytes(ev), "AT\rAT+CSQ\r"; got != want {
		t.Errorf("host wrote %q, want %q", got, want)
	}
	if strings.Contains(modemBytes(ev), ">") {
		t.Errorf("the modem sent a prompt: %q", modemBytes(ev))
	}
}

// An echo a terminal printed in two reads joins into one echo of the
// command; a command's trailing spaces are kept.
func TestReproSplitEcho(t *testing.T) {
	log := `[14:17:35.895] AT+QMTOPEN=0,"broker.example.com",1883
[14:17:35.904] AT+QMTOPEN=0,"broker.exa
[14:17:35.908] mple.com",1883
[14:17:35.908] OK
[14:17:36.124]
[14:17:36.124] +QMTOPEN: 0,0
[14:17:40.000] AT+CREG?  
[14:17:40.007] AT+CREG?  
[14:17:40.007] +CREG: 0,1
[14:17:40.007]
[14:17:40.007] OK
`
	open := `AT+QMTOPEN=0,"broker.example.com",1883`
	entries := mustParse(t, log, FormatAuto)
	checkLines(t, entries, []line{
		{1, KindCommand, open, open},
		{2, KindEcho, `AT+QMTOPEN=0,"broker.exa`, open},
		{3, KindEcho, `mple.com",1883`, open},
		{4, KindFinal, "OK", open},
		{5, KindNoise, "", ""},
		{6, KindURC, "+QMTOPEN: 0,0", open},
		{7, KindCommand, "AT+CREG?  ", "AT+CREG?  "},
		{8, KindEcho, "AT+CREG?  ", "AT+CREG?  "},
		{9, KindResponse, "+CREG: 0,1", "AT+CREG?  "},
		{10, KindNoise, "", ""},
		{11, KindFinal, "OK", "AT+CREG?  "},
	})
	ev := Events(entries)
	if got, want := hostBytes(ev), open+"\rAT+CREG?  \r"; got != want {
		t.Errorf("host wrote %q, want %q", got, want)
	}
	wantModem := open + "\r\r\nOK\r\n\r\n+QMTOPEN: 0,0\r\nAT+CREG?  \r\r\n+CREG: 0,1\r\n\r\nOK\r\n"
	if got := modemBytes(ev); got != wantModem {
		t.Errorf("modem sent %q, want %q", got, wantModem)
	}
}

// Commands wrapped in Markdown, as people write them in issues, are
// commands.
func TestReproMarkdownCommands(t *testing.T) {
	log := "`AT+QIOPEN=1,0,\"TCP\",\"1.2.3.4\",80,0,0`\nOK\n**AT+QICLOSE=0**\nOK\n"
	entries := mustParse(t, log, FormatAuto)
	qiopen := `AT+QIOPEN=1,0,"TCP","1.2.3.4",80,0,0`
	checkLines(t, entries, []line{
		{1, KindEcho, qiopen, qiopen},
		{2, KindFinal, "OK", qiopen},
		{3, KindEcho, "AT+QICLOSE=0", "AT+QICLOSE=0"},
		{4, KindFinal, "OK", "AT+QICLOSE=0"},
	})
	if got, want := hostBytes(Events(entries)), qiopen+"\rAT+QICLOSE=0\r"; got != want {
		t.Errorf("host wrote %q, want %q", got, want)
	}
}

// Payload after a prompt is the modem's echo of what it took: without
// the space after the time stamp, and for a length-limited publish only
// the length's bytes.
func TestReproPayloadAfterPrompt(t *testing.T) {
	log := `[10:00:00.000] AT+QMTPUBEX=0,0,0,0,"t/1",5
[10:00:00.010] > 
[10:00:00.020] hello world
[10:00:00.030] OK
[10:00:00.030] 
[10:00:00.400] +QMTPUBEX: 0,0,0
[10:00:01.000] AT+QMTPUB=0,0,0,0,"t/2"
[10:00:01.010] > 
[10:00:01.020] hi there
[10:00:01.030] OK
`
	pubex, pub := `AT+QMTPUBEX=0,0,0,0,"t/1",5`, `AT+QMTPUB=0,0,0,0,"t/2"`
	entries := mustParse(t, log, FormatAuto)
	checkLines(t, entries, []line{
		{1, KindEcho, pubex, pubex},
		{2, KindPrompt, ">", pubex},
		{3, KindData, "hello world", pubex},
		{4, KindFinal, "OK", pubex},
		{5, KindNoise, "", ""},
		{6, KindURC, "+QMTPUBEX: 0,0,0", pubex},
		{7, KindEcho, pub, pub},
		{8, KindPrompt, ">", pub},
		{9, KindData, "hi there", pub},
		{10, KindFinal, "OK", pub},
	})
	for _, e := range entries {
		if e.Kind == KindData && e.Dir != Modem {
			t.Errorf("line %d: payload from %q, want the modem's echo", e.Line, e.Dir)
		}
	}
	ev := Events(entries)
	if got, want := hostBytes(ev), pubex+"\rhello"+pub+"\rhi there\x1a"; got != want {
		t.Errorf("host wrote %q, want %q", got, want)
	}
	if m := modemBytes(ev); !strings.Contains(m, "\r\n> hello\r\n") || !strings.Contains(m, "\r\n> hi there\r\n") {
		t.Errorf("the modem's echo of the payload is not the bytes it took: %q", m)
	}
}

// One lone CR in a time-stamped text log ends a line; it does not make
// the log a raw capture. A log with CR-only line ends counts its lines.
func TestReproLoneCR(t *testing.T) {
	log := "[14:15:41.250] AT+CSQ\n[14:15:41.300] +CSQ: 29,99\r[14:15:41.303] OK\n"
	if f := Detect([]byte(log)); f != FormatPlain {
		t.Errorf("Detect = %q, want plain", f)
	}
	checkLines(t, mustParse(t, log, FormatAuto), []line{
		{1, KindEcho, "AT+CSQ", "AT+CSQ"},
		{2, KindResponse, "+CSQ: 29,99", "AT+CSQ"},
		{2, KindFinal, "OK", "AT+CSQ"},
	})
	crOnly := "AT+CSQ\r+CSQ: 29,99\rOK\r"
	checkLines(t, mustParse(t, crOnly, FormatAuto), []line{
		{1, KindEcho, "AT+CSQ", "AT+CSQ"},
		{2, KindResponse, "+CSQ: 29,99", "AT+CSQ"},
		{3, KindFinal, "OK", "AT+CSQ"},
	})
}
