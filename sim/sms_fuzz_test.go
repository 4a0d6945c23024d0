package sim

import (
	"bytes"
	"encoding/hex"
	"strings"
	"testing"
	"time"
)

// A SUBMIT that decodes re-encodes to the same text, and no input panics.
func FuzzDecodeSubmit(f *testing.F) {
	for _, s := range []string{
		"1100" + "0B915155100010F8" + "0000A7" + "05" + "E8329BFD06",
		"1105" + "0C91947101325476" + "0008A7" + "04" + "00480069",
		"5100" + "0B915155100010F8" + "0000A7" + "0A" + "050003010201" + "C8F71D",
		"01", "", "11000091",
	} {
		b, _ := hex.DecodeString(s)
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, tpdu []byte) {
		s, err := decodeSubmit(tpdu)
		if err != nil || alphabet(s.dcs) != dcsGSM7 {
			return
		}
		sept, ok := toSeptets(s.text)
		if !ok {
			t.Fatalf("decoded text %q has no GSM form", s.text)
		}
		if again := fromSeptets(sept); again != s.text {
			t.Fatalf("text %q re-encodes to %q", s.text, again)
		}
	})
}

// The modem takes an SMS command line and its text in any split, and
// answers +CMGS once; arbitrary text between the prompt and Ctrl+Z never
// leaves it stuck.
func FuzzSMSInput(f *testing.F) {
	f.Add([]byte("hello"), uint8(1), true)
	f.Add([]byte("0047007200FC00DF0065"), uint8(3), false)
	f.Add([]byte("\r\n> AT\r"), uint8(2), true)
	f.Fuzz(func(t *testing.T, text []byte, step uint8, textMode bool) {
		m, out, stop := newSyncModem(Options{Dial: noDial, Seed: 1})
		defer stop()
		in := []byte("ATE0\rAT+CMGF=1\rAT+CMGS=\"" + OwnNumber + "\"\r")
		if !textMode {
			in = []byte("ATE0\rAT+CMGF=0\rAT+CMGS=18\r")
		}
		text = bytes.Map(func(r rune) rune {
			if r == sub || r == esc {
				return 'x'
			}
			return r
		}, text)
		in = append(append(in, text...), sub)
		n := int(step%16) + 1
		for len(in) > 0 {
			k := min(n, len(in))
			m.input(in[:k])
			in = in[k:]
		}
		m.clk.(*ManualClock).Advance(time.Hour)
		m.runEvents()
		got := out.String()
		if strings.Count(got, "+CMGS: ") > 1 || (!strings.Contains(got, "+CMGS: ") && !strings.Contains(got, "+CMS ERROR: ")) {
			t.Fatalf("no single result for the message: %q", got)
		}
		before := out.Len()
		m.input([]byte("AT\r"))
		if tail := out.String()[before:]; !strings.HasSuffix(tail, "OK\r\n") {
			t.Fatalf("modem does not answer AT after the message; %q", tail)
		}
	})
}

// Every split of a text-mode send gives the same bytes.
func TestSMSSendEverySplit(t *testing.T) {
	in := []byte("AT+CMGF=1\rAT+CMGS=\"+4912345\"\rhi there\x1aAT+CMGL=\"ALL\"\r")
	var want string
	for i := 1; i < len(in); i++ {
		m, out, stop := newSyncModem(Options{Dial: noDial, Seed: 1})
		m.input(in[:i])
		m.input(in[i:])
		m.runEvents()
		stop()
		got := out.String()
		if want == "" {
			want = got
			if !strings.Contains(got, "hi there\x1a") && !strings.Contains(got, "\r\n+CMGS: 0\r\n\r\nOK\r\n") {
				t.Fatalf("split %d: %q", i, got)
			}
		}
		if got != want {
			t.Fatalf("split at %d:\n got %q\nwant %q", i, got, want)
		}
	}
}
