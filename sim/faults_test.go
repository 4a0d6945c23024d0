package sim

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/atrun/atrun/sim/broker"
)

func TestParseFaults(t *testing.T) {
	tests := []struct {
		in      string
		want    Faults
		wantErr bool
	}{
		{in: "", want: Faults{}},
		{in: "no-sim", want: Faults{NoSIM: true}},
		{in: "no-sim,slow-registration=3s,drop-connection=2s",
			want: Faults{NoSIM: true, SlowRegistration: 3 * time.Second, DropConnection: 2 * time.Second}},
		{in: " No-Signal , split ", want: Faults{NoSignal: true, Split: true}},
		{in: "urc-storm", want: Faults{URCStorm: DefaultURCStorm}},
		{in: "urc-storm=20ms,slow-line=9600,sim-pin=1234",
			want: Faults{URCStorm: 20 * time.Millisecond, SlowLine: 9600, SIMPIN: "1234"}},
		{in: "silent=false", want: Faults{}},
		{in: "bogus", wantErr: true},
		{in: "slow-registration", wantErr: true},
		{in: "slow-registration=-1s", wantErr: true},
		{in: "slow-line=fast", wantErr: true},
		{in: "no-sim=maybe", wantErr: true},
		{in: "sim-pin", wantErr: true},
		{in: "upload-corrupt,pdp-failure,publish-fail,delete-fails,stale-file=RAM:cacert.pem",
			want: Faults{UploadCorrupt: true, PDPFailure: true, PublishFail: true, DeleteFails: true, StaleFile: "RAM:cacert.pem"}},
		{in: "Stale-File= UFS:Old.pem ", want: Faults{StaleFile: "UFS:Old.pem"}}, // the name keeps its case
		{in: "stale-file=ca.pem,delete-fails=false", want: Faults{StaleFile: "ca.pem"}},
		{in: "stale-file", wantErr: true},
		{in: "stale-file=RAM:", wantErr: true},
		{in: "stale-file=RAM:*", wantErr: true},
		{in: "publish-fail=often", wantErr: true},
	}
	for _, tc := range tests {
		got, err := ParseFaults(tc.in)
		if (err != nil) != tc.wantErr {
			t.Errorf("ParseFaults(%q) error = %v, want error %v", tc.in, err, tc.wantErr)
			continue
		}
		if err == nil && got != tc.want {
			t.Errorf("ParseFaults(%q) = %+v, want %+v", tc.in, got, tc.want)
		}
		if err == nil {
			again, err := ParseFaults(got.String())
			if err != nil || again != got {
				t.Errorf("round trip of %q through %q gave %+v, %v", tc.in, got.String(), again, err)
			}
		}
	}
	if len(FaultNames()) != len(FaultHelp()) {
		t.Error("FaultNames and FaultHelp disagree")
	}
}

// Faults that show in the answers to network commands.
func TestNetworkFaults(t *testing.T) {
	tests := []struct {
		fault string
		boot  string // the last boot URC, or "" for a SIM that reports ready
		steps [][2]string
	}{
		{"no-sim", "+CPIN: NOT READY", [][2]string{
			{"AT+CPIN?", "\r\n+CME ERROR: 10\r\n"},
			{"AT+CREG?", "\r\n+CREG: 0,0\r\n\r\nOK\r\n"},
			{"AT+CGATT=1", "\r\n+CME ERROR: 30\r\n"},
		}},
		{"no-signal", "", [][2]string{
			{"AT+CSQ", "\r\n+CSQ: 99,99\r\n\r\nOK\r\n"},
			{"AT+CREG?", "\r\n+CREG: 0,2\r\n\r\nOK\r\n"},
			{"AT+CEREG?", "\r\n+CEREG: 0,2\r\n\r\nOK\r\n"},
			{"AT+COPS?", "\r\n+COPS: 0\r\n\r\nOK\r\n"},
		}},
		{"registration-denied", "", [][2]string{
			{"AT+CREG?", "\r\n+CREG: 0,3\r\n\r\nOK\r\n"},
			{"AT+CGREG?", "\r\n+CGREG: 0,3\r\n\r\nOK\r\n"},
			{"AT+CGATT?", "\r\n+CGATT: 0\r\n\r\nOK\r\n"},
			{"AT+QIACT=1", "\r\n+CME ERROR: 30\r\n"},
		}},
		{"sim-pin=4321", "+QUSIM: 1", [][2]string{
			{"AT+CPIN?", "\r\n+CPIN: SIM PIN\r\n\r\nOK\r\n"},
			{"AT+CREG?", "\r\n+CREG: 0,0\r\n\r\nOK\r\n"},
			{`AT+CPIN="1111"`, "\r\n+CME ERROR: 16\r\n"},
		}},
	}
	for _, tc := range tests {
		t.Run(tc.fault, func(t *testing.T) {
			f, err := ParseFaults(tc.fault)
			if err != nil {
				t.Fatal(err)
			}
			h := newHarness(t, Options{Faults: f})
			if tc.boot == "" {
				h.bootDone()
			} else {
				h.until(tc.boot + "\r\n")
			}
			h.echoOff()
			for _, s := range tc.steps {
				if got := h.cmd(s[0]); got != s[1] {
					t.Errorf("%s: got %q, want %q", s[0], got, s[1])
				}
			}
		})
	}
}

func TestSIMPIN(t *testing.T) {
	f, _ := ParseFaults("sim-pin=4321")
	h := newHarness(t, Options{Faults: f})
	h.until("+QUSIM: 1\r\n")
	h.echoOff()
	h.send(`AT+CPIN="4321"` + "\r")
	h.expect("\r\nOK\r\n\r\n+CPIN: READY\r\n")
	h.waitUntil("SIM done URCs", func(out []byte) bool { return bytes.Count(out, []byte("DONE")) == 2 })
	h.bootDone()
	if got := h.cmd("AT+CREG?"); got != "\r\n+CREG: 0,1\r\n\r\nOK\r\n" {
		t.Fatalf("after PIN: %q", got)
	}
	if got := h.cmd(`AT+CPIN="4321"`); got != "\r\n+CME ERROR: 3\r\n" {
		t.Fatalf("PIN when not asked: %q", got)
	}
}

// slow-registration: stat 2 until the delay passes, then 1, with the URCs
// of every mode.
func TestSlowRegistration(t *testing.T) {
	f, _ := ParseFaults("slow-registration=3s")
	h := newHarness(t, Options{Faults: f})
	h.bootDone()
	h.echoOff()
	for _, tc := range [][2]string{
		{"AT+CREG=1", "\r\nOK\r\n"},
		{"AT+CEREG=2", "\r\nOK\r\n"},
		{"AT+CREG?", "\r\n+CREG: 1,2\r\n\r\nOK\r\n"},
		{"AT+CEREG?", "\r\n+CEREG: 2,2\r\n\r\nOK\r\n"},
		{"AT+CGATT?", "\r\n+CGATT: 0\r\n\r\nOK\r\n"},
	} {
		if got := h.cmd(tc[0]); got != tc[1] {
			t.Errorf("%s: got %q, want %q", tc[0], got, tc[1])
		}
	}
	h.advance(2999*time.Millisecond, 1)
	if got := h.cmd("AT+CREG?"); got != "\r\n+CREG: 1,2\r\n\r\nOK\r\n" {
		t.Fatalf("before the delay: %q", got)
	}
	h.advance(time.Millisecond, 1)
	h.expect("\r\n+CREG: 1\r\n\r\n+CEREG: 1,\"1A2B\",\"80D413D\",7\r\n")
	if got := h.cmd("AT+CEREG?"); got != "\r\n+CEREG: 2,1,\"1A2B\",\"80D413D\",7\r\n\r\nOK\r\n" {
		t.Fatalf("after: %q", got)
	}
}

// urc-storm: a harmless URC every interval, only while idle.
func TestURCStorm(t *testing.T) {
	f, _ := ParseFaults("urc-storm=50ms")
	h := newHarness(t, Options{Faults: f})
	h.bootDone()
	h.echoOff()
	seen := map[string]bool{}
	for i := 0; i < 4; i++ {
		h.advance(50*time.Millisecond, 1)
		h.waitUntil("a storm URC", func(out []byte) bool { return bytes.Count(out, []byte("\r\n")) >= 2 })
		u := h.rest()
		h.expect(u)
		if !strings.HasPrefix(u, "\r\n+") || !strings.HasSuffix(u, "\r\n") || strings.Count(u, "\r\n") != 2 {
			t.Fatalf("storm URC badly framed: %q", u)
		}
		seen[strings.SplitN(u[2:], ":", 2)[0]] = true
	}
	for _, want := range []string{"+QIND", "+CREG", "+CGREG", "+CEREG"} {
		if !seen[want] {
			t.Errorf("storm never sent %s (saw %v)", want, seen)
		}
	}
	if got := h.cmd("AT+CSQ"); got != "\r\n+CSQ: 24,99\r\n\r\nOK\r\n" {
		t.Errorf("command during storm: %q", got)
	}
}

// line-noise: junk only at line boundaries, from the documented set, and
// every response intact after it.
func TestLineNoise(t *testing.T) {
	f, _ := ParseFaults("line-noise")
	h := newHarness(t, Options{Faults: f, Seed: 7})
	h.bootDone()
	junkSeen := 0
	const echo, answer = "AT+CSQ\r", "\r\n+CSQ: 24,99\r\n\r\nOK\r\n"
	for i := 0; i < 30; i++ {
		got := h.cmd("AT+CSQ")
		junk := strings.TrimSuffix(strings.TrimPrefix(got, echo), answer)
		if !strings.HasPrefix(got, echo) || !strings.HasSuffix(got, answer) || len(junk) > 3 {
			t.Fatalf("response damaged: %q", got)
		}
		for _, b := range []byte(junk) {
			if bytes.IndexByte(noiseBytes, b) < 0 {
				t.Fatalf("junk byte %#x outside the documented set in %q", b, got)
			}
		}
		junkSeen += len(junk)
	}
	if junkSeen == 0 {
		t.Fatal("30 responses and no noise at all")
	}
}

// slow-line=1200: 10 bits a byte, so 1200 baud is 8.333 ms a byte; the
// first byte of an idle line leaves at once.
func TestSlowLine(t *testing.T) {
	f, _ := ParseFaults("slow-line=1200")
	h := newHarness(t, Options{Faults: f})
	byteT := time.Second * 10 / 1200
	want := "\r\nRDY\r\n"
	h.expect(want[:1])
	for i := 1; i < len(want); i++ {
		ctx, cancel := h.ctx()
		if err := h.clk.WaitPending(ctx, 1); err != nil {
			t.Fatal(err)
		}
		cancel()
		if d, _ := h.clk.NextIn(); d != byteT {
			t.Fatalf("byte %d waits %v, want %v", i, d, byteT)
		}
		h.clk.Advance(byteT)
		h.expect(want[i : i+1])
	}
}

// split: every byte in a write of its own.
func TestSplit(t *testing.T) {
	f, _ := ParseFaults("split")
	h := newHarness(t, Options{Faults: f})
	h.bootDone()
	h.send("AT\r")
	h.expect("AT\r\r\nOK\r\n")
	for i, n := range h.chunkSizes() {
		if n != 1 {
			t.Fatalf("read %d got %d bytes; split writes one at a time", i, n)
		}
	}
}

// silent: the boot URCs, then nothing, whatever the host sends.
func TestSilent(t *testing.T) {
	f, _ := ParseFaults("silent")
	h := newHarness(t, Options{Faults: f})
	h.bootDone()
	h.send("AT\r")
	h.send("ATI\r")
	h.stop() // Serve has handled all input once it returns
	if rest := h.rest(); rest != "" {
		t.Fatalf("silent modem answered %q", rest)
	}
}

// AT+CGATT=1 while the modem searches answers once it registers (up to
// 140 s on the module), with the registration URC after the OK.
func TestAttachWaitsForRegistration(t *testing.T) {
	f, _ := ParseFaults("slow-registration=10s")
	h := newHarness(t, Options{Faults: f})
	h.bootDone()
	h.echoOff()
	h.cmd("AT+CREG=1")
	h.send("AT+CGATT=1\r")
	h.advance(10*time.Second, 2) // the registration and the attach limit
	h.expect("\r\nOK\r\n\r\n+CREG: 1\r\n")

	g, _ := ParseFaults("no-signal")
	h = newHarness(t, Options{Faults: g})
	h.bootDone()
	h.echoOff()
	h.send("AT+CGATT=1\r")
	h.advance(140*time.Second, 1)
	h.expect("\r\n+CME ERROR: 30\r\n")
}

// upload-corrupt: the modem stores one byte changed (the middle byte's
// lowest bit) and reports the size sent with the checksum of what it
// stored, on every upload.
func TestUploadCorrupt(t *testing.T) {
	f, _ := ParseFaults("upload-corrupt")
	h := newHarness(t, Options{Faults: f})
	h.bootDone()
	h.echoOff()
	h.send(`AT+QFUPL="RAM:cacert.pem",5,10` + "\r")
	h.expect("\r\nCONNECT\r\n")
	h.send("hello") // checksum 6b09; stored as "hemlo"
	h.expect("\r\n+QFUPL: 5,6a09\r\n\r\nOK\r\n")
	h.must(`AT+QFLST="RAM:*"`, "\r\n+QFLST: \"RAM:cacert.pem\",5\r\n\r\nOK\r\n")

	h.send(`AT+QFUPL="ca.pem",4,10` + "\r") // again, and into UFS
	h.expect("\r\nCONNECT\r\n")
	h.send("\x01\x02\x03\x04") // checksum 206; stored as 01 02 02 04
	h.expect("\r\n+QFUPL: 4,306\r\n\r\nOK\r\n")

	h.stop()
	for name, want := range map[string]string{"RAM:cacert.pem": "hemlo", "ca.pem": "\x01\x02\x02\x04"} {
		if got, _ := h.m.files.read(name); string(got) != want {
			t.Errorf("%s holds %q, want %q", name, got, want)
		}
	}
}

// pdp-failure: AT+QIACT fails with 561 (open PDP context failed, reference
// §6.2) in every AT+CMEE mode; AT+QMTOPEN is taken and its URC is 3.
func TestPDPFailure(t *testing.T) {
	f, _ := ParseFaults("pdp-failure")
	h := newHarness(t, Options{Faults: f, Dial: noDial})
	h.bootDone()
	h.echoOff()
	for _, s := range [][2]string{
		{"AT+CGATT?", "\r\n+CGATT: 1\r\n\r\nOK\r\n"}, // attach works
		{"AT+QIACT=1", "\r\n+CME ERROR: 561\r\n"},
		{"AT+QIACT?", "\r\nOK\r\n"},
		{"AT+CMEE=2", "\r\nOK\r\n"},
		{"AT+QIACT=2", "\r\n+CME ERROR: open PDP context failed\r\n"},
		{"AT+CMEE=0", "\r\nOK\r\n"},
		{"AT+QIACT=1", "\r\nERROR\r\n"},
	} {
		h.must(s[0], s[1])
	}
	h.send(`AT+QMTOPEN=0,"127.0.0.1",8883` + "\r")
	h.expect("\r\nOK\r\n\r\n+QMTOPEN: 0,3\r\n")
	h.must("AT+QMTOPEN?", "\r\nOK\r\n")
}

// publish-fail: prompt, payload and OK as usual, then result 2 in the URC
// named after the command, and nothing at the broker; the session stays up.
func TestPublishFail(t *testing.T) {
	f, _ := ParseFaults("publish-fail")
	b := runBroker(t, broker.Options{})
	ctx := testCtx(t)
	up, err := b.Subscribe(ctx, "dev/up")
	if err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, Options{Faults: f})
	h.tlsSetup(b.CAFile())
	if _, conn := h.openAndConnect(b, b.Password()); conn != "+QMTCONN: 0,0,0" {
		t.Fatalf("connect: %q", conn)
	}

	h.send(`AT+QMTPUB=0,1,1,1,"dev/up"` + "\r")
	h.expect("\r\n> ")
	h.send("one\x1a")
	h.expect("\r\nOK\r\n\r\n+QMTPUB: 0,1,2\r\n")

	h.send(`AT+QMTPUBEX=0,2,1,0,"dev/up",3` + "\r")
	h.expect("\r\n> ")
	h.send("two")
	h.expect("\r\nOK\r\n\r\n+QMTPUBEX: 0,2,2\r\n")

	h.send(`AT+QMTPUB=0,0,0,0,"dev/up","three"` + "\r")
	h.expect("\r\nOK\r\n\r\n+QMTPUB: 0,0,2\r\n")

	h.must("AT+QMTCONN?", "\r\n+QMTCONN: 0,3\r\n\r\nOK\r\n")
	// The first message on the topic is one published after the three.
	if err := b.Publish(ctx, "dev/up", []byte("marker"), 1, false); err != nil {
		t.Fatal(err)
	}
	expectAtBroker(t, ctx, up, "dev/up", "marker")
}

// stale-file with delete-fails: the host finds an old file it cannot
// delete, so the upload over it is refused with 407; the second delete
// works and the upload goes through. After a reboot the RAM file is back
// (the modem boots with it) and deletes keep working.
func TestStaleFileDeleteFails(t *testing.T) {
	f, err := ParseFaults("stale-file=RAM:cacert.pem,delete-fails")
	if err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, Options{Faults: f})
	h.bootDone()
	h.echoOff()
	stale := fmt.Sprintf("\r\n+QFLST: \"RAM:cacert.pem\",%d\r\n\r\nOK\r\n", len(StaleContent))
	for _, s := range [][2]string{
		{`AT+QFLST="RAM:*"`, stale},
		{`AT+QFLST`, "\r\nOK\r\n"}, // nothing in UFS
		{`AT+QFDEL="RAM:nope.pem"`, "\r\n+CME ERROR: 405\r\n"},
		{`AT+QFDEL="*"`, "\r\nOK\r\n"}, // matches nothing: not the failing delete
		{`AT+QFDEL="RAM:cacert.pem"`, "\r\n+CME ERROR: 418\r\n"},
		{`AT+QFLST="RAM:*"`, stale},
		{`AT+QFUPL="RAM:cacert.pem",5,10`, "\r\n+CME ERROR: 407\r\n"},
		{`AT+QFDEL="RAM:cacert.pem"`, "\r\nOK\r\n"},
		{`AT+QFLST="RAM:*"`, "\r\nOK\r\n"},
	} {
		h.must(s[0], s[1])
	}
	h.upload("RAM:cacert.pem", []byte("hello"))
	h.must(`AT+QFLST="RAM:*"`, "\r\n+QFLST: \"RAM:cacert.pem\",5\r\n\r\nOK\r\n")

	h.send("AT+CFUN=1,1\r")
	h.expect("\r\nOK\r\n\r\nPOWERED DOWN\r\n")
	h.advance(0, 1)
	h.bootDone()
	h.echoOff()
	h.must(`AT+QFLST="RAM:*"`, stale)
	h.must(`AT+QFDEL="RAM:*"`, "\r\nOK\r\n") // delete-fails fails once per modem
	h.stop()
	if b, ok := h.m.files.read("RAM:cacert.pem"); ok {
		t.Fatalf("deleted file still there: %q", b)
	}
}

// stale-file in UFS with delete-fails alone: the file is there at boot with
// the stale content, a reboot keeps what the host put there, and the first
// delete of any existing file fails with 418 (verbose text with CMEE=2).
func TestStaleFileUFS(t *testing.T) {
	f, _ := ParseFaults("stale-file=old.pem,delete-fails")
	h := newHarness(t, Options{Faults: f})
	h.bootDone()
	h.echoOff()
	h.must(`AT+QFLST`, fmt.Sprintf("\r\n+QFLST: \"old.pem\",%d\r\n\r\nOK\r\n", len(StaleContent)))
	h.must("AT+CMEE=2", ok)
	h.must(`AT+QFDEL="UFS:*"`, "\r\n+CME ERROR: fail to delete the file\r\n")
	h.must(`AT+QFDEL="UFS:old.pem"`, ok)
	h.upload("old.pem", []byte("new"))

	h.send("AT+CFUN=1,1\r")
	h.expect("\r\nOK\r\n\r\nPOWERED DOWN\r\n")
	h.advance(0, 1)
	h.bootDone()
	h.echoOff()
	h.must(`AT+QFLST`, "\r\n+QFLST: \"old.pem\",3\r\n\r\nOK\r\n") // the host's file, kept
	h.stop()
	if b, _ := h.m.files.read("old.pem"); string(b) != "new" {
		t.Fatalf("old.pem holds %q", b)
	}
}
