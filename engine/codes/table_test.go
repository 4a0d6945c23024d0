package codes

import (
	"strings"
	"testing"
)

// allTables lists every numeric table so the shape checks cover them all.
var allTables = map[string][]Code{
	"cme":       cmeTable(),
	"cms":       cmsTable,
	"regStat":   regStats,
	"regMode":   regModes,
	"act":       accessTechs,
	"cops":      copsModes,
	"cfun":      cfunLevels,
	"qmtOpen":   qmtOpenResults,
	"qmtConn":   qmtConnResults,
	"qmtRet":    qmtConnReturns,
	"qmtState":  qmtConnStates,
	"qmtPub":    qmtPubResults,
	"qmtSubQoS": qmtSubQoS,
	"qmtStat":   qmtStats,
	"qmtClose":  qmtCloseResults,
}

func TestTablesSortedUniqueAndWorded(t *testing.T) {
	for name, table := range allTables {
		t.Run(name, func(t *testing.T) {
			for i, c := range table {
				if c.Meaning == "" {
					t.Errorf("code %d has no meaning", c.N)
				}
				if c.Meaning != strings.TrimSpace(c.Meaning) || strings.HasSuffix(c.Meaning, ".") {
					t.Errorf("code %d: meaning %q has stray space or a full stop", c.N, c.Meaning)
				}
				if i > 0 && table[i-1].N >= c.N {
					t.Errorf("code %d follows %d: the table must ascend without duplicates", c.N, table[i-1].N)
				}
			}
		})
	}
}

func TestCME(t *testing.T) {
	tests := []struct {
		n     int
		want  string
		group Group
	}{
		{0, "phone failure", Group3GPP},
		{3, "operation not allowed", Group3GPP},
		{4, "operation not supported", Group3GPP},
		{10, "SIM not inserted", Group3GPP},
		{11, "SIM PIN required", Group3GPP},
		{13, "SIM failure", Group3GPP},
		{14, "SIM busy", Group3GPP},
		{16, "incorrect password", Group3GPP},
		{22, "not found", Group3GPP},
		{30, "no network service", Group3GPP},
		{32, "network not allowed, emergency calls only", Group3GPP},
		{47, "corporate personalization PUK required", Group3GPP},
		{50, "incorrect parameters", GroupGeneric},
		{100, "unknown error", GroupGeneric},
		{149, "PDP authentication failure", GroupGeneric},
		{400, "invalid input value", GroupFile},
		{402, "read zero byte", GroupFile},
		{405, "file not found", GroupFile},
		{407, "file already exists", GroupFile},
		{421, "time out", GroupFile},
		{426, "file already opened", GroupFile},
		{502, "operation not supported", GroupGNSS},
		{516, "not fixed now", GroupGNSS},
		{550, "unknown error", GroupSocket},
		{561, "open PDP context failed", GroupSocket},
		{565, "DNS parse failed", GroupSocket},
		{574, "port busy", GroupSocket},
		{901, "audio unknown error", GroupAudio},
		{904, "audio device busy", GroupAudio},
	}
	for _, tt := range tests {
		if got := CME(tt.n); got != tt.want {
			t.Errorf("CME(%d) = %q, want %q", tt.n, got, tt.want)
		}
		if c, _ := CMECode(tt.n); c.Group != tt.group {
			t.Errorf("CME(%d) group = %q, want %q", tt.n, c.Group, tt.group)
		}
	}
	for _, n := range []int{-1, 8, 19, 404, 999, 1 << 30} {
		if got := CME(n); got != "" {
			t.Errorf("CME(%d) = %q, want \"\" for a code not in the tables", n, got)
		}
	}
}

func TestCMERangeNamesUnlistedCodes(t *testing.T) {
	tests := []struct {
		n    int
		want string
	}{
		{404, "Quectel file system error"},
		{530, "Quectel GNSS error"},
		{599, "Quectel TCP/IP or SSL error"},
		{610, "Quectel FTP error"},
		{703, "Quectel HTTP error"},
		{19, ""},
	}
	for _, tt := range tests {
		if got := CMERange(tt.n); got != tt.want {
			t.Errorf("CMERange(%d) = %q, want %q", tt.n, got, tt.want)
		}
	}
}

func TestCMEByText(t *testing.T) {
	c, ok := CMEByText("  sim NOT inserted ")
	if !ok || c.N != 10 {
		t.Fatalf("CMEByText(SIM not inserted) = %v, %v; want code 10", c, ok)
	}
	if _, ok := CMEByText("no such text"); ok {
		t.Error("CMEByText found a row for an unknown text")
	}
}

func TestCMS(t *testing.T) {
	tests := []struct {
		n    int
		want string
	}{
		{300, "ME failure"},
		{302, "operation not allowed"},
		{304, "invalid PDU mode parameter"},
		{310, "SIM not inserted"},
		{314, "SIM busy"},
		{322, "memory full"},
		{330, "SMSC address unknown"},
		{340, "no +CNMA acknowledgement expected"},
		{350, "unknown error"},
		{500, "unknown error"},
		{510, "message blocked"},
		{299, ""},
		{511, ""},
	}
	for _, tt := range tests {
		if got := CMS(tt.n); got != tt.want {
			t.Errorf("CMS(%d) = %q, want %q", tt.n, got, tt.want)
		}
	}
	if got := CMSRange(42); !strings.Contains(got, "network cause") {
		t.Errorf("CMSRange(42) = %q, want a network cause", got)
	}
}

func TestMQTTTables(t *testing.T) {
	tests := []struct {
		name string
		fn   func(int) string
		n    int
		want string
	}{
		{"open", QMTOpenResult, -1, "failed to open the network"},
		{"open", QMTOpenResult, 0, "network opened"},
		{"open", QMTOpenResult, 1, "wrong parameter"},
		{"open", QMTOpenResult, 2, "MQTT client identifier is occupied"},
		{"open", QMTOpenResult, 3, "failed to activate the PDP context"},
		{"open", QMTOpenResult, 4, "failed to parse the domain name"},
		{"open", QMTOpenResult, 5, "network connection error"},
		{"open", QMTOpenResult, 6, ""},
		{"conn", QMTConnResult, 0, "CONNECT sent and CONNACK received"},
		{"conn", QMTConnResult, 1, "CONNECT being retransmitted"},
		{"conn", QMTConnResult, 2, "failed to send CONNECT"},
		{"ret", QMTConnReturn, 0, "connection accepted"},
		{"ret", QMTConnReturn, 1, "connection refused: unacceptable protocol version"},
		{"ret", QMTConnReturn, 2, "connection refused: identifier rejected"},
		{"ret", QMTConnReturn, 3, "connection refused: server unavailable"},
		{"ret", QMTConnReturn, 4, "connection refused: bad user name or password"},
		{"ret", QMTConnReturn, 5, "connection refused: not authorized"},
		{"state", QMTConnState, 1, "initializing"},
		{"state", QMTConnState, 3, "connected"},
		{"state", QMTConnState, 4, "disconnecting"},
		{"pub", QMTPubResult, 1, "packet being retransmitted"},
		{"pub", QMTPubResult, 2, "failed to send the packet"},
		{"qos", QMTSubQoS, 2, "granted QoS 2"},
		{"qos", QMTSubQoS, 128, "subscription refused by the broker"},
		{"stat", QMTStat, 1, "connection closed or reset by the peer"},
		{"stat", QMTStat, 2, "sending PINGREQ timed out or failed"},
		{"stat", QMTStat, 5, "the client sent DISCONNECT and the server closed the link (normal)"},
		{"stat", QMTStat, 7, "the link is not working or the server is unavailable"},
		{"stat", QMTStat, 8, "the client closed the connection actively"},
		{"stat", QMTStat, 0, ""},
		{"close", QMTCloseResult, -1, "failed"},
		{"close", QMTCloseResult, 0, "done"},
	}
	for _, tt := range tests {
		if got := tt.fn(tt.n); got != tt.want {
			t.Errorf("%s(%d) = %q, want %q", tt.name, tt.n, got, tt.want)
		}
	}
	if !strings.HasPrefix(QMTPubResult(0), "sent and acknowledged") {
		t.Errorf("QMTPubResult(0) = %q", QMTPubResult(0))
	}
}

func TestRegistrationTables(t *testing.T) {
	stats := []string{"not registered, not searching", "registered, home network", "not registered, searching",
		"registration denied", "unknown", "registered, roaming"}
	for n, want := range stats {
		if got := RegStat(n); got != want {
			t.Errorf("RegStat(%d) = %q, want %q", n, got, want)
		}
	}
	acts := map[int]string{0: "GSM", 2: "UTRAN", 3: "GSM with EGPRS", 7: "E-UTRAN (LTE)", 8: "LTE Cat-M1 (BG9x numbering)"}
	for n, want := range acts {
		if got := AcT(n); got != want {
			t.Errorf("AcT(%d) = %q, want %q", n, got, want)
		}
	}
	if RegStat(6) != "" || AcT(10) != "" {
		t.Error("unknown registration values must decode to \"\"")
	}
}

func TestCPINState(t *testing.T) {
	for _, code := range []string{"READY", "SIM PIN", "SIM PUK", "SIM PIN2", "SIM PUK2", "PH-NET PIN", "PH-NET PUK",
		"PH-NETSUB PIN", "PH-NETSUB PUK", "PH-SP PIN", "PH-SP PUK", "PH-CORP PIN", "PH-CORP PUK", "NOT READY"} {
		if CPINState(code) == "" {
			t.Errorf("CPINState(%q) is empty", code)
		}
	}
	if got := CPINState(" sim pin "); got != "the SIM waits for its PIN" {
		t.Errorf("CPINState(sim pin) = %q", got)
	}
	if CPINState("BANANA") != "" {
		t.Error("unknown CPIN code must decode to \"\"")
	}
}

func TestCSQ(t *testing.T) {
	tests := []struct {
		rssi  int
		level string
		dBm   int
		ok    bool
	}{
		{0, "≤ -113 dBm", -113, true},
		{1, "-111 dBm", -111, true},
		{2, "-109 dBm", -109, true},
		{19, "-75 dBm", -75, true},
		{28, "-57 dBm", -57, true},
		{30, "-53 dBm", -53, true},
		{31, "≥ -51 dBm", -51, true},
		{99, "unknown", 0, false},
		{32, "unknown", 0, false},
		{-1, "unknown", 0, false},
		{100, "-116 dBm (TD-SCDMA scale)", -116, true},
		{191, "-25 dBm (TD-SCDMA scale)", -25, true},
		{199, "unknown", 0, false},
	}
	for _, tt := range tests {
		level, dBm, ok := CSQ(tt.rssi)
		if level != tt.level || dBm != tt.dBm || ok != tt.ok {
			t.Errorf("CSQ(%d) = %q, %d, %v; want %q, %d, %v", tt.rssi, level, dBm, ok, tt.level, tt.dBm, tt.ok)
		}
	}
	for rssi := 2; rssi <= 30; rssi++ {
		if _, dBm, _ := CSQ(rssi); dBm != 2*rssi-113 {
			t.Errorf("CSQ(%d) = %d dBm, want 2·rssi−113", rssi, dBm)
		}
	}
}

func TestQIURCKind(t *testing.T) {
	for kind, want := range map[string]string{
		"pdpdeact": "PDP context deactivated by the network",
		"recv":     "data received on connection",
		"closed":   "connection closed by the peer",
		"RECV":     "data received on connection",
		"nope":     "",
	} {
		if got := QIURCKind(kind); got != want {
			t.Errorf("QIURCKind(%q) = %q, want %q", kind, got, want)
		}
	}
}
