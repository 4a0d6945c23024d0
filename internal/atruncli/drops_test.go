package atruncli

import (
	"strings"
	"testing"

	"github.com/atrun/atrun/engine/enginetest"
)

// A URC storm nobody reads: the run ends with a warning that counts what
// the full queue dropped, by code, and says how to keep more; in JSON, an
// urcs_dropped event.
func TestRunReportsDroppedURCs(t *testing.T) {
	storm := strings.Repeat("\r\n+QIND: \"csq\",20,99\r\n", 10) + strings.Repeat("\r\n+CTZV: +04,0\r\n", 2)
	steps := []enginetest.Step{
		cleanStart,
		{Expect: "AT\r", Reply: "AT\r\r\nOK\r\n" + storm},
		{Expect: "AT+CSQ\r", Reply: "AT+CSQ\r\r\n+CSQ: 19,99\r\n\r\nOK\r\n"},
	}
	dir := t.TempDir()
	writeFile(t, dir, "storm.lua", `send("AT") send("AT+CSQ")`)

	_, slave := startModem(t, steps...)
	o := atrun(t, dir, "run", "storm.lua", "--port", slave, "--urc-queue", "3")
	if o.code != 0 {
		t.Fatalf("exit %d\n%s", o.code, o.stderr)
	}
	for _, want := range []string{"warning: 9 URCs dropped", "queue of 3", "+QIND 9", "--urc-queue"} {
		if !strings.Contains(o.stderr, want) {
			t.Errorf("stderr does not say %q:\n%s", want, o.stderr)
		}
	}

	_, slave = startModem(t, steps...)
	o = atrun(t, dir, "run", "storm.lua", "--port", slave, "--urc-queue", "3", "--json")
	var found bool
	for _, e := range parseJSONLines(t, o.stdout) {
		if e["event"] == "urcs_dropped" {
			found = true
			codes, _ := e["codes"].(map[string]any)
			if e["count"].(float64) != 9 || codes["+QIND"].(float64) != 9 || e["queue"].(float64) != 3 {
				t.Errorf("event %v", e)
			}
		}
	}
	if !found {
		t.Errorf("no urcs_dropped event in\n%s", o.stdout)
	}

	_, slave = startModem(t, steps...)
	if o := atrun(t, dir, "run", "storm.lua", "--port", slave); strings.Contains(o.stderr, "dropped") {
		t.Errorf("the default queue dropped URCs:\n%s", o.stderr)
	}
	if o := atrun(t, dir, "run", "storm.lua", "--port", slave, "--urc-queue", "0"); o.code != 2 {
		t.Errorf("--urc-queue 0: exit %d", o.code)
	}
}
