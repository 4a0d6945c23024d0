package codes

import (
	"strings"
	"sync"
)

// qmtOpenResults are the <result> values of the +QMTOPEN URC.
var qmtOpenResults = []Code{
	{-1, "failed to open the network", "", "check the APN/PDP context (AT+QIACT?), the host and port, and for TLS the CA file, the SSL context (AT+QMTCFG=\"ssl\", AT+QSSLCFG) and SNI"},
	{0, "network opened", "", ""},
	{1, "wrong parameter", "", "check the client index (0-5), the host (at most 100 bytes) and the port (1-65535)"},
	{2, "MQTT client identifier is occupied", "", "this client index is already open: close it with AT+QMTCLOSE or use another index"},
	{3, "failed to activate the PDP context", "", "check the APN (AT+QICSGP, AT+CGDCONT), registration (AT+CEREG?) and AT+QMTCFG=\"pdpcid\""},
	{4, "failed to parse the domain name", "", "check the host name and the DNS servers (AT+QIDNSCFG)"},
	{5, "network connection error", "", "check coverage and that the broker is reachable on this port"},
}

// qmtConnResults are the <result> values of the +QMTCONN URC.
var qmtConnResults = []Code{
	{0, "CONNECT sent and CONNACK received", "", ""},
	{1, "CONNECT being retransmitted", "", "no CONNACK yet: wait for the next +QMTCONN"},
	{2, "failed to send CONNECT", "", "check the link (+QMTSTAT, AT+QMTOPEN?) and open it again"},
}

// qmtConnReturns are the CONNACK return codes in the +QMTCONN URC.
var qmtConnReturns = []Code{
	{0, "connection accepted", "", ""},
	{1, "connection refused: unacceptable protocol version", "", "set the MQTT version the broker speaks: AT+QMTCFG=\"version\",<idx>,4 for 3.1.1"},
	{2, "connection refused: identifier rejected", "", "use a client id the broker accepts (unique, allowed characters and length)"},
	{3, "connection refused: server unavailable", "", "the broker is up but not serving: retry later"},
	{4, "connection refused: bad user name or password", "", "check the user name and password given to AT+QMTCONN (or AT+QMTCFG=\"aliauth\")"},
	{5, "connection refused: not authorized", "", "check the broker's policy for this client id, user or certificate"},
}

// qmtConnStates are the <state> values of the AT+QMTCONN? read answer.
var qmtConnStates = []Code{
	{1, "initializing", "", ""},
	{2, "connecting", "", ""},
	{3, "connected", "", ""},
	{4, "disconnecting", "", ""},
}

// qmtPubResults are the <result> values of +QMTPUB/+QMTPUBEX, and of
// +QMTSUB/+QMTUNS, whose numbering is the same.
var qmtPubResults = []Code{
	{0, "sent and acknowledged (QoS 0: sent, no acknowledgement needed)", "", ""},
	{1, "packet being retransmitted", "", "no acknowledgement yet: another URC with the outcome follows"},
	{2, "failed to send the packet", "", "check the connection (AT+QMTCONN?, +QMTSTAT); msgid must be 0 exactly when QoS is 0"},
}

// qmtSubQoS are the granted-QoS values of a SUBACK.
var qmtSubQoS = []Code{
	{0, "granted QoS 0", "", ""},
	{1, "granted QoS 1", "", ""},
	{2, "granted QoS 2", "", ""},
	{128, "subscription refused by the broker", "", "check the topic filter and the client's permissions on the broker"},
}

// qmtStats are the <err_code> values of +QMTSTAT.
var qmtStats = []Code{
	{1, "connection closed or reset by the peer", "", "open it again with AT+QMTOPEN; a broker closing right after the TCP/TLS open often rejects the client's credentials or certificate"},
	{2, "sending PINGREQ timed out or failed", "", "deactivate and reactivate the PDP context, then open again"},
	{3, "sending CONNECT timed out or failed", "", "check the client id, user name and password, then open again"},
	{4, "receiving CONNACK timed out or failed", "", "check the client id, user name and password, then open again"},
	{5, "the client sent DISCONNECT and the server closed the link (normal)", "", ""},
	{6, "the client closed the link because sending kept failing", "", "check the network, then open again"},
	{7, "the link is not working or the server is unavailable", "", "check that the broker is up and reachable"},
	{8, "the client closed the connection actively", "", ""},
}

// qmtCloseResults are the <result> values of +QMTDISC and +QMTCLOSE.
var qmtCloseResults = []Code{
	{-1, "failed", "", ""},
	{0, "done", "", ""},
}

var (
	qmtOpenIndex   = lazyIndex(qmtOpenResults)
	qmtConnIndex   = lazyIndex(qmtConnResults)
	qmtRetIndex    = lazyIndex(qmtConnReturns)
	qmtStateIndex  = lazyIndex(qmtConnStates)
	qmtPubIndex    = lazyIndex(qmtPubResults)
	qmtQoSIndex    = lazyIndex(qmtSubQoS)
	qmtStatIndex   = lazyIndex(qmtStats)
	qmtCloseIndex  = lazyIndex(qmtCloseResults)
	mqttResultText = sync.OnceValue(func() map[string]string {
		return map[string]string{"+QMTDISC": "disconnect", "+QMTCLOSE": "close"}
	})
)

// QMTOpenResult returns the meaning of a +QMTOPEN result (-1..5), or "".
func QMTOpenResult(n int) string { return qmtOpenIndex()[n].Meaning }

// QMTConnResult returns the meaning of a +QMTCONN result (0..2), or "".
func QMTConnResult(n int) string { return qmtConnIndex()[n].Meaning }

// QMTConnReturn returns the meaning of a CONNACK return code (0..5), or "".
func QMTConnReturn(n int) string { return qmtRetIndex()[n].Meaning }

// QMTConnState returns the meaning of an AT+QMTCONN? state (1..4), or "".
func QMTConnState(n int) string { return qmtStateIndex()[n].Meaning }

// QMTPubResult returns the meaning of a +QMTPUB/+QMTPUBEX/+QMTSUB/+QMTUNS
// result (0..2), or "".
func QMTPubResult(n int) string { return qmtPubIndex()[n].Meaning }

// QMTSubQoS returns the meaning of a granted QoS in +QMTSUB (0..2, 128).
func QMTSubQoS(n int) string { return qmtQoSIndex()[n].Meaning }

// QMTStat returns the meaning of a +QMTSTAT code (1..8), or "".
func QMTStat(n int) string { return qmtStatIndex()[n].Meaning }

// QMTCloseResult returns the meaning of a +QMTDISC/+QMTCLOSE result.
func QMTCloseResult(n int) string { return qmtCloseIndex()[n].Meaning }

// client words the client index that starts every MQTT line.
func client(in info) string { return "client " + in.param(0) + ": " }

// decodeQMTOPEN explains the result URC "+QMTOPEN: <idx>,<result>" and the
// read answer "+QMTOPEN: <idx>,"<host>",<port>".
func decodeQMTOPEN(in info, _ lineCtx) Note {
	if in.isTestAnswer() || len(in.params) < 2 {
		return Note{}
	}
	if isQuoted(in.params[1]) {
		return Note{Meaning: client(in) + "open to " + unquote(in.params[1]) + ":" + in.param(2)}
	}
	res, ok := in.intParam(1)
	if !ok {
		return Note{}
	}
	n := lookup(qmtOpenIndex(), res, "open result")
	n.Meaning = client(in) + n.Meaning
	return n
}

// decodeQMTCONN explains "+QMTCONN:". Three fields are always the CONNECT
// outcome. Two fields are the state when AT+QMTCONN? asked, and otherwise
// the outcome, except values 3 and 4 that only the state has.
func decodeQMTCONN(in info, c lineCtx) Note {
	if in.isTestAnswer() || len(in.params) < 2 {
		return Note{}
	}
	v, ok := in.intParam(1)
	if !ok {
		return Note{}
	}
	if len(in.params) == 2 && (c.answers && c.form == Read || v > 2) {
		return Note{Meaning: client(in) + lookup(qmtStateIndex(), v, "state").Meaning + " (state " + itoa(v) + ")"}
	}
	n := lookup(qmtConnIndex(), v, "connect result")
	if ret, ok := in.intParam(2); ok && v == 0 {
		n = lookup(qmtRetIndex(), ret, "CONNACK code")
	} else if ok {
		n.Meaning += "; " + lookup(qmtRetIndex(), ret, "CONNACK code").Meaning
	}
	n.Meaning = client(in) + n.Meaning
	return n
}

// decodeQMTPUB explains "+QMTPUB[EX]: <idx>,<msgid>,<result>[,<count>]".
func decodeQMTPUB(in info, _ lineCtx) Note {
	res, ok := in.intParam(2)
	if !ok || in.isTestAnswer() {
		return Note{}
	}
	n := lookup(qmtPubIndex(), res, "publish result")
	if count, ok := in.intParam(3); ok && res == 1 {
		n.Meaning += " (" + itoa(count) + " retransmissions)"
	}
	n.Meaning = client(in) + "publish msgid " + in.param(1) + ": " + n.Meaning
	return n
}

// decodeQMTSUB explains "+QMTSUB: <idx>,<msgid>,<result>[,<value>...]";
// after result 0 each value is the QoS granted to one topic, 128 a refusal.
func decodeQMTSUB(in info, _ lineCtx) Note {
	res, ok := in.intParam(2)
	if !ok || in.isTestAnswer() {
		return Note{}
	}
	what := "subscribe"
	if in.name == "+QMTUNS" {
		what = "unsubscribe"
	}
	n := lookup(qmtPubIndex(), res, what+" result")
	if res == 0 && len(in.params) > 3 {
		n = grantedQoS(in.params[3:])
	}
	n.Meaning = client(in) + what + " msgid " + in.param(1) + ": " + n.Meaning
	return n
}

// grantedQoS words the QoS values of a SUBACK, one per topic.
func grantedQoS(values []string) Note {
	var out Note
	var parts []string
	for _, v := range values {
		q, err := atoi(v)
		if err != nil {
			continue
		}
		n := lookup(qmtQoSIndex(), q, "granted QoS")
		parts = append(parts, n.Meaning)
		if n.Hint != "" {
			out.Hint = n.Hint
		}
	}
	out.Meaning = strings.Join(parts, ", ")
	return out
}

// decodeQMTSTAT explains "+QMTSTAT: <idx>,<err_code>".
func decodeQMTSTAT(in info, _ lineCtx) Note {
	code, ok := in.intParam(1)
	if !ok {
		return Note{}
	}
	n := lookup(qmtStatIndex(), code, "link state code")
	n.Meaning = client(in) + n.Meaning
	return n
}

// decodeQMTClose explains "+QMTDISC: <idx>,<result>" and "+QMTCLOSE:".
func decodeQMTClose(in info, _ lineCtx) Note {
	res, ok := in.intParam(1)
	if !ok || in.isTestAnswer() {
		return Note{}
	}
	return Note{Meaning: client(in) + mqttResultText()[in.name] + " " + lookup(qmtCloseIndex(), res, "result").Meaning}
}

// decodeQMTRECV explains an incoming message. Without a payload it is the
// buffered form, "+QMTRECV: <idx>,<recv_id>".
func decodeQMTRECV(in info, _ lineCtx) Note {
	if in.isTestAnswer() || len(in.params) < 2 {
		return Note{}
	}
	if len(in.params) == 2 {
		return Note{
			Meaning: client(in) + "message stored in buffer " + in.params[1],
			Hint:    "read it with AT+QMTRECV=" + in.param(0) + "," + in.params[1],
		}
	}
	n := Note{Meaning: client(in) + "message on topic " + unquote(in.param(2))}
	if size, ok := in.intParam(3); ok && len(in.params) >= 5 {
		n.Meaning += ", " + itoa(size) + " bytes"
	}
	return n
}
