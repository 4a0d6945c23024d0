package atruncli

import (
	"regexp"
	"strings"
	"testing"

	"github.com/atrun/atrun/engine/enginetest"
)

// atrun send prints every answer decoded, URCs included, sends every
// command even after one failed, and exits 1 when one did.
func TestSend(t *testing.T) {
	fake, slave := startModem(t,
		enginetest.Step{Expect: "AT\r", Reply: "\r\nOK\r\n"}, // the resync
		enginetest.Step{Expect: "AT\r", Reply: "\r\nOK\r\n"},
		enginetest.Step{Expect: "AT+CPIN?\r", Reply: "\r\n+CME ERROR: 10\r\n"},
		enginetest.Step{Expect: "AT+CSQ\r", Reply: "\r\n+QIND: \"csq\",20,99\r\n\r\n+CSQ: 19,99\r\n\r\nOK\r\n"},
	)
	o := atrun(t, t.TempDir(), "send", "AT", "AT+CPIN?", "AT+CSQ", "--port", slave, "--timeout", "5s")
	fake.Finished(t)
	if o.code != exitFailed {
		t.Fatalf("exit %d, want 1\n%s\n%s", o.code, o.stdout, o.stderr)
	}
	for _, re := range []string{
		`(?m)^> AT\nOK  \(\d+ (µs|ms)\)$`,
		`(?m)^> AT\+CPIN\?\n\+CME ERROR: 10\n  meaning: SIM not inserted\n  hint: .+$`,
		`(?m)^URC \+QIND: "csq",20,99  \(.+\)$`,
		`(?m)^\+CSQ: 19,99  \(.*dBm.*\)\nOK  \(`,
	} {
		if !regexp.MustCompile(re).MatchString(o.stdout) {
			t.Errorf("stdout does not match %s:\n%s", re, o.stdout)
		}
	}
	if strings.TrimSpace(o.stderr) != "atrun: 1 of 3 commands failed" {
		t.Errorf("stderr: %q", o.stderr)
	}
}
