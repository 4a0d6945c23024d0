package engine

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

// Under AT+CMEE=2 the modem sends the error's text, not its number; the
// error still carries the number (so a script's err.code == 405 matches)
// and the table's hint. The command picks among numbers sharing a text.
func TestVerboseErrorsResolve(t *testing.T) {
	tests := []struct {
		cmd, result string
		kind        string
		code        int
		hint        string // a text the hint must hold, "" for none
	}{
		{`AT+QFDEL="x.txt"`, "+CME ERROR: file not found", "CME", 405, "AT+QFLST"},
		{`AT+QFUPL="x.txt",5`, "+CME ERROR: file already existed", "CME", 407, "AT+QFDEL"},
		{"AT+CPIN?", "+CME ERROR: SIM not inserted", "CME", 10, "SIM is seated"},
		{"AT+CPIN?", "+CME ERROR: sim NOT  inserted.", "CME", 10, "SIM is seated"},
		{`AT+QFUPL="x.txt",5`, "+CME ERROR: invalid parameter", "CME", 425, ""},
		{"AT+QGPS=1", "+CME ERROR: Invalid parameter", "CME", 501, ""},
		{"AT+QGPSLOC=2", "+CME ERROR: Not fixed now", "CME", 516, "no position fix"},
		{"AT+COPS=0", "+CME ERROR: Operation not supported", "CME", 4, "does not support"},
		{`AT+CMGS="+100"`, "+CMS ERROR: SMSC address unknown", "CMS", 330, "AT+CSCA"},
		{"AT+X", "+CME ERROR: something new", "CME", -1, ""},
		{"AT+X", "+CME ERROR: 405", "CME", 405, "AT+QFLST"},
	}
	for _, tt := range tests {
		t.Run(tt.result, func(t *testing.T) {
			c, _ := startFake(t, 1, step{tt.cmd + "\r", "\r\n" + tt.result + "\r\n"})
			_, err := c.Send(ctxT(t), tt.cmd)
			var me *ModemError
			if !errors.As(err, &me) {
				t.Fatalf("err = %v", err)
			}
			if me.Kind != tt.kind || me.Code != tt.code {
				t.Errorf("kind %s code %d, want %s %d", me.Kind, me.Code, tt.kind, tt.code)
			}
			if (tt.hint == "") != (me.Hint == "") || !strings.Contains(me.Hint, tt.hint) {
				t.Errorf("hint %q, want one holding %q", me.Hint, tt.hint)
			}
			if tt.code >= 0 && !strings.Contains(me.Error(), fmt.Sprint(tt.code)) {
				t.Errorf("message %q does not give the code", me.Error())
			}
			if d := Describe(fmt.Errorf("step: %w", err)); d.Kind != "modem" || d.Hint != me.Hint || d.Meaning != me.Meaning {
				t.Errorf("Describe = %+v", d)
			}
		})
	}
}

// A wait for a URC that did not come says so: no double colon, and no
// advice about a dead modem, which answered everything else.
func TestURCTimeoutMessage(t *testing.T) {
	c, _ := startFake(t, 0)
	_, err := c.WaitURC(ctxT(t), Prefix("+QMTRECV:"), 20*time.Millisecond)
	want := "URC +QMTRECV: did not come within 20ms"
	if err == nil || err.Error() != want {
		t.Fatalf("err = %v, want %q", err, want)
	}
	_, err = c.Expect(ctxT(t), Prefix("CONNECT"), 20*time.Millisecond)
	if err == nil || err.Error() != "CONNECT did not come within 20ms" {
		t.Fatalf("expect: %v", err)
	}
	te := &TimeoutError{Awaited: "URC +QMTRECV:", After: time.Second, Received: []byte("\r\nRDY\r\n"), Unsolicited: true}
	if got := te.Error(); got != "URC +QMTRECV: did not come within 1s; meanwhile the modem sent <CR><LF>RDY<CR><LF>" {
		t.Errorf("with bytes: %q", got)
	}
	// A command's silence is still the link's problem.
	te = &TimeoutError{Awaited: "AT", After: time.Second}
	if got := te.Error(); !strings.Contains(got, "AT: no answer within 1s") || !strings.Contains(got, "powered") {
		t.Errorf("command: %q", got)
	}
}

func TestPortErrorHints(t *testing.T) {
	eof := errors.New("EOF")
	tests := []struct {
		err          *PortError
		want, banned string
	}{
		{&PortError{Port: "tcp://h:2000", Op: "read", Err: eof}, "serial server closed the connection", "USB"},
		{&PortError{Port: "rfc2217://h:2000", Op: "read", Err: eof}, "serial server closed the connection", "USB"},
		{&PortError{Port: "TCP://h:2000", Op: "write", Err: eof}, "serial server", "USB"},
		{&PortError{Port: "/dev/ttyUSB2", Op: "read", Err: eof}, "re-enumerates on USB", ""},
		{&PortError{Port: "tcp://h:1", Op: "open", Err: errors.New("connection refused")}, "ser2net", "USB"},
		{&PortError{Port: "rfc2217://h:1", Op: "open", Err: errors.New("connection refused")}, "rfc2217", "USB"},
		{&PortError{Port: "/dev/ttyUSB9", Op: "open", Err: errors.New("no such file or directory")}, "no such device", "atrun"},
		{&PortError{Port: "/dev/ttyUSB2", Op: "open", Err: errors.New("permission denied")}, "dialout", "atrun"},
		{&PortError{Port: "/dev/ttyUSB2", Op: "open", Err: errors.New("port busy")}, "another program", "atrun"},
	}
	for _, tt := range tests {
		h := tt.err.Hint()
		if !strings.Contains(h, tt.want) || (tt.banned != "" && strings.Contains(h, tt.banned)) {
			t.Errorf("%s %s: hint %q, want %q without %q", tt.err.Port, tt.err.Op, h, tt.want, tt.banned)
		}
		if d := Describe(tt.err); d.Kind != "port" || d.Hint != h {
			t.Errorf("Describe = %+v", d)
		}
	}
}

func TestDescribe(t *testing.T) {
	tests := []struct {
		err  error
		kind string
	}{
		{&TimeoutError{Awaited: "AT"}, "timeout"},
		{&AbortError{Line: "+QMTSTAT: 0,1", Meaning: "closed"}, "abort"},
		{&CommandError{Command: "AT", Reason: "x"}, "command"},
		{&UploadError{}, "upload"},
		{&CancelledError{Awaited: "AT", Err: context.Canceled}, "cancelled"},
		{&ResyncError{After: time.Second, Report: &ResyncReport{Silent: 3, Attempts: 3}}, "resync"},
		{context.DeadlineExceeded, "cancelled"},
		{errors.New("x"), "error"},
	}
	for _, tt := range tests {
		if d := Describe(tt.err); d.Kind != tt.kind || d.Message != tt.err.Error() {
			t.Errorf("Describe(%v) = %+v, want kind %s", tt.err, d, tt.kind)
		}
	}
	if d := Describe(&AbortError{Line: "+QMTSTAT: 0,1", Meaning: "closed"}); d.Meaning != "closed" {
		t.Errorf("abort meaning %q", d.Meaning)
	}
	// A modem that never answered the clean start cleanly: the kind names
	// it, and the advice is the hint, not part of the message.
	re := &ResyncError{After: 10 * time.Second, Report: &ResyncReport{Silent: 10, Attempts: 10}}
	if d := Describe(fmt.Errorf("clean start: %w", re)); d.Kind != "resync" || !strings.Contains(d.Hint, "+++") || strings.Contains(d.Message, "+++") {
		t.Errorf("resync: %+v", d)
	}
	if d := Describe(nil); d != (Description{}) {
		t.Errorf("nil: %+v", d)
	}
}
