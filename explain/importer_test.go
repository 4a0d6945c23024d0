package explain

import (
	"bytes"
	"strings"
	"testing"

	"github.com/atrun/atrun/engine/transcript"
)

// importText imports log and reads the transcript back.
func importText(t *testing.T, log string, format Format) (*transcript.Transcript, string) {
	t.Helper()
	var b bytes.Buffer
	if err := Import(&b, []byte(log), ImportOptions{Format: format, Name: "test.log", Atrun: "test"}); err != nil {
		t.Fatalf("Import: %v", err)
	}
	tr, err := transcript.Parse(b.Bytes(), "imported")
	if err != nil {
		t.Fatalf("the import does not read back: %v\n%s", err, b.String())
	}
	return tr, b.String()
}

// sides joins a transcript's host and modem bytes.
func sides(tr *transcript.Transcript) (host, modem string) {
	var h, m strings.Builder
	for _, e := range tr.Events {
		switch e.Kind {
		case transcript.Host:
			h.Write(e.Data.Bytes)
		case transcript.Modem:
			m.Write(e.Data.Bytes)
		}
	}
	return h.String(), m.String()
}

// A byte trace imports byte for byte: the double CR LF around a URC
// stays, and a byte count that disagrees with the bytes is said.
func TestReproByteTraceIsExact(t *testing.T) {
	log := "[SEND][   9][AT+CPIN?\\r]\n" +
		"[RECV][  22][\\r\\n+CPIN: READY\\r\\n\\r\\nOK\\r\\n]\n" +
		"[URC^][  27][\\r\\n\\r\\n+QIURC: \"pdpdeact\",1\\r\\n\\r\\n]\n" +
		"[SEND][   3][AT\\r]\n" +
		"[RECV][   9][\\r\\nOK\\r\\n]\n"
	tr, text := importText(t, log, FormatAuto)
	host, modem := sides(tr)
	if host != "AT+CPIN?\rAT\r" {
		t.Errorf("host bytes %q", host)
	}
	want := "\r\n+CPIN: READY\r\n\r\nOK\r\n\r\n\r\n+QIURC: \"pdpdeact\",1\r\n\r\n\r\nOK\r\n"
	if modem != want {
		t.Errorf("modem bytes\n%q\nwant the trace's\n%q", modem, want)
	}
	if !strings.Contains(text, "# Note, line 5: the trace says 9 bytes but the line holds 6") {
		t.Errorf("the wrong byte count is not noted:\n%s", text)
	}
}

// An import keeps the log's own times and claims no start it does not
// know; it records the failure the program reports at the end, and says
// so.
func TestReproImportKeepsWhatTheLogShows(t *testing.T) {
	log := "[16:30:44.029] AT+QMTOPEN=0,\"h\",1883\n[16:30:44.100] OK\n" +
		"[16:30:45.029] AT+QMTCONN=0,\"c\"\n[16:30:45.529] +CME ERROR: 3\n" +
		"[16:30:45.530] MQTT connect failed, giving up\n"
	tr, text := importText(t, log, FormatAuto)
	if !tr.Header.Start.IsZero() {
		t.Errorf("start %v: the log gives no date", tr.Header.Start)
	}
	for _, s := range []string{
		"# The log starts at 16:30:44.029 (time of day)",
		"# Times come from the log's timestamps.",
		"# The log ends with the program's own report that it failed",
	} {
		if !strings.Contains(text, s) {
			t.Errorf("no %q in\n%s", s, text)
		}
	}
	if got, _ := tr.Outcome(); got != "MQTT connect failed, giving up" {
		t.Errorf("outcome %q", got)
	}
	last := tr.Events[len(tr.Events)-2]
	if last.At.Milliseconds() != 1500 {
		t.Errorf("the error arrived at %v, want the log's 1.5s", last.At)
	}
	var prev int
	for i, e := range tr.Events {
		if e.Line < prev {
			t.Errorf("event %d out of the log's order", i)
		}
		prev = e.Line
	}
}

// A log that shows no outcome gets no end line, and says so: a modem's
// ERROR to the last command is not the program's outcome.
func TestImportWithoutOutcome(t *testing.T) {
	for _, log := range []string{"AT+CSQ\n+CSQ: 19,99\nOK\n", "AT+QILOCIP\nERROR\n", "AT+CSQ\nOK\nMQTT connected\n"} {
		tr, _ := importText(t, log, FormatAuto)
		if got, ended := tr.Outcome(); ended {
			t.Errorf("%q: an end line %q for a log that shows no outcome", log, got)
		}
	}
	_, text := importText(t, "AT+CSQ\n+CSQ: 19,99\nOK\n", FormatAuto)
	if !strings.Contains(text, "# The log shows no outcome") || !strings.Contains(text, "# The log has no date or time") {
		t.Errorf("the comments do not say what is unknown:\n%s", text)
	}
}

// A log in no known format is an error naming the formats, not an empty
// or nonsense transcript.
func TestImportUnrecognised(t *testing.T) {
	for _, tc := range []struct {
		log    string
		format Format
	}{
		{"just some text\nand more\n", FormatAuto},
		{"AT\nOK\n", FormatEWF},
	} {
		var b bytes.Buffer
		err := Import(&b, []byte(tc.log), ImportOptions{Format: tc.format})
		if err == nil || !strings.Contains(err.Error(), "plain, arduino, ewf, arrows, labels, raw") {
			t.Errorf("%q as %q: err %v, want one naming the formats", tc.log, tc.format, err)
		}
		if b.Len() != 0 {
			t.Errorf("%q: wrote %q", tc.log, b.String())
		}
	}
}
