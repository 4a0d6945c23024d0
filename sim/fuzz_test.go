package sim

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"
)

// seedLines are command lines from the reference and the real logs,
// including the malformed ones the modem refuses.
var seedLines = []string{
	"AT", "at", "ATE0", "ATI", "AT&FZE0", "ATE0V1;+CMEE=1", "ATS3?", "ATS3=13",
	"AT+CSQ", "AT+CSQ=?", "AT+CPIN?", `AT+CPIN="1234"`, "AT+CREG=2", "AT+CREG?",
	"AT+CFUN=1,1", "AT+CFUN=0", `AT+QURCCFG="urcport","uart1"`,
	`AT+QFUPL="RAM:cacert.pem",1188,100`, `AT+QFUPL="x",3,1,1`, `AT+QFLST="RAM:*"`, `AT+QFDEL="*"`,
	`AT+QSSLCFG="ciphersuite",2,0xFFFF`, `AT+QSSLCFG="ciphersuite",2,"0XFFFF"`,
	`AT+QSSLCFG="ignorelocaltime",1`, `AT+QSSLCFG="clientkey",2,"k.pem","pwd"`,
	`AT+QMTCFG="recv/mode",0,0,1`, `AT+QMTCFG=“SSL”,0,1,2`, `AT+QMTCFG="will",0,1,1,0,"t","m"`,
	`AT+QMTOPEN=0,"127.0.0.1",8883`, `AT+QMTOPEN=0, "host",8883`, `AT+QMTCONN=0,“clientExample”`,
	`AT+QMTPUB=0,1,1,0,"PubTopic"`, `AT+QMTPUBEX=0,1,1,0,"t",5`, `AT+QMTSUB=0,1,"a",0,"b",1`,
	`AT+QSSLCFG="seclevel”,2,2`, "AT+", "AT+=", `AT+X="`, "AT+CGDCONT=1,\"IP\",\"apn\"", "\xff\xfeAT",
}

// The parser never panics, and whatever it accepts has sane commands.
func FuzzParseLine(f *testing.F) {
	for _, s := range seedLines {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, line []byte) {
		cmds, err := parseLine(line)
		if err != nil {
			return
		}
		if len(cmds) == 0 {
			t.Fatalf("%q parsed to no command and no error", line)
		}
		for _, c := range cmds {
			if c.name != strings.ToUpper(c.name) {
				t.Fatalf("%q: name %q not upper case", line, c.name)
			}
			for _, p := range c.args {
				if !p.quoted && strings.ContainsAny(p.text, `",;`) {
					t.Fatalf("%q: bare parameter %q holds a delimiter", line, p.text)
				}
			}
		}
	})
}

// The whole modem fed arbitrary bytes in arbitrary pieces: no panic, no
// runaway, and once time has passed it answers a plain AT again (unless
// the input powered it down or silenced it).
func FuzzModemInput(f *testing.F) {
	for _, s := range seedLines {
		f.Add([]byte(s+"\r"), uint8(3))
	}
	f.Add([]byte("AT+QFUPL=\"f\",5\rabAT+CSQ\r"), uint8(2))
	f.Add([]byte("AT+CFUN=1,1\rAT\r"), uint8(1))
	f.Add([]byte("ATV0\rAT+NOPE\rATE0\r"), uint8(7))
	f.Fuzz(func(t *testing.T, in []byte, step uint8) {
		m, out, stop := newSyncModem(Options{Dial: noDial, Seed: int64(step) + 1})
		defer stop()
		n := int(step%16) + 1
		for len(in) > 0 {
			k := min(n, len(in))
			m.input(in[:k])
			in = in[k:]
		}
		m.clk.(*ManualClock).Advance(70000 * time.Second) // every upload timeout, every reboot
		m.runEvents()
		if m.rebooting || m.silent {
			return
		}
		before := out.Len()
		m.input([]byte("\x1b\r\rAT\r"))
		tail := out.Bytes()[before:]
		if !bytes.HasSuffix(tail, []byte("OK\r\n")) && !bytes.HasSuffix(tail, []byte("0\r")) {
			t.Fatalf("modem does not answer AT after the input; last output %q", tail)
		}
	})
}

// newSyncModem runs a modem without its loop: input and events are driven
// by the caller on its own goroutine, output goes to a buffer.
func newSyncModem(opts Options) (*Modem, *bytes.Buffer, func()) {
	if opts.Clock == nil {
		opts.Clock = NewManualClock(time.Unix(1700000000, 0))
	}
	m := NewModem(opts)
	ctx, cancel := context.WithCancel(context.Background())
	out := &bytes.Buffer{}
	m.ctx, m.w = ctx, out
	m.boot()
	return m, out, func() {
		cancel()
		m.shutdown()
	}
}
