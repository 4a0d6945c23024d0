package main

import (
	"strings"
	"testing"
)

func TestSimListsItsCommands(t *testing.T) {
	o := atrun(t, t.TempDir(), "sim", "--commands")
	if o.code != 0 {
		t.Fatalf("exit %d: %s", o.code, o.stderr)
	}
	for _, c := range []string{"AT+CMGS\n", "AT+QFDWL\n", "AT+QPING\n", "AT+QMTOPEN\n", "ATE\n"} {
		if !strings.Contains(o.stdout, c) {
			t.Errorf("--commands lacks %s", c)
		}
	}
}

// On --sim, the ERROR of a command the virtual EC20 lacks says so, and
// the sim's own note says it too; ec20_mqtts receives the broker's reply.
func TestRunOnSimNamesACommandItLacks(t *testing.T) {
	dir := t.TempDir()
	script := writeFile(t, dir, "lacks.lua", `step("x", function() send("AT+QFOO=1") end)`)
	o := atrun(t, dir, "run", script, "--sim")
	if o.code != 1 || !strings.Contains(o.stderr, "hint: the virtual EC20 does not implement AT+QFOO") ||
		!strings.Contains(o.stderr, "virtual EC20: AT+QFOO is not implemented here") {
		t.Fatalf("exit %d\n%s", o.code, o.stderr)
	}
	o = atrun(t, dir, "run", "ec20_mqtts", "--sim")
	if o.code != 0 || !strings.Contains(o.stdout, `"led": "on"`) || strings.Contains(o.stderr, "no message arrived") {
		t.Fatalf("exit %d\nstdout %s\nstderr %s", o.code, o.stdout, o.stderr)
	}
}
