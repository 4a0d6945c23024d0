package sim

import (
	"bytes"
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"strings"
	"testing"
	"time"
)

// TestSIMComWire: the SIMCom boot, certificate store and MQTT service
// commands on the wire, byte for byte, with no network.
func TestSIMComWire(t *testing.T) {
	h := newHarness(t, Options{Model: ModelSIMCom, Dial: noDial, Seed: 1})
	h.bootDone()
	h.echoOff()
	if got := h.cmd("ATI"); !strings.Contains(got, "Manufacturer: SIMCOM INCORPORATED\r\nModel: A7670E-LASE\r\n") {
		t.Fatalf("ATI: %q", got)
	}
	h.send(`AT+CCERTDOWN="ca.pem",5` + "\r")
	h.expect("\r\n>")
	h.send("hello")
	h.expect("\r\nOK\r\n")
	for _, tc := range []struct{ cmd, want string }{
		{"AT+CCERTLIST", "\r\n+CCERTLIST: \"ca.pem\"\r\n\r\nOK\r\n"},
		{`AT+CSSLCFG="authmode",0,1`, "\r\nOK\r\n"},
		{`AT+CSSLCFG="authmode",0,7`, "\r\nERROR\r\n"},
		{`AT+CCERTDELE="nope.pem"`, "\r\nERROR\r\n"},
		{`AT+CMQTTACCQ=0,"dev1",1`, "\r\nERROR\r\n"}, // service not started
		{"AT+CMQTTSTART", "\r\nOK\r\n"},
	} {
		if got := h.cmd(tc.cmd); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.cmd, got, tc.want)
		}
	}
	h.expect("\r\n+CMQTTSTART: 0\r\n")
	for _, tc := range []struct{ cmd, want string }{
		{"AT+CMQTTSTART", "\r\n+CMQTTSTART: 23\r\n\r\nERROR\r\n"},
		{`AT+CMQTTACCQ=0,"dev1",1`, "\r\nOK\r\n"},
		{`AT+CMQTTACCQ=0,"dev2",1`, "\r\n+CMQTTACCQ: 0,19\r\n\r\nERROR\r\n"},
		{"AT+CMQTTPUB=0,1,60", "\r\n+CMQTTPUB: 0,18\r\n\r\nERROR\r\n"},
		{"AT+CMQTTSTOP", "\r\n+CMQTTSTOP: 21\r\n\r\nERROR\r\n"},
		{"AT+CMQTTDISC=0,60", "\r\n+CMQTTDISC: 0,11\r\n\r\nERROR\r\n"},
		{`AT+CMQTTCONNECT=0,"mqtt://h:1",60,1`, "\r\nERROR\r\n"},
		{"AT+CMQTTREL=0", "\r\nOK\r\n"},
		{"AT+CMQTTSTOP", "\r\nOK\r\n"},
	} {
		if got := h.cmd(tc.cmd); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.cmd, got, tc.want)
		}
	}
	h.expect("\r\n+CMQTTSTOP: 0\r\n")
	// The topic is taken by its length: CR LF and quotes in it are data.
	h.cmd("AT+CMQTTSTART")
	h.expect("\r\n+CMQTTSTART: 0\r\n")
	h.cmd(`AT+CMQTTACCQ=1,"x"`)
	h.send("AT+CMQTTTOPIC=1,4\r")
	h.expect("\r\n>")
	h.send("a\r\n\"")
	h.expect("\r\nOK\r\n")
	if got := string(h.m.simcom.clients[1].topic); got != "a\r\n\"" {
		t.Errorf("topic %q", got)
	}
}

// TestSIMComConnectNoNetwork: a connect the network refuses ends in the
// result code, and the client can connect again.
func TestSIMComConnectNoNetwork(t *testing.T) {
	h := newHarness(t, Options{Model: ModelSIMCom, Dial: noDial, Seed: 1})
	h.bootDone()
	h.echoOff()
	h.cmd("AT+CMQTTSTART")
	h.expect("\r\n+CMQTTSTART: 0\r\n")
	h.cmd(`AT+CMQTTACCQ=0,"dev1"`)
	for range 2 {
		if got := h.cmd(`AT+CMQTTCONNECT=0,"tcp://broker:1883",60,1`); got != "\r\nOK\r\n" {
			t.Fatalf("connect: %q", got)
		}
		h.expect(fmt.Sprintf("\r\n+CMQTTCONNECT: 0,%d\r\n", cmqttSockConnect))
	}
}

// TestUbloxWire: the u-blox security manager and MQTT profile on the wire.
func TestUbloxWire(t *testing.T) {
	h := newHarness(t, Options{Model: ModelUblox, Dial: noDial, Seed: 1})
	h.echoOff()
	if got := h.cmd("ATI9"); got != "\r\n"+ubloxRevision+",A00.01\r\n\r\nOK\r\n" {
		t.Fatalf("ATI9: %q", got)
	}
	pem := "-----BEGIN X-----\r\n\"q\",\r\n"
	sum := md5.Sum([]byte(pem))
	h.send(fmt.Sprintf(`AT+USECMNG=0,0,"ca.pem",%d`, len(pem)) + "\r")
	h.expect("\r\n>")
	h.send(pem)
	h.expect(fmt.Sprintf("\r\n+USECMNG: 0,0,\"ca.pem\",\"%s\"\r\n\r\nOK\r\n", hex.EncodeToString(sum[:])))
	for _, tc := range []struct{ cmd, want string }{
		{`AT+USECMNG=2,0,"nope"`, "\r\n+CME ERROR: 4\r\n"},
		{`AT+USECPRF=0,3,"ca.pem"`, "\r\nOK\r\n"},
		{`AT+USECPRF=0,0,9`, "\r\nERROR\r\n"},
		{"AT+UMQTTC=1", "\r\n+UMQTTC: 1,0\r\n\r\nOK\r\n"}, // no server yet
		{"AT+UMQTTER", "\r\n+UMQTTER: 3,1\r\n\r\nOK\r\n"},
		{`AT+UMQTT=0,"dev1"`, "\r\n+UMQTT: 0,1\r\n\r\nOK\r\n"},
		{`AT+UMQTT=2,"broker",8883`, "\r\n+UMQTT: 2,1\r\n\r\nOK\r\n"},
		{"AT+UMQTT=11,1,0", "\r\n+UMQTT: 11,1\r\n\r\nOK\r\n"},
		{`AT+UMQTTC=4,0,"t"`, "\r\n+UMQTTC: 4,0\r\n\r\nOK\r\n"}, // not logged in
		{"AT+UMQTTC=6,1", "\r\n+UMQTTC: 6,0\r\n\r\nOK\r\n"},
		{"AT+UMQTTC=0", "\r\n+UMQTTC: 0,0\r\n\r\nOK\r\n"},
	} {
		if got := h.cmd(tc.cmd); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.cmd, got, tc.want)
		}
	}
}

// TestModelsShareFaults: every fault name is accepted for every model (the
// fault machinery is shared), and an unknown model is refused by name.
func TestModelsShareFaults(t *testing.T) {
	for _, model := range Models() {
		if CommandsOf(model)[0] == "" || ModelTitle(model) == "" {
			t.Errorf("%s: no commands or title", model)
		}
	}
	if err := CheckModel("nokia"); err == nil || !strings.Contains(err.Error(), "ec20, simcom, ublox") {
		t.Errorf("CheckModel(nokia) = %v", err)
	}
	if !contains(CommandsOf(ModelSIMCom), "AT+CMQTTCONNECT") || contains(CommandsOf(ModelSIMCom), "AT+QMTOPEN") {
		t.Error("the SIMCom command set is not its own")
	}
	if !contains(CommandsOf(ModelUblox), "AT+UMQTTC") || !contains(CommandsOf(ModelEC20), "AT+QMTOPEN") {
		t.Error("the u-blox or EC20 command set is wrong")
	}
}

// The SIMCom and u-blox modems fed arbitrary bytes in arbitrary pieces:
// no panic, and once time has passed (every prompt timed out) they answer
// a plain AT again.
func FuzzFamilyInput(f *testing.F) {
	for _, s := range []string{
		`AT+CCERTDOWN="ca.pem",5` + "\rhello", "AT+CMQTTSTART\r" + `AT+CMQTTACCQ=0,"x",1` + "\rAT+CMQTTTOPIC=0,3\r",
		`AT+CMQTTCONNECT=0,"tcp://h:1",60,1,"u","p"` + "\r", "AT+CMQTTSUB=0,9,1\r", `AT+CSSLCFG="cacert",0,"ca.pem"` + "\r",
		`AT+USECMNG=0,0,"ca.pem",5` + "\rhello", `AT+UMQTT=2,"h",1` + "\rAT+UMQTTC=1\r", `AT+UMQTTC=9,1,0,"t",4` + "\r",
		`AT+UMQTTC=2,0,0,1,"t","4142"` + "\r", "AT+UMQTTC=6,1\rAT+UMQTTER\r", "AT+USECPRF=0,0,1\r",
	} {
		f.Add([]byte(s), uint8(3), false)
		f.Add([]byte(s), uint8(1), true)
	}
	f.Fuzz(func(t *testing.T, in []byte, step uint8, ublox bool) {
		model := ModelSIMCom
		if ublox {
			model = ModelUblox
		}
		m, out, stop := newSyncModem(Options{Model: model, Dial: noDial, Seed: int64(step) + 1})
		defer stop()
		n := int(step%16) + 1
		for len(in) > 0 {
			k := min(n, len(in))
			m.input(in[:k])
			in = in[k:]
		}
		m.clk.(*ManualClock).Advance(70000 * time.Second)
		m.runEvents()
		if m.rebooting || m.silent {
			return
		}
		// End a half-typed line; a prompt that line opens times out.
		m.input([]byte("\r"))
		m.clk.(*ManualClock).Advance(2 * famPromptWait)
		m.runEvents()
		before := out.Len()
		m.input([]byte("AT\r"))
		if tail := out.Bytes()[before:]; !bytes.HasSuffix(tail, []byte("OK\r\n")) && !bytes.HasSuffix(tail, []byte("0\r")) {
			t.Fatalf("%s does not answer AT after the input; last output %q", model, tail)
		}
	})
}
