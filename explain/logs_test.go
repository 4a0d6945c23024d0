package explain

import (
	"strings"
	"testing"
	"time"
)

// logCase is what a user would check in one shared log.
type logCase struct {
	prefix string
	format Format
	wants  []want
	extra  func(t *testing.T, entries []Entry)
}

const (
	qfuplRoot = `AT+QFUPL="rootCA.pem",1267,100`
	qmtopen02 = `AT+QMTOPEN=0,"a2c0mm2np5hs-ats.iot.us-west-2.amazonaws.com",8883`
)

var logCases = []logCase{
	{prefix: "01", format: FormatPlain, wants: []want{
		{text: "Password:", kind: KindNoise},
		{line: 8, text: "RDY", kind: KindURC, meaning: "started"},
		{line: 14, text: "+CPIN: READY", kind: KindURC},
		{line: 86, text: "+CPIN: READY", kind: KindResponse, command: "AT+CPIN?"},
		{text: `+cclk: "19/05/17,17:19:02-20"`, kind: KindResponse, command: "at+cclk?"},
		{line: 44, text: "Revision: BG96MAR02A07M1G", kind: KindResponse, command: "ATI"},
		{line: 212, text: "Revision: BG96MAR02A07M1G", kind: KindResponse, command: "ati"},
		{text: `+QIURC: "pdpdeact",1`, kind: KindURC, meaning: "deactivated"},
		{text: "RROR", kind: KindNoise, meaning: "line noise"},
		{text: "J?", kind: KindNoise},
		{text: "Hello Wor5lld", kind: KindData, command: `at+cmgs="xxxxxxxxxx"`},
		{text: "+CMGS: 29", kind: KindResponse, command: `at+cmgs="xxxxxxxxxx"`},
		{text: "+CMS ERROR: 304", kind: KindFinal, command: `at+cmgs="xxxxxxxxxx"`, meaning: "PDU mode"},
		{text: "+CME ERROR: 407", kind: KindFinal, command: `AT+QFUPL="cacert.pem",1758,100`, meaning: "file already exists", hint: "AT+QFDEL", n: 2},
		{text: "+CME ERROR: 3", kind: KindFinal, command: "at+csq?", meaning: "operation not allowed"},
		{text: "+CME ERROR: 516", kind: KindFinal, meaning: "not fixed now"},
		{text: "+CME ERROR: Not fixed now", kind: KindFinal, meaning: "Not fixed now"},
		{text: "AT+QMTCFG=”SSL”, 0, 1, 2", kind: KindEcho, meaning: "typographic quotes"},
		{text: "+QMTOPEN: 0,0", kind: KindURC, command: `AT+QMTOPEN=0,"iot-as-mqtt.cn-shanghai.aliyuncs.com",1883`, meaning: "network opened"},
		{text: "+QMTSTAT: 0,1", kind: KindURC, meaning: "closed or reset by the peer"},
		{text: `+QMTOPEN: (0-5),"host_name",(1-65536)`, kind: KindResponse, command: "AT+QMTOPEN=?"},
		{text: "SEND OK", kind: KindFinal},
		{text: "+QPING: 0,4,4,0,341,596,414", kind: KindURC, meaning: "4 received"},
	}, extra: func(t *testing.T, entries []Entry) {
		// The session is hand-typed with echo on: every command shows once,
		// as the modem's echo, never as a host line.
		if n := countKind(entries, KindCommand); n != 0 {
			t.Errorf("%d command entries, want 0: a plain log without doubling shows echoes", n)
		}
	}},
	{prefix: "02", format: FormatPlain, wants: []want{
		{text: "+QFUPL: 1267,f5f", kind: KindResponse, command: qfuplRoot, meaning: "1267 bytes"},
		{text: "+QFUPL: 1299,7b68", kind: KindResponse, command: `AT+QFUPL="a0b2a62b23-certificate.pem",1299,100`},
		{text: "+QFUPL: 1782,6035", kind: KindResponse, command: `AT+QFUPL="a0b2a62b23-private.pem",1782,100`},
		{text: "CONNECT", kind: KindFinal, n: 3},
		{text: "+QMTOPEN: 0,-1", kind: KindURC, command: qmtopen02, meaning: "failed to open the network", hint: "APN"},
		{text: `AT+QSSLCFG="ciphersuite",2,"0XFFFF"`, kind: KindEcho, meaning: "quoted"},
		{text: `+QSSLCFG: "ignorelocaltime",1,1`, kind: KindResponse, command: `AT+QSSLCFG="ignorelocaltime",1`},
		{text: "+CGREG: 0,4", kind: KindResponse, meaning: "unknown"},
		{text: `+QFLST: "security/",2`, kind: KindResponse, meaning: "directory"},
	}},
	{prefix: "03", format: FormatPlain, wants: []want{
		{line: 1, text: "OK", kind: KindFinal, command: ""},
		{text: "Performing AWS Provisioning", kind: KindNoise},
		{text: "xxxxxxxxxxxxxxx", kind: KindResponse, command: "AT+GSN"},
		{text: "EC25AFFAR07A08M4G", kind: KindResponse, command: "AT+GMR"},
		{text: "+QFUPL: 1188,2d13", kind: KindResponse, command: "AT+QFUPL=“RAM:cacert.pem”,1188,100"},
		{text: "+QMTOPEN: 0,-1", kind: KindURC, meaning: "failed to open the network"},
		{text: "+CEREG: 0,1", kind: KindResponse, command: "AT+CEREG?", meaning: "registered, home network"},
	}},
	{prefix: "04", format: FormatPlain, wants: []want{
		{text: "<AWS_CA_cert.pem>", kind: KindData},
		{text: "+QFUPL: 1221,21c", kind: KindResponse, command: "AT+QFUPL=“client.pem”,1221,100"},
		{text: "+QMTOPEN: 0,-1", kind: KindURC, command: `AT+QMTOPEN=0,"********-ats.iot.us-east-1.amazonaws.com",8883`},
		{line: 76, text: "ERROR", kind: KindFinal, command: `AT+QMTOPEN=0,"********-ats.iot.us-east-1.amazonaws.com",8883`},
		{text: "+CREG: 0,5", kind: KindResponse, meaning: "registered, roaming"},
	}},
	{prefix: "05", format: FormatArrows, wants: []want{
		{text: `AT+QMTOPEN=0,"[private HiveMQ SSL MQTT Broker]",8883`, kind: KindCommand},
		{text: "OK", kind: KindFinal},
		{text: "+QMTOPEN: 0,-1", kind: KindURC, meaning: "failed to open the network"},
	}, extra: func(t *testing.T, entries []Entry) {
		offsets := []time.Duration{0, 85 * time.Millisecond, 417 * time.Millisecond}
		for i, e := range entries {
			if !e.HasTime || e.Offset != offsets[i] {
				t.Errorf("entry %d %q: offset %v (timed %v), want %v", i, e.Text, e.Offset, e.HasTime, offsets[i])
			}
		}
	}},
	{prefix: "06", format: FormatEWF, wants: []want{
		{text: "Waiting for BG96 modem to be ready after power ON", kind: KindNoise},
		{line: 3, text: "AT", kind: KindCommand},
		{line: 4, text: "AT", kind: KindEcho, command: "AT"},
		{line: 4, text: "OK", kind: KindFinal, command: "AT"},
		{line: 12, text: "ATE0", kind: KindEcho},
		{text: "AT+CFUN=1", kind: KindCommand, n: 1},
		{text: "+CPIN: READY", kind: KindResponse, command: "AT+CPIN?"},
		{text: `+QIACT: 1,1,1,"10.XXX.YYY.160"`, kind: KindResponse, meaning: "context 1 active"},
	}, extra: func(t *testing.T, entries []Entry) {
		// After ATE0 the modem stops echoing.
		if n := countKind(entries, KindEcho); n != 5 {
			t.Errorf("%d echoes, want 5 (four AT and ATE0)", n)
		}
	}},
	{prefix: "07", format: FormatPlain, wants: []want{
		{text: "Init EC600S ...", kind: KindNoise},
		{text: "Start to sending SMS", kind: KindNoise},
		{text: "MQTTS Done", kind: KindNoise},
		{text: "MQTTS", kind: KindNoise, n: 3},
		{text: "+CSQ: 31,99", kind: KindResponse, command: "AT+CSQ", meaning: "-51 dBm"},
		{text: "+CREG: 0,1", kind: KindResponse, command: "AT+CREG?"},
		{text: "+QMTCLOSE: 0,0", kind: KindURC},
		{text: `+QMTCFG: "version",(0-5),(3,4)`, kind: KindResponse, command: "AT+QMTCFG=?"},
		{text: ">", kind: KindPrompt},
		{text: "+QMTOPEN: 0,0", kind: KindURC},
		{text: "+QMTCONN: 0,0,0", kind: KindURC, meaning: "accepted"},
		{text: "+QMTPUBEX: 0,0,0", kind: KindURC},
		{text: "+QMTDISC: 0,0", kind: KindURC},
	}, extra: func(t *testing.T, entries []Entry) {
		for _, e := range find(entries, "+CSQ: 31,99") {
			if !e.Inferred || !e.HasTime || e.Offset != 2496*time.Millisecond {
				t.Errorf("+CSQ: inferred %v, offset %v (timed %v); want inferred at 2.496s", e.Inferred, e.Offset, e.HasTime)
			}
		}
	}},
	{prefix: "08", format: FormatArduino, wants: []want{
		{text: "Wait...", kind: KindNoise},
		{text: "AT+CFUN=1,1", n: 2},
		{line: 8, text: "AT+CFUN=1,1", kind: KindCommand},
		{line: 9, text: "AT+CFUN=1,1", kind: KindEcho},
		{line: 13, text: "POWERED DOWN", kind: KindURC},
		{line: 13, text: "[6036] ### TinyGSM Version: 0.7.9", kind: KindNoise},
		{text: `+QIURC: "pdpdeact",1`, kind: KindURC},
		{line: 28, text: "RDY", kind: KindURC},
		{text: "[8972] ### Unhandled: RDY", kind: KindNoise, meaning: `"RDY"`},
		{line: 35, text: "AT&FZE0", kind: KindEcho},
		{text: "+CPIN: READY", kind: KindResponse, command: "AT+CPIN?"},
		{text: "Revision: BG96MAR02A07M1G", kind: KindResponse, command: "ATI"},
	}, extra: func(t *testing.T, entries []Entry) {
		// Ten unanswered probes between the reset and RDY: commands, no echo.
		probes := 0
		for _, e := range entries {
			if e.Kind == KindCommand && e.Text == "AT" && e.Line >= 14 && e.Line <= 26 {
				probes++
			}
			if e.Kind == KindEcho && e.Line >= 14 && e.Line <= 26 {
				t.Errorf("line %d: probe %q taken for an echo", e.Line, e.Text)
			}
		}
		if probes != 10 {
			t.Errorf("%d unanswered AT probes, want 10", probes)
		}
		if e := find(entries, "POWERED DOWN"); len(e) == 1 && (!e[0].HasTime || e[0].Offset != 37*time.Millisecond) {
			t.Errorf("POWERED DOWN offset %v, want 37ms", e[0].Offset)
		}
	}},
	{prefix: "11", format: FormatPlain, wants: []want{
		{text: "/sys/class/gpio # mi", kind: KindNoise},
		{text: "Serial port COM13 closed", kind: KindNoise},
		{text: "--------- ping at cmnds ------", kind: KindNoise, n: 2},
		{text: "at+qicsgp=1,1,\"airtelgpars⌂", kind: KindEcho, meaning: "non-ASCII"},
		{line: 74, text: "+CPIN: READY", kind: KindURC},
		{line: 68, text: "ERROR", kind: KindFinal, command: "at"},
		{text: "+COPS: 0", kind: KindResponse, meaning: "no operator yet", n: 3},
		{text: `+QPING: 0,"8.8.8.8",32,59,255`, kind: KindURC, command: `AT+QPING=1,"8.8.8.8"`},
	}},
	{prefix: "12", format: FormatPlain, wants: []want{
		{text: "# configure MQTT session to use SSL mode", kind: KindNoise},
		{text: "TODO: documentation shows quotes around 0xffff", kind: KindNoise},
		{line: 9, text: "<Input the root.pem data, the size is 1758 bytes>", kind: KindData},
		{line: 9, text: "+QFUPL: 1758,384a", kind: KindResponse, command: `AT+QFUPL="root.pem",1758,100`},
		{line: 71, text: ">", kind: KindPrompt},
		{line: 71, text: "This is publish data from client", kind: KindData},
		{line: 71, text: "OK", kind: KindFinal, command: `AT+QMTPUB=0,1,1,0,"$aws/things/datadog/shadow/update/accepted"`},
		{text: "+QMTPUB: 0,1,0", kind: KindURC},
		{text: "+QMTSUB: 0,1,0,1", kind: KindURC, meaning: "granted QoS 1"},
		{line: 79, text: "OK", kind: KindFinal, command: "AT+QMTDISC=0"},
		{line: 79, text: "+QMTDISC: 0,0", kind: KindURC, command: "AT+QMTDISC=0", meaning: "disconnect done"},
	}},
	{prefix: "13", format: FormatArduino, wants: []want{
		{text: "AT+QMTSUB=0,1,\"value\",2", kind: KindEcho},
		{text: "+QMTSUB: 0,1,0,2", kind: KindURC, meaning: "granted QoS 2"},
		{text: "+QMTPUB: 0,1,0", kind: KindURC, command: `AT+QMTPUB=0,1,1,0,"value","123"`},
		{text: `+QMTRECV: 0,1,"value","123"`, kind: KindURC, meaning: "topic value"},
		{text: "+QMTDISC: 0,0", kind: KindURC},
	}, extra: func(t *testing.T, entries []Entry) {
		if n := countKind(entries, KindCommand); n != 0 {
			t.Errorf("%d command entries, want 0: this monitor shows the modem's echo only", n)
		}
		for _, e := range entries {
			if strings.HasPrefix(e.Text, "# ") && e.Kind != KindNoise {
				t.Errorf("line %d: comment %q is %s, want noise", e.Line, e.Text, e.Kind)
			}
		}
		if e := find(entries, "+QMTOPEN: 0,0"); len(e) != 1 || e[0].Offset != 1324*time.Millisecond {
			t.Errorf("+QMTOPEN: 0,0 at %v, want 1.324s", e)
		}
	}},
	{prefix: "14", format: FormatArrows, wants: []want{
		{text: `### Connecting to MQTT server "beam.soracom.io"`, kind: KindNoise},
		{text: "AT+QISEND=0,22", kind: KindCommand},
		{text: ">", kind: KindPrompt, command: "AT+QISEND=0,22"},
		{text: "(binary)", kind: KindData},
		{text: " ", kind: KindData},
		{text: "SEND OK", kind: KindFinal, command: "AT+QISEND=0,22"},
		{text: "+QIOPEN: 0,0", kind: KindURC, meaning: "opened"},
		{text: "+QIRD: 0", kind: KindResponse, command: "AT+QIRD=0", n: 3},
	}, extra: func(t *testing.T, entries []Entry) {
		if e := find(entries, "(binary)"); len(e) == 1 && e[0].Dir != Host {
			t.Errorf("(binary) is from %q, want the host", e[0].Dir)
		}
	}},
	{prefix: "17", format: FormatPlain, wants: []want{
		{text: "[19909] Connecting to APN >>  internet", kind: KindNoise},
		{text: "[24647] - success", kind: KindNoise},
		{text: "+CGATT: 1", kind: KindResponse, command: "AT+CGATT?", meaning: "attached"},
		{text: "ERROR", kind: KindFinal, command: "AT+QILOCIP", n: 2},
	}},
}

func TestSharedLogs(t *testing.T) {
	for _, lc := range logCases {
		t.Run(lc.prefix, func(t *testing.T) {
			text := loadLog(t, lc.prefix)
			if got := Detect([]byte(text)); got != lc.format {
				t.Errorf("Detect = %q, want %q", got, lc.format)
			}
			entries := mustParse(t, text, FormatAuto)
			checkWellFormed(t, entries, len(splitLines(text)))
			checkCovered(t, entries, text, ewfContinuation)
			check(t, entries, lc.wants)
			if lc.extra != nil {
				lc.extra(t, entries)
			}
			checkEvents(t, Events(entries))
		})
	}
}

// ewfContinuation accepts the later chunks of a command the host wrote in
// several pieces: they belong to the entry of the first chunk.
func ewfContinuation(line string) bool {
	m := ewfLine().FindStringSubmatch(line)
	return m != nil && m[1] == "SEND" && !strings.HasPrefix(m[3], "AT")
}
