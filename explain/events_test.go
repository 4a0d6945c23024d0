package explain

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

// checkEvents asserts what holds for every conversation: offsets never go
// backwards, no event is empty, and directions are known.
func checkEvents(t *testing.T, events []Event) {
	t.Helper()
	for i, ev := range events {
		if len(ev.Data) == 0 {
			t.Errorf("event %d (line %d) carries no bytes", i, ev.Line)
		}
		if ev.Dir != Host && ev.Dir != Modem {
			t.Errorf("event %d: direction %q", i, ev.Dir)
		}
		if i > 0 && ev.Offset < events[i-1].Offset {
			t.Errorf("event %d: offset %v goes back from %v", i, ev.Offset, events[i-1].Offset)
		}
	}
}

// joined concatenates the bytes of one side.
func joined(events []Event, dir Dir) []byte {
	var b bytes.Buffer
	for _, ev := range events {
		if ev.Dir == dir {
			b.Write(ev.Data)
		}
	}
	return b.Bytes()
}

// eventText renders events for comparison: direction and bytes.
func eventText(events []Event) []string {
	var out []string
	for _, ev := range events {
		out = append(out, string(ev.Dir)+" "+string(ev.Data))
	}
	return out
}

func TestEventsRestoreFraming(t *testing.T) {
	tests := []struct {
		name  string
		input string
		want  []string
	}{
		{
			name:  "echo in a terminal log is a write and the modem's echo",
			input: "AT+CSQ\n+CSQ: 19,99\n\nOK\n",
			want:  []string{"host AT+CSQ\r", "modem AT+CSQ\r", "modem \r\n+CSQ: 19,99\r\n", "modem \r\nOK\r\n"},
		},
		{
			name:  "publish payload ends with Ctrl+Z",
			input: "AT+QMTPUB=0,1,1,0,\"t\"\n> hello\nOK\n+QMTPUB: 0,1,0\n",
			want: []string{
				"host AT+QMTPUB=0,1,1,0,\"t\"\r", "modem AT+QMTPUB=0,1,1,0,\"t\"\r", "modem \r\n> ",
				"host hello\x1a", "modem hello", "modem \r\nOK\r\n", "modem \r\n+QMTPUB: 0,1,0\r\n",
			},
		},
		{
			name:  "fixed-length publish has no Ctrl+Z",
			input: "AT+QMTPUBEX=0,1,1,0,\"t\",5\n> hello\nOK\n",
			want: []string{
				"host AT+QMTPUBEX=0,1,1,0,\"t\",5\r", "modem AT+QMTPUBEX=0,1,1,0,\"t\",5\r", "modem \r\n> ",
				"host hello", "modem hello", "modem \r\nOK\r\n",
			},
		},
		{
			name:  "payload lines are one write",
			input: "AT+QFUPL=\"a\",20,5\nCONNECT\n-----BEGIN-----\nabc\n+QFUPL: 20,1\nOK\n",
			want: []string{
				"host AT+QFUPL=\"a\",20,5\r", "modem AT+QFUPL=\"a\",20,5\r", "modem \r\nCONNECT\r\n",
				"host -----BEGIN-----\nabc", "modem \r\n+QFUPL: 20,1\r\n", "modem \r\nOK\r\n",
			},
		},
		{
			name:  "noise is left out",
			input: "[INFO] starting\nRDY\n",
			want:  []string{"modem \r\nRDY\r\n"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			events, err := Conversation(strings.NewReader(tt.input), Options{})
			if err != nil {
				t.Fatal(err)
			}
			equalLists(t, eventText(events), tt.want)
			checkEvents(t, events)
		})
	}
}

func TestEventsSynthesiseAsyncDelays(t *testing.T) {
	events := Events(mustParse(t, "AT+QMTOPEN=0,\"h\",8883\nOK\n+QMTOPEN: 0,0\n", FormatPlain))
	if len(events) != 4 {
		t.Fatalf("events %q, want write, echo, OK, URC", eventText(events))
	}
	if gap := events[3].Offset - events[2].Offset; gap != asyncDelays["+QMTOPEN"] {
		t.Errorf("+QMTOPEN comes %v after OK, want the typical %v", gap, asyncDelays["+QMTOPEN"])
	}
	if gap := events[2].Offset - events[1].Offset; gap != lineGap {
		t.Errorf("OK comes %v after the echo, want %v", gap, lineGap)
	}
}

func TestEventsUseLogTimes(t *testing.T) {
	text := loadLog(t, "05")
	events := Events(mustParse(t, text, FormatAuto))
	want := []time.Duration{0, 85 * time.Millisecond, 417 * time.Millisecond}
	if len(events) != len(want) {
		t.Fatalf("events %q, want 3", eventText(events))
	}
	for i, ev := range events {
		if ev.Offset != want[i] {
			t.Errorf("event %d at %v, want %v", i, ev.Offset, want[i])
		}
	}
}

func TestEventsNeverGoBack(t *testing.T) {
	// A log whose first lines have no time and whose times then start at
	// zero: the untimed lines already advanced the clock.
	text := "AT\nOK\n17:00:00.000 -> AT\n17:00:00.000 -> OK\n"
	checkEvents(t, Events(mustParse(t, text, FormatArduino)))
}

func TestEndsWithCtrlZ(t *testing.T) {
	for cmd, want := range map[string]bool{
		`AT+CMGS="123"`:             true,
		`AT+QMTPUB=0,1,1,0,"t"`:     true,
		`AT+QMTPUB=0,1,1,0,"t",5`:   false,
		`AT+QMTPUB=0,1,1,0,"a,b"`:   true,
		`AT+QMTPUBEX=0,1,1,0,"t",5`: false,
		"AT+QISEND=0":               true,
		"AT+QISEND=0,11":            false,
		`AT+QFUPL="a",1,1`:          false,
		"":                          false,
	} {
		if got := endsWithCtrlZ(cmd); got != want {
			t.Errorf("endsWithCtrlZ(%q) = %v, want %v", cmd, got, want)
		}
	}
}
