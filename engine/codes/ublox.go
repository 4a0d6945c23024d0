package codes

import (
	"strconv"
	"sync"
)

// u-blox SARA-R5 (and SARA-R4) MQTT: AT+UMQTTC actions answer
// +UMQTTC: <op>,<result> and report their outcome as +UUMQTTC: <op>,...
// (docs/at-reference/ublox.md).

// umqttOps() names the AT+UMQTTC operations.
var umqttOps = sync.OnceValue(func() map[int]string {
	return map[int]string{
		0: "logout", 1: "login", 2: "publish", 3: "publish a file", 4: "subscribe",
		5: "unsubscribe", 6: "read", 7: "message format", 8: "ping", 9: "binary publish",
	}
})

// uumqttLinkEnds are the +UUMQTTC: 0,<n> values: how the link ended (ubxlib's
// handling of SARA-R5/R422; 0 on the R410M's old syntax is a failed logout).
var uumqttLinkEnds = []Code{
	{0, "logout failed", "", ""},
	{1, "logged out", "", ""},
	{100, "disconnected: inactivity (no traffic within the keep-alive)", "", "set a keep-alive the broker accepts (AT+UMQTT=10,<s>) and log in again"},
	{101, "connection lost", "", "the broker or the network dropped the link: log in again (AT+UMQTTC=1); AT+UMQTTER says more"},
	{102, "connection lost: protocol violation", "", "the broker closed the link over a malformed packet: check topics and payload sizes"},
}

// umqttErrClasses are the <class> values of +UMQTTER as the virtual
// SARA-R5 reports them; the module's own classes are in its manual's
// error appendix, which this table does not replace.
var umqttErrClasses = []Code{
	{0, "no error", "", ""},
	{1, "the broker refused the CONNECT", "", "the code is the CONNACK code: 4 bad user name or password, 5 not authorized"},
	{2, "the network side failed", "", "check registration, the PDP context (AT+CGACT?), the host and port, and for TLS the security profile (AT+USECPRF) and its CA"},
	{3, "the MQTT profile is incomplete", "", "set the server (AT+UMQTT=2) and, for TLS, the certificates the security profile names (AT+USECMNG)"},
}

var (
	uumqttLinkIndex  = lazyIndex(uumqttLinkEnds)
	umqttErrClassIdx = lazyIndex(umqttErrClasses)
)

// addUbloxURCs adds u-blox's MQTT URCs to the URC table.
func addUbloxURCs(names map[string]urcShape) {
	names["+UUMQTTC"] = nil
	names["+UUMQTTCM"] = nil // SARA-R4 old syntax: message block
}

// addUbloxDecoders adds u-blox's MQTT and certificate lines to the decoders table.
func addUbloxDecoders(m map[string]decoder) {
	m["+UUMQTTC"] = decodeUUMQTTC
	m["+UUMQTTCM"] = decodeUUMQTTC
	m["+UMQTTC"] = decodeUMQTTC
	m["+UMQTTER"] = decodeUMQTTER
	m["+USECMNG"] = decodeUSECMNG
}

func umqttOp(in info) (int, string) {
	op, _ := in.intParam(0)
	if name, ok := umqttOps()[op]; ok {
		return op, "MQTT " + name
	}
	return op, "MQTT operation " + in.param(0)
}

// decodeUMQTTC explains the answer to AT+UMQTTC: "+UMQTTC: <op>,<1|0>",
// or for a read the message "+UMQTTC: 6,<qos>,<len>,<topic len>,"<topic>",..."
func decodeUMQTTC(in info, _ lineCtx) Note {
	if in.isTestAnswer() || len(in.params) < 2 {
		return Note{}
	}
	op, what := umqttOp(in)
	if op == 6 && len(in.params) >= 5 {
		return Note{Meaning: "MQTT message on " + unquote(in.param(4)) + " (QoS " + in.param(1) + ")"}
	}
	if v, _ := in.intParam(1); v == 1 {
		return Note{Meaning: what + ": taken (the outcome follows as +UUMQTTC)"}
	}
	return Note{Meaning: what + ": refused", Hint: "the client is not in a state for it (logged in? AT+UMQTT settings complete?); AT+UMQTTER says why"}
}

// decodeUUMQTTC explains the outcome URC "+UUMQTTC: <op>,<result>[,...]".
func decodeUUMQTTC(in info, _ lineCtx) Note {
	if len(in.params) < 2 {
		return Note{}
	}
	op, what := umqttOp(in)
	v, ok := in.intParam(1)
	if !ok {
		return Note{}
	}
	switch op {
	case 0:
		n := lookup(uumqttLinkIndex(), v, "link result")
		n.Meaning = "MQTT link: " + n.Meaning
		return n
	case 6:
		return Note{Meaning: "MQTT: " + strconv.Itoa(v) + " unread message(s): read with AT+UMQTTC=6,1"}
	case 4:
		if v == 1 {
			return Note{Meaning: "MQTT subscribe: done, granted QoS " + in.param(2) + " on " + unquote(in.param(3))}
		}
	}
	if v == 1 {
		return Note{Meaning: what + ": succeeded"}
	}
	hint := "AT+UMQTTER gives the error class and code"
	if op == 1 {
		hint = "AT+UMQTTER says why: check the server (AT+UMQTT=2), the credentials (AT+UMQTT=4), TLS (AT+UMQTT=11, AT+USECPRF, AT+USECMNG) and the PDP context"
	}
	return Note{Meaning: what + ": failed", Hint: hint}
}

// decodeUMQTTER explains "+UMQTTER: <class>,<code>".
func decodeUMQTTER(in info, _ lineCtx) Note {
	class, ok1 := in.intParam(0)
	code, ok2 := in.intParam(1)
	if !ok1 || !ok2 {
		return Note{}
	}
	n := lookup(umqttErrClassIdx(), class, "MQTT error class")
	switch class {
	case 1:
		n.Meaning += ": " + lookup(qmtRetIndex(), code, "CONNACK code").Meaning
	case 2:
		if w, ok := map[int]string{1: "the name did not resolve", 2: "TCP connect failed", 3: "TLS handshake failed", 4: "no answer in time", 5: "no PDP context"}[code]; ok {
			n.Meaning += ": " + w
		}
	}
	return n
}

// decodeUSECMNG explains the import answer "+USECMNG: 0,<type>,"<name>","<md5>"".
func decodeUSECMNG(in info, _ lineCtx) Note {
	if len(in.params) != 4 {
		return Note{}
	}
	kinds := map[string]string{"0": "CA certificate", "1": "client certificate", "2": "client key", "3": "server certificate"}
	return Note{Meaning: kinds[in.param(1)] + " " + unquote(in.param(2)) + " stored, MD5 " + unquote(in.param(3))}
}

// ubloxInlinePayload recognises the read answer whose message sits inside
// it after its length:
//
//	+UMQTTC: 6,<qos>,<topic+msg len>,<topic len>,"<topic>",<msg len>,"<msg>"
func ubloxInlinePayload(head string) (start, n int, ok bool) {
	rest, ok := cutPayloadName(head, "+UMQTTC:")
	if !ok {
		return 0, 0, false
	}
	s := scanner{s: rest}
	s.spaces()
	if !s.byte('6') || !s.byte(',') || !s.number() || !s.byte(',') || !s.number() || !s.byte(',') ||
		!s.number() || !s.byte(',') || !s.quoted() || !s.byte(',') {
		return 0, 0, false
	}
	return lengthThenPayload(&s, head, rest)
}
