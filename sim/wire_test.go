package sim

import (
	"context"
	"net"
	"strings"
	"testing"
	"time"
)

// Boot URCs come in the order of reference §2.2, each framed \r\n<text>\r\n;
// SMS DONE and PB DONE may come either way round.
func TestBootURCs(t *testing.T) {
	h := newHarness(t, Options{})
	h.expect("\r\nRDY\r\n\r\n+CFUN: 1\r\n\r\n+CPIN: READY\r\n\r\n+QUSIM: 1\r\n")
	h.waitUntil("SIM init URCs", func(out []byte) bool { return len(out) >= len("\r\n+QIND: SMS DONE\r\n\r\n+QIND: PB DONE\r\n") })
	rest := h.rest()
	a := "\r\n+QIND: SMS DONE\r\n\r\n+QIND: PB DONE\r\n"
	b := "\r\n+QIND: PB DONE\r\n\r\n+QIND: SMS DONE\r\n"
	if rest != a && rest != b {
		t.Fatalf("SIM init URCs: %q", rest)
	}
}

// The exact exchanges of log 06 (byte-exact EWF trace) and reference §1.2.
func TestEchoFraming(t *testing.T) {
	h := newHarness(t, Options{})
	h.bootDone()
	steps := []struct{ send, want string }{
		{"AT\r", "AT\r\r\nOK\r\n"},
		{"AT\r", "AT\r\r\nOK\r\n"},
		{"ATE0\r", "ATE0\r\r\nOK\r\n"},
		{"AT\r", "\r\nOK\r\n"},
		{"AT+CMEE=1\r", "\r\nOK\r\n"},
		{"AT+QMTCFG=\"ssl\",0,1,2\r", "\r\nOK\r\n"},
		{"AT+QMTCFG=\"version\",0,4\r", "\r\nOK\r\n"},
		{"AT+CPIN?\r", "\r\n+CPIN: READY\r\n\r\nOK\r\n"},
		{"AT+CFUN?\r", "\r\n+CFUN: 1\r\n\r\nOK\r\n"},
		{"AT+QICSGP=1\r", "\r\n+QICSGP: 1,\"\",\"\",\"\",0\r\n\r\nOK\r\n"},
		{"AT+QIACT?\r", "\r\nOK\r\n"},
		{"ATE1\r", "\r\nOK\r\n"},
		{"AT+CSQ\r", "AT+CSQ\r\r\n+CSQ: 24,99\r\n\r\nOK\r\n"},
		{"AT\r\n", "AT\r\r\nOK\r\n"}, // LF after CR: a terminator, not echoed
	}
	for _, s := range steps {
		h.send(s.send)
		h.expect(s.want)
	}
}

// Log 06: the host writes "AT+CFUN=" / "1" / "\r"; every split of a line,
// down to single bytes, gives the same answer.
func TestCommandInPieces(t *testing.T) {
	h := newHarness(t, Options{})
	h.bootDone()
	h.echoOff()
	for _, parts := range [][]string{
		{"AT+CFUN=", "1", "\r"},
		{"A", "T", "+", "C", "F", "U", "N", "=", "1", "\r"},
		{"AT+CF", "UN=1\r"},
	} {
		for _, p := range parts {
			h.send(p)
		}
		h.expect("\r\nOK\r\n")
	}
	line := "AT+CSQ\r"
	for cut := 1; cut < len(line); cut++ {
		h.send(line[:cut])
		h.send(line[cut:])
		h.expect("\r\n+CSQ: 24,99\r\n\r\nOK\r\n")
	}
}

func TestErrors(t *testing.T) {
	h := newHarness(t, Options{})
	h.bootDone()
	h.echoOff()
	tests := []struct{ name, line, want string }{
		{"unknown command", "AT+QILOCIP", "\r\nERROR\r\n"},
		{"typographic quotes (log 01)", "AT+QMTCFG=\u201dSSL\u201d,0,1,2", "\r\nERROR\r\n"},
		{"typographic client id (log 01)", "AT+QMTCONN=0,\u201cclientExample\u201d", "\r\nERROR\r\n"},
		{"mixed quotes (log 12)", "AT+QSSLCFG=\"seclevel\u201d,2,2", "\r\nERROR\r\n"},
		{"single typographic quotes", "AT+QFDEL=\u2018x\u2019", "\r\nERROR\r\n"},
		{"quoted ciphersuite (log 02)", "AT+QSSLCFG=\"ciphersuite\",2,\"0XFFFF\"", "\r\nERROR\r\n"},
		{"not AT", "XYZ", "\r\nERROR\r\n"},
		{"bad value", "AT+CMEE=3", "\r\nERROR\r\n"},
		{"unterminated quote", "AT+QFDEL=\"x", "\r\nERROR\r\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := h.cmd(tc.line); got != tc.want {
				t.Fatalf("%s: got %q, want %q", tc.line, got, tc.want)
			}
		})
	}
	// Parameter errors stay plain ERROR with verbose errors on (log 02).
	h.cmd("AT+CMEE=2")
	if got := h.cmd("AT+QSSLCFG=\"ciphersuite\",2,\"0XFFFF\""); got != "\r\nERROR\r\n" {
		t.Fatalf("quoted ciphersuite with CMEE=2: %q", got)
	}
}

// AT+CMEE 0/1/2 change how a SIM error shows (reference §1.5).
func TestCMEEModes(t *testing.T) {
	f, _ := ParseFaults("no-sim")
	h := newHarness(t, Options{Faults: f})
	h.until("+CPIN: NOT READY\r\n")
	h.echoOff()
	for _, tc := range []struct{ mode, want string }{
		{"0", "\r\nERROR\r\n"},
		{"1", "\r\n+CME ERROR: 10\r\n"},
		{"2", "\r\n+CME ERROR: SIM not inserted\r\n"},
	} {
		h.cmd("AT+CMEE=" + tc.mode)
		if got := h.cmd("AT+CPIN?"); got != tc.want {
			t.Errorf("CMEE=%s: AT+CPIN? gave %q, want %q", tc.mode, got, tc.want)
		}
	}
	if got := h.cmd("AT+CMEE?"); got != "\r\n+CMEE: 2\r\n\r\nOK\r\n" {
		t.Errorf("AT+CMEE? gave %q", got)
	}
}

func TestInformationCommands(t *testing.T) {
	h := newHarness(t, Options{Revision: "EC20TESTREV"})
	h.bootDone()
	h.echoOff()
	tests := []struct{ line, want string }{
		{"ATI", "\r\nQuectel\r\nEC20F\r\nRevision: EC20TESTREV\r\n\r\nOK\r\n"},
		{"AT+GMR", "\r\nEC20TESTREV\r\n\r\nOK\r\n"},
		{"AT+CSQ=?", "\r\n+CSQ: (0-31,99),(0-7,99)\r\n\r\nOK\r\n"},
		{"AT+CREG?", "\r\n+CREG: 0,1\r\n\r\nOK\r\n"},
		{"AT+CEREG?", "\r\n+CEREG: 0,1\r\n\r\nOK\r\n"},
		{"AT+COPS?", "\r\n+COPS: 0,0,\"atrun\",7\r\n\r\nOK\r\n"},
		{"AT+CGATT?", "\r\n+CGATT: 1\r\n\r\nOK\r\n"},
		{"AT+CGATT=1", "\r\nOK\r\n"},
		{"AT+QURCCFG=\"urcport\"", "\r\n+QURCCFG: \"urcport\",\"usbat\"\r\n\r\nOK\r\n"},
		{"AT+QMTOPEN?", "\r\nOK\r\n"},
		{"AT+QMTCONN?", "\r\nOK\r\n"},
		{"AT+QICSGP=1,1,\"internet\",\"\",\"\",1", "\r\nOK\r\n"},
		{"AT+QICSGP=1", "\r\n+QICSGP: 1,\"internet\",\"\",\"\",1\r\n\r\nOK\r\n"},
		{"AT+CGDCONT?", "\r\n+CGDCONT: 1,\"IP\",\"internet\",\"0.0.0.0\",0,0,0,0\r\n\r\nOK\r\n"},
		{"AT+QSSLCFG=\"ignorelocaltime\",1", "\r\n+QSSLCFG: \"ignorelocaltime\",1,1\r\n\r\nOK\r\n"},
		{"AT+QSSLCFG=\"ciphersuite\",2,0xffff", "\r\nOK\r\n"},
		{"AT+QSSLCFG=\"ciphersuite\",2", "\r\n+QSSLCFG: \"ciphersuite\",2,0XFFFF\r\n\r\nOK\r\n"},
		{"AT+QMTCFG=\"SSL\",0,1,2", "\r\nOK\r\n"},
		{"AT+QMTCFG=\"ssl\",0", "\r\n+QMTCFG: \"ssl\",1,2\r\n\r\nOK\r\n"},
		{"AT+QMTCFG=\"recv/mode\",0,0,1", "\r\nOK\r\n"},
		{"AT+QMTCFG=\"recv/mode\",0", "\r\n+QMTCFG: \"recv/mode\",0,1\r\n\r\nOK\r\n"},
		{"ATE0V1;+CMEE=1", "\r\nOK\r\n"},
		{"AT+CSQ;+CGATT?", "\r\n+CSQ: 24,99\r\n\r\n+CGATT: 1\r\n\r\nOK\r\n"},
	}
	for _, tc := range tests {
		if got := h.cmd(tc.line); got != tc.want {
			t.Errorf("%s:\n got %q\nwant %q", tc.line, got, tc.want)
		}
	}
	h.cmd("AT+QIACT=1")
	got := h.cmd("AT+CGPADDR=1")
	if !strings.HasPrefix(got, "\r\n+CGPADDR: 1,\"10.") {
		t.Errorf("AT+CGPADDR=1 gave %q", got)
	}
	if got := h.cmd("AT+QIACT=1"); got != "\r\nERROR\r\n" {
		t.Errorf("second AT+QIACT=1 gave %q, want ERROR (already active)", got)
	}
}

// ATV0: information text then CR LF, result codes as a digit and CR.
func TestNumericResults(t *testing.T) {
	h := newHarness(t, Options{})
	h.bootDone()
	h.echoOff()
	h.send("ATV0\r")
	h.expect("0\r")
	h.send("AT+CSQ\r")
	h.expect("+CSQ: 24,99\r\n0\r")
	h.send("AT+NOPE\r")
	h.expect("4\r")
	h.send("ATV1\r")
	h.expect("\r\nOK\r\n")
}

func TestSRegistersAndBackspace(t *testing.T) {
	h := newHarness(t, Options{})
	h.bootDone()
	h.echoOff()
	if got := h.cmd("ATS3?"); got != "\r\n013\r\n\r\nOK\r\n" {
		t.Errorf("ATS3? gave %q", got)
	}
	h.send("AT+CSX\bQ\r") // backspace edits the line (S5)
	h.expect("\r\n+CSQ: 24,99\r\n\r\nOK\r\n")
	h.send("\r") // an empty line gets no answer
	h.send("AT\r")
	h.expect("\r\nOK\r\n")
}

// AT+CFUN=1,1: OK, POWERED DOWN, then the boot URCs again with echo back on.
func TestCFUNReset(t *testing.T) {
	h := newHarness(t, Options{})
	h.bootDone()
	h.echoOff()
	h.send("AT+CFUN=1,1\r")
	h.expect("\r\nOK\r\n\r\nPOWERED DOWN\r\n")
	h.advance(0, 1)
	h.expect("\r\nRDY\r\n\r\n+CFUN: 1\r\n\r\n+CPIN: READY\r\n")
	h.bootDone()
	h.send("AT\r")
	h.expect("AT\r\r\nOK\r\n")
}

// AT+CFUN=0 turns SIM and radio off; AT+CFUN=1 brings the SIM URCs back
// (log 11).
func TestCFUNZero(t *testing.T) {
	h := newHarness(t, Options{})
	h.bootDone()
	h.echoOff()
	for _, tc := range []struct{ line, want string }{
		{"AT+CFUN=0", "\r\nOK\r\n"},
		{"AT+CPIN?", "\r\n+CME ERROR: 13\r\n"},
		{"AT+CSQ", "\r\n+CSQ: 99,99\r\n\r\nOK\r\n"},
		{"AT+CREG?", "\r\n+CREG: 0,0\r\n\r\nOK\r\n"},
	} {
		if got := h.cmd(tc.line); got != tc.want {
			t.Errorf("%s: got %q, want %q", tc.line, got, tc.want)
		}
	}
	h.send("AT+CFUN=1\r")
	h.expect("\r\nOK\r\n\r\n+CPIN: READY\r\n\r\n+QUSIM: 1\r\n")
	h.bootDone()
	if got := h.cmd("AT+CREG?"); got != "\r\n+CREG: 0,1\r\n\r\nOK\r\n" {
		t.Errorf("after CFUN=1: %q", got)
	}
}

// URCs routed to another port never reach this line (reference §1.6).
func TestURCPort(t *testing.T) {
	h := newHarness(t, Options{})
	h.bootDone()
	h.echoOff()
	if got := h.cmd(`AT+QURCCFG="urcport","uart1"`); got != "\r\nOK\r\n" {
		t.Fatalf("set urcport: %q", got)
	}
	h.send("AT+CFUN=1,1\r")
	h.expect("\r\nOK\r\n")
	h.advance(0, 1)
	// The reboot's URCs went to uart1: the next bytes are the echo of AT.
	h.send("AT\r")
	h.expect("AT\r\r\nOK\r\n")
	if got := h.cmd(`AT+QURCCFG="urcport"`); got != "AT+QURCCFG=\"urcport\"\r\r\n+QURCCFG: \"urcport\",\"uart1\"\r\n\r\nOK\r\n" {
		t.Fatalf("urcport after reboot (it persists): %q", got)
	}
}

// A URC produced while a command runs comes after its final result, and a
// partly typed line holds URCs back.
func TestURCNotInsideResponse(t *testing.T) {
	f, _ := ParseFaults("slow-registration=500ms")
	h := newHarness(t, Options{Faults: f})
	h.bootDone()
	h.send("AT+CREG=1\r")
	h.expect("AT+CREG=1\r\r\nOK\r\n")
	h.send("AT+CR") // the host is typing; the echo shows the modem has it
	h.expect("AT+CR")
	h.advance(500*time.Millisecond, 1)
	h.send("EG?\r")
	h.expect("EG?\r\r\n+CREG: 1,1\r\n\r\nOK\r\n\r\n+CREG: 1\r\n")
}

// A host that never reads leaves the modem blocked in a write; ending the
// context still stops Serve.
func TestServeStopsWhileWriteBlocked(t *testing.T) {
	modemSide, host := net.Pipe()
	defer host.Close()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- NewModem(Options{Clock: NewManualClock(time.Now())}).Serve(ctx, modemSide) }()
	cancel() // the boot URCs are stuck in the pipe: nobody reads
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Serve: %v", err)
		}
	case <-time.After(testTimeout):
		t.Fatal("Serve did not stop")
	}
}

// AT+QPOWD: OK, POWERED DOWN, and the module stays off.
func TestPowerDown(t *testing.T) {
	h := newHarness(t, Options{})
	h.bootDone()
	h.send("AT+QPOWD\r")
	h.expect("AT+QPOWD\r\r\nOK\r\n\r\nPOWERED DOWN\r\n")
	h.send("AT\r")
	h.stop()
	if rest := h.rest(); rest != "" {
		t.Fatalf("a powered-down modem answered %q", rest)
	}
}
