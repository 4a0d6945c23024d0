package codes

import "sync"

// SIMCom A76xx/SIM7600 MQTT(S): the <err> of +CMQTTCONNECT, +CMQTTSUB,
// +CMQTTPUB, +CMQTTDISC ... (the A76xx MQTT(S) application note's table,
// docs/at-reference/simcom.md).
var cmqttResults = []Code{
	{0, "operation succeeded", "", ""},
	{1, "failed", "", "check the connection (AT+CMQTTCONNECT?) and try again"},
	{2, "bad UTF-8 string", "", "the topic or client id is not valid UTF-8"},
	{3, "socket connect failed", "", "the broker refused or did not answer: check the host, the port and that the broker is up"},
	{4, "socket create failed", "", "release unused clients and sockets, then retry"},
	{5, "socket close failed", "", ""},
	{6, "message receive failed", "", ""},
	{7, "network open failed", "", "check registration (AT+CEREG?), the APN (AT+CGDCONT) and that the PDP context can be activated"},
	{8, "network close failed", "", ""},
	{9, "network not opened", "", "start the service with AT+CMQTTSTART (and AT+NETOPEN on modules that need it)"},
	{10, "client index error", "", "use client 0 or 1"},
	{11, "no connection", "", "connect first with AT+CMQTTCONNECT; the link may have dropped (+CMQTTCONNLOST)"},
	{12, "invalid parameter", "", "check the parameters against AT+CMQTT...=?"},
	{13, "operation not supported", "", ""},
	{14, "client is busy", "", "wait for the result of the operation under way"},
	{15, "require connection failed", "", ""},
	{16, "socket sending failed", "", "the link is not carrying data: check the network, disconnect and connect again"},
	{17, "timeout", "", "no answer from the broker in time: check the network and the broker"},
	{18, "topic is empty", "", "set the topic with AT+CMQTTTOPIC before AT+CMQTTPUB"},
	{19, "client is used", "", "this client index is acquired already: release it with AT+CMQTTREL or use the other"},
	{20, "client not acquired", "", "acquire it first with AT+CMQTTACCQ"},
	{21, "client not released", "", "disconnect (AT+CMQTTDISC) and release (AT+CMQTTREL) the clients first"},
	{22, "length out of range", "", "check the announced length against the command's limit"},
	{23, "network is opened", "", "the MQTT service is started already: go on"},
	{24, "packet failed", "", ""},
	{25, "DNS error", "", "check the host name and the DNS servers"},
	{26, "socket is closed by the server", "", "the broker closed the link: often a rejected certificate, client id or credentials"},
	{27, "connection refused: unacceptable protocol version", "", "the broker does not speak MQTT 3.1.1"},
	{28, "connection refused: identifier rejected", "", "use a client id the broker accepts"},
	{29, "connection refused: server unavailable", "", "the broker is up but not serving: retry later"},
	{30, "connection refused: bad user name or password", "", "check the user name and password given to AT+CMQTTCONNECT"},
	{31, "connection refused: not authorized", "", "check the broker's policy for this client id, user or certificate"},
	{32, "TLS handshake failed", "", "check the CA (AT+CCERTDOWN, AT+CSSLCFG=\"cacert\"), the SSL version and authmode, SNI (\"enableSNI\") and the module's clock"},
	{33, "certificate not set", "", "download the certificates (AT+CCERTDOWN) and name them in the SSL context (AT+CSSLCFG=\"cacert\",<ctx>,\"<name>\")"},
	{34, "open SSL session failed", "", "check the SSL context (AT+CSSLCFG, AT+CMQTTSSLCFG)"},
	{35, "disconnect from server failed", "", ""},
}

// cmqttConnLost are the <cause> values of +CMQTTCONNLOST.
var cmqttConnLost = []Code{
	{1, "socket closed passively (by the broker or the network)", "", "connect again with AT+CMQTTCONNECT"},
	{2, "socket reset", "", "connect again with AT+CMQTTCONNECT"},
	{3, "network closed", "", "check registration and the PDP context, then AT+CMQTTSTART and connect again"},
}

var (
	cmqttIndex     = lazyIndex(cmqttResults)
	cmqttLostIndex = lazyIndex(cmqttConnLost)
)

// CMQTTResult returns the meaning of a SIMCom CMQTT <err> (0..35), or "".
func CMQTTResult(n int) string { return cmqttIndex()[n].Meaning }

// cmqttWhat() names the operation each result line reports.
var cmqttWhat = sync.OnceValue(func() map[string]string {
	return map[string]string{
		"+CMQTTSTART": "start", "+CMQTTSTOP": "stop", "+CMQTTACCQ": "acquire", "+CMQTTREL": "release",
		"+CMQTTCONNECT": "connect", "+CMQTTDISC": "disconnect", "+CMQTTSUB": "subscribe",
		"+CMQTTUNSUB": "unsubscribe", "+CMQTTPUB": "publish", "+CMQTTPING": "ping",
	}
})

// addCMQTTURCs adds SIMCom's MQTT result lines and URCs to the URC names.
func addCMQTTURCs(names map[string]urcShape) {
	for name := range cmqttWhat() {
		names[name] = cmqttResultShape
	}
	for _, name := range cmqttRXLines {
		names[name] = nil
	}
}

// addSIMComWords adds SIMCom's fixed URC lines to the URC words.
func addSIMComWords(words map[string]Note) {
	words["SMS DONE"] = Note{Meaning: "SMS initialisation finished"}
	words["PB DONE"] = Note{Meaning: "phonebook initialisation finished"}
	words["+CMQTTNONET"] = Note{Meaning: "MQTT: the network is gone", Hint: "restart the service with AT+CMQTTSTART once registered"}
}

// cmqttRXLines are SIMCom's unsolicited MQTT lines that are not results.
var cmqttRXLines = []string{"+CMQTTCONNLOST", "+CMQTTRXSTART", "+CMQTTRXTOPIC", "+CMQTTRXPAYLOAD", "+CMQTTRXEND"}

// addCMQTTDecoders adds SIMCom's MQTT lines to the decoders table.
func addCMQTTDecoders(m map[string]decoder) {
	for name := range cmqttWhat() {
		m[name] = decodeCMQTT
	}
	for _, name := range cmqttRXLines {
		m[name] = decodeCMQTTRX
	}
}

// cmqttResultShape accepts "+CMQTTSTART: <err>" and "+CMQTT...: <client>,<err>":
// numbers only, so the read answers (quoted server, client id) are not URCs.
func cmqttResultShape(in info) bool {
	if len(in.params) == 0 || len(in.params) > 2 || in.isTestAnswer() {
		return false
	}
	for _, p := range in.params {
		if _, err := atoi(p); err != nil {
			return false
		}
	}
	return true
}

// decodeCMQTT explains "+CMQTTSTART: <err>", "+CMQTTSTOP: <err>" and
// "+CMQTT<op>: <client>,<err>".
func decodeCMQTT(in info, _ lineCtx) Note {
	if !cmqttResultShape(in) {
		return Note{}
	}
	what := cmqttWhat()[in.name]
	if len(in.params) == 1 {
		v, _ := in.intParam(0)
		n := lookup(cmqttIndex(), v, "MQTT result")
		n.Meaning = "MQTT " + what + ": " + n.Meaning
		return n
	}
	v, _ := in.intParam(1)
	n := lookup(cmqttIndex(), v, "MQTT result")
	n.Meaning = client(in) + what + ": " + n.Meaning
	return n
}

// decodeCMQTTRX explains the receive sequence and +CMQTTCONNLOST.
func decodeCMQTTRX(in info, _ lineCtx) Note {
	switch in.name {
	case "+CMQTTCONNLOST":
		v, ok := in.intParam(1)
		if !ok {
			return Note{}
		}
		n := lookup(cmqttLostIndex(), v, "cause")
		n.Meaning = client(in) + "connection lost: " + n.Meaning
		return n
	case "+CMQTTRXSTART":
		return Note{Meaning: client(in) + "a message arrives: topic " + in.param(1) + " bytes, payload " + in.param(2) + " bytes"}
	case "+CMQTTRXTOPIC":
		return Note{Meaning: client(in) + "the topic (" + in.param(1) + " bytes) follows on the next line"}
	case "+CMQTTRXPAYLOAD":
		return Note{Meaning: client(in) + "payload (" + in.param(1) + " bytes of it) follows on the next line"}
	case "+CMQTTRXEND":
		return Note{Meaning: client(in) + "end of the message"}
	}
	return Note{}
}

// simcomPayloadAfter recognises +CMQTTRXTOPIC: <client>,<n> and
// +CMQTTRXPAYLOAD: <client>,<n>, whose n bytes follow the line.
func simcomPayloadAfter(line string) (int, bool) {
	if !hasName(line, "+CMQTTRXTOPIC:") && !hasName(line, "+CMQTTRXPAYLOAD:") {
		return 0, false
	}
	f := SplitPayloadHead(line)
	if len(f) != 2 || !isDigits(f[0]) {
		return 0, false
	}
	return count(f[1])
}
