package engine

import (
	"errors"
	"strings"
	"testing"

	"github.com/atrun/atrun/engine/enginetest"
)

// Config.BareErrorHint replaces the hint of a bare ERROR when it has one
// to give, and leaves +CME ERROR and the commands it says nothing about to
// the generic hints.
func TestBareErrorHint(t *testing.T) {
	host, _ := enginetest.Start(t, 1, steps([]step{
		{"AT+QFOO=1\r", "\r\nERROR\r\n"},
		{"AT+CMGF=9\r", "\r\nERROR\r\n"},
		{"AT+QFOO?\r", "\r\n+CME ERROR: 3\r\n"},
	})...)
	var asked []string
	c := New(host, Config{Name: "pipe", BareErrorHint: func(cmd string) string {
		asked = append(asked, cmd)
		if strings.HasPrefix(cmd, "AT+QFOO") {
			return "not implemented here"
		}
		return ""
	}})
	t.Cleanup(func() { c.Close() })
	hint := func(cmd string) string {
		t.Helper()
		_, err := c.Send(ctxT(t), cmd)
		var me *ModemError
		if !errors.As(err, &me) {
			t.Fatalf("%s: %v, want a ModemError", cmd, err)
		}
		return me.Hint
	}
	if h := hint("AT+QFOO=1"); h != "not implemented here" {
		t.Errorf("lacking command: hint %q", h)
	}
	if h := hint("AT+CMGF=9"); h == "" || h == "not implemented here" {
		t.Errorf("implemented command: hint %q, want the generic one", h)
	}
	if h := hint("AT+QFOO?"); h == "not implemented here" {
		t.Errorf("+CME ERROR got the bare ERROR hint")
	}
	if len(asked) != 2 {
		t.Errorf("asked for %q, want only the two bare ERRORs", asked)
	}
}
