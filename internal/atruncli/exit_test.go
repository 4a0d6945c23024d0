package atruncli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/urfave/cli/v3"

	"github.com/atrun/atrun/engine"
	"github.com/atrun/atrun/engine/transcript"
	"github.com/atrun/atrun/luabind"
)

func TestClassify(t *testing.T) {
	modemErr := &engine.ModemError{Command: "AT+CPIN?", Result: "+CME ERROR: 10", Kind: "CME", Code: 10,
		Meaning: "SIM not inserted", Hint: "check the SIM"}
	scriptErr := &luabind.ScriptError{Script: "x.lua", Line: 4, Step: "SIM", Message: modemErr.Error(), Err: modemErr}
	tests := []struct {
		name    string
		err     error
		code    int
		message string // a text the message must hold
		meaning string
		hint    string // a text the hint must hold
	}{
		{"success", nil, 0, "", "", ""},
		{"usage", usagef("bad --set"), 2, "bad --set", "", ""},
		{"wrapped usage", fmt.Errorf("setup: %w", usagef("no script")), 2, "no script", "", ""},
		{"syntax", &luabind.SyntaxError{Script: "x.lua", Line: 2, Message: "near '='"}, 2, "x.lua:2: syntax error", "", ""},
		{"port open", &engine.PortError{Port: "/dev/ttyUSB9", Op: "open", Err: errors.New("no such file or device")}, 2,
			"cannot open port /dev/ttyUSB9: no such file", "", "atrun ports"},
		{"port open refused", &engine.PortError{Port: "/dev/ttyUSB2", Op: "open", Err: errors.New("permission denied: Permission denied")}, 2,
			"cannot open port /dev/ttyUSB2: permission denied", "", "dialout"},
		{"tcp open", &engine.PortError{Port: "tcp://h:1", Op: "open", Err: errors.New("connection refused")}, 2,
			"cannot open port tcp://h:1", "", "ser2net"},
		{"port vanished", &engine.PortError{Port: "/dev/ttyUSB2", Op: "read", Err: errors.New("EOF")}, 1,
			"port /dev/ttyUSB2: read", "", "went away"},
		{"tcp lost", &engine.PortError{Port: "tcp://h:2000", Op: "read", Err: errors.New("EOF")}, 1,
			"port tcp://h:2000: read", "", "serial server closed the connection"},
		{"bad port name", &engine.PortError{Port: "tcp://h", Op: "open", Err: errors.New("tcp:// needs a host and a port")}, 2,
			"cannot open port tcp://h: tcp:// needs a host and a port", "", ""},
		{"auto found several", &engine.AutoPortError{Reason: "several Quectel modems (/dev/ttyUSB2, /dev/ttyUSB6)", Several: true}, 2,
			"--port auto: several Quectel modems", "", "pick one with --port"},
		{"verbose modem error", &engine.ModemError{Command: "AT+QFDEL", Result: "+CME ERROR: file not found", Kind: "CME", Code: 405,
			Meaning: "file not found", Hint: "check the name"}, 1, "+CME ERROR: file not found (error 405)", "file not found", "check the name"},
		{"script modem error", scriptErr, 1, `x.lua:4: step "SIM": AT+CPIN?`, "SIM not inserted", "check the SIM"},
		{"script raised", &luabind.ScriptError{Script: "x.lua", Line: 1, Message: "no network"}, 1, "x.lua:1: no network", "", ""},
		{"modem error", modemErr, 1, "AT+CPIN?: modem answered", "SIM not inserted", "check the SIM"},
		{"timeout", &engine.TimeoutError{Awaited: "AT", After: time.Second}, 1, "AT: no answer within 1s", "", ""},
		{"abort", &engine.AbortError{Awaited: "URC", Line: "+QMTSTAT: 0,1", Meaning: "connection closed"}, 1, "+QMTSTAT: 0,1", "connection closed", ""},
		{"clean start failed", &engine.ResyncError{After: 10 * time.Second, Report: &engine.ResyncReport{Attempts: 10, Silent: 10}}, 1,
			"no clean OK to AT within 10s", "", "+++ or a power cycle"},
		{"commands failed", &failedCommandsError{failed: 1, total: 3}, 1, "1 of 3 commands failed", "", ""},
		{"run timeout", &runTimeoutError{after: time.Minute, err: &luabind.ScriptError{Script: "x.lua", Line: 4, Err: context.DeadlineExceeded}}, 1, "within --timeout 1m0s (stopped at x.lua:4)", "", ""},
		{"mismatch", &transcript.MismatchError{Kind: transcript.WrongBytes, File: "t.txt", Line: 9}, 3, "t.txt:9: replay mismatch", "", ""},
		{"wrapped mismatch", &luabind.ScriptError{Script: "x.lua", Err: &transcript.MismatchError{Kind: transcript.ExtraWrite, File: "t.txt"}}, 3, "replay mismatch", "", ""},
		{"interrupted", &interruptedError{signal: os.Interrupt, err: scriptErr}, 130, "interrupted by Ctrl+C (SIGINT) at x.lua:4", "", ""},
		{"terminated", &interruptedError{signal: syscall.SIGTERM, err: context.Canceled}, 130, "interrupted by SIGTERM", "", ""},
		{"urfave exit", cli.Exit("No help topic for 'x'", 3), 2, "No help topic", "", ""},
		{"other", errors.New("disk full"), 1, "disk full", "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := classify(tc.err)
			if f.code != tc.code || exitCode(tc.err) != tc.code {
				t.Errorf("code %d, want %d", f.code, tc.code)
			}
			if !strings.Contains(f.message, tc.message) || f.meaning != tc.meaning || !strings.Contains(f.hint, tc.hint) {
				t.Errorf("got %+v\nwant message ~%q, meaning %q, hint ~%q", f, tc.message, tc.meaning, tc.hint)
			}
			if strings.Contains(f.message, "\n") && tc.code != exitMismatch {
				t.Errorf("message spans lines: %q", f.message)
			}
		})
	}
}

// The report is the message, then the meaning and the hint on lines of
// their own.
func TestReportFailure(t *testing.T) {
	var b strings.Builder
	err := &luabind.ScriptError{Script: "x.lua", Line: 4, Message: "AT+CPIN?: modem answered +CME ERROR: 10",
		Err: &engine.ModemError{Meaning: "SIM not inserted", Hint: "check the SIM"}}
	if code := reportFailure(&b, err); code != 1 {
		t.Errorf("code %d", code)
	}
	want := "atrun: x.lua:4: AT+CPIN?: modem answered +CME ERROR: 10\n  meaning: SIM not inserted\n  hint: check the SIM\n"
	if b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
	b.Reset()
	if code := reportFailure(&b, nil); code != 0 || b.Len() != 0 {
		t.Errorf("success printed %q, code %d", b.String(), code)
	}
}

func TestStopped(t *testing.T) {
	scriptErr := &luabind.ScriptError{Script: "x.lua", Err: context.Canceled}
	ctx, stop := withInterrupt(context.Background())
	defer stop()
	if got := stopped(ctx, scriptErr); got != error(scriptErr) {
		t.Errorf("a live context changed the error: %v", got)
	}
	tctx, cancel := withRunTimeout(context.Background(), time.Nanosecond)
	defer cancel()
	<-tctx.Done()
	if code := exitCode(stopped(tctx, scriptErr)); code != exitFailed {
		t.Errorf("timeout: exit %d", code)
	}
	if got := stopped(tctx, nil); got != nil {
		t.Errorf("a run that finished in time is a success, got %v", got)
	}
}
