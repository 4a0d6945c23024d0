package sim

import (
	"bytes"
	"strings"
	"testing"
	"time"
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
