package atruncli

import (
	"bufio"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/atrun/atrun/engine/enginetest"
)

// uploadingModem is a modem an earlier program left in
// AT+QFUPL="RAM:x.txt",5,...: the first 5 bytes it gets are file data, then
// it answers the upload and goes back to commands (echo off).
func uploadingModem(t *testing.T) string {
	t.Helper()
	master, slave := enginetest.OpenPTY(t)
	go func() {
		r := bufio.NewReader(master)
		data := make([]byte, 5)
		if _, err := io.ReadFull(r, data); err != nil {
			return
		}
		fmt.Fprintf(master, "\r\n+QFUPL: 5,0\r\n\r\nOK\r\n")
		for {
			line, err := r.ReadString('\r')
			if err != nil {
				return
			}
			switch strings.TrimSuffix(line, "\r") {
			case "":
			case "AT":
				fmt.Fprint(master, "\r\nOK\r\n")
			case "AT+CSQ":
				fmt.Fprint(master, "\r\n+CSQ: 19,99\r\n\r\nOK\r\n")
			case "AT+CPIN?":
				fmt.Fprint(master, "\r\n+CPIN: READY\r\n\r\nOK\r\n")
			default:
				fmt.Fprint(master, "\r\nERROR\r\n")
			}
		}
	}()
	return slave
}

// The case: the modem is still in an upload. Each command gets its
// own answer, and atrun send says what it found.
func TestSendAfterUnfinishedUpload(t *testing.T) {
	slave := uploadingModem(t)
	o := atrun(t, t.TempDir(), "send", "--port", slave, "AT+CSQ", "AT+CPIN?")
	if o.code != 0 {
		t.Fatalf("exit %d\n%s\n%s", o.code, o.stdout, o.stderr)
	}
	for _, want := range []string{"> AT+CSQ\n+CSQ: 19,99", "> AT+CPIN?\n+CPIN: READY"} {
		if !strings.Contains(o.stdout, want) {
			t.Errorf("stdout does not hold %q:\n%s", want, o.stdout)
		}
	}
	if !strings.Contains(o.stderr, "file upload (AT+QFUPL)") {
		t.Errorf("stderr does not tell of the upload:\n%s", o.stderr)
	}
}

// A command answered CONNECT: atrun send warns, and sends nothing after
// it (it would be taken for data).
func TestSendWarnsOfDataMode(t *testing.T) {
	fake, slave := startModem(t,
		enginetest.Step{Expect: "AT\r", Reply: "\r\nOK\r\n"},
		enginetest.Step{Expect: "AT+QFUPL=\"RAM:a\",5\r", Reply: "\r\nCONNECT\r\n"},
	)
	o := atrun(t, t.TempDir(), "send", "--port", slave, `AT+QFUPL="RAM:a",5`, "AT+CSQ")
	fake.Finished(t)
	if o.code != exitFailed {
		t.Errorf("exit %d, want 1", o.code)
	}
	for _, want := range []string{"answered CONNECT: the modem is in data mode", "not sent: AT+CSQ"} {
		if !strings.Contains(o.stderr, want) {
			t.Errorf("stderr does not say %q:\n%s", want, o.stderr)
		}
	}
	if strings.Contains(fake.Wrote(), "AT+CSQ") {
		t.Errorf("AT+CSQ was sent into the upload")
	}
}

// A download's bytes are shown, escaped, with their count.
func TestSendShowsData(t *testing.T) {
	fake, slave := startModem(t,
		enginetest.Step{Expect: "AT\r", Reply: "\r\nOK\r\n"},
		enginetest.Step{Expect: "AT+QIRD=0,1500\r", Reply: "\r\n+QIRD: 5\r\nOK\r\n>\r\n\r\nOK\r\n"},
	)
	o := atrun(t, t.TempDir(), "send", "--port", slave, "AT+QIRD=0,1500")
	fake.Finished(t)
	if o.code != 0 || !strings.Contains(o.stdout, "data (5 bytes): OK<CR><LF>>\n+QIRD: 5") {
		t.Errorf("exit %d\n%s\n%s", o.code, o.stdout, o.stderr)
	}
}

// --no-resync makes the first command the first byte on the line, as a
// modem that must get it (data mode, a test of what it does with
// leftovers) needs: no AT comes before it.
func TestSendNoResync(t *testing.T) {
	fake, slave := startModem(t, enginetest.Step{Expect: "AT+CSQ\r", Reply: "AT+CSQ\r\r\n+CSQ: 19,99\r\n\r\nOK\r\n"})
	o := atrun(t, t.TempDir(), "send", "--no-resync", "--port", slave, "AT+CSQ")
	if o.code != 0 || !strings.Contains(o.stdout, "+CSQ: 19,99") {
		t.Fatalf("exit %d\n%s%s", o.code, o.stdout, o.stderr)
	}
	if got := fake.Wrote(); got != "AT+CSQ\r" {
		t.Errorf("the modem got %q, want only the command", got)
	}
}
