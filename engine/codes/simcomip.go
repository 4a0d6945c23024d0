package codes

import (
	"strings"
	"sync"
)

// SIMCom's TCP/IP stacks, as docs/at-reference/simcom-ip.md describes them
// with their sources: the SIM800's single-connection AT+CIPSTART family,
// the SIM7000's AT+CA... family, and the A76xx/SIM7600's AT+NETOPEN and
// AT+CIPOPEN. Their results come partly as words of their own (SHUT OK,
// CONNECT OK) and partly as URCs after the OK.

// simcomIPErrors are the <err> values of +NETOPEN, +NETCLOSE and +CIPOPEN
// (A76xx/SIM7600).
var simcomIPErrors = []Code{
	{0, "operation succeeded", "", ""},
	{1, "network failure", "", "check registration (AT+CEREG?), the APN (AT+CGDCONT) and that the PDP context can be activated"},
	{2, "network not opened", "", "open it first with AT+NETOPEN"},
	{3, "wrong parameter", "", ""},
	{4, "operation not supported", "", ""},
	{5, "failed to create socket", "", "close unused sockets (AT+CIPCLOSE), then retry"},
	{6, "failed to bind socket", "", ""},
	{7, "TCP server is already listening", "", ""},
	{8, "busy", "", "wait for the operation under way to end"},
	{9, "sockets opened", "", "close the sockets first (AT+CIPCLOSE)"},
	{10, "timeout", "", "the server did not answer in time: check the host, the port and the network"},
	{11, "DNS parse failed", "", "check the host name and the DNS servers"},
	{255, "unknown error", "", ""},
}

var simcomIPIndex = lazyIndex(simcomIPErrors)

// ipCloseReasons are the <reason> values of +IPCLOSE.
var ipCloseReasons = map[int]string{
	0: "closed by this side",
	1: "closed by the server",
	2: "closed: sending timed out",
}

// simcomIPWords() are SIMCom's whole-line TCP/IP URCs: the SIM800's
// single-connection AT+CIPSTART results, which come after its OK, and the
// line that says the server closed the connection.
var simcomIPWords = sync.OnceValue(func() map[string]Note {
	return map[string]Note{
		"CONNECT OK":      {"the TCP/UDP connection is up (AT+CIPSTART)", ""},
		"CONNECT FAIL":    {"the TCP/UDP connection could not be set up (AT+CIPSTART)", "check the server's address and port, that it listens, and the PDP context (AT+CIICR, AT+CIFSR)"},
		"ALREADY CONNECT": {"a connection is open already (AT+CIPSTART)", "close it with AT+CIPCLOSE first, or use it"},
		"CLOSED":          {"the server closed the connection", ""},
	}
})

// prefixURCs() are the URCs whose code is no "+NAME:" the information-line
// parser reads: a name with a star or a space. Each maps to its decoder.
var prefixURCs = sync.OnceValue(func() map[string]func(rest string) Note {
	return map[string]func(rest string) Note{
		"*ATREADY:": func(string) Note {
			return Note{Meaning: "the AT interface is ready (SIMCom A76xx start-up)"}
		},
		"+APP PDP:": decodeAppPDP,
	}
})

// prefixURC returns the decoder of a line that starts with one of the
// prefixURCs, and what follows the prefix.
func prefixURC(s string) (func(string) Note, string, bool) {
	if s == "" || s[0] != '*' && s[0] != '+' {
		return nil, "", false
	}
	// Case matters, as it does to the engine's router, which files these
	// by the same prefixes.
	for p, dec := range prefixURCs() {
		if rest, ok := strings.CutPrefix(s, p); ok {
			return dec, strings.TrimSpace(rest), true
		}
	}
	return nil, "", false
}

// decodeAppPDP explains the SIM7000's "+APP PDP: ACTIVE" (and the SIM7080's
// "+APP PDP: <pdpidx>,ACTIVE") after AT+CNACT.
func decodeAppPDP(rest string) Note {
	f := Params(rest)
	if len(f) == 0 {
		return Note{}
	}
	switch strings.ToUpper(unquote(f[len(f)-1])) {
	case "ACTIVE":
		return Note{Meaning: "the PDP context for the application is active (AT+CNACT)"}
	case "DEACTIVE":
		return Note{Meaning: "the PDP context for the application is deactivated", Hint: "activate it again with AT+CNACT once registered"}
	}
	return Note{}
}

// addSIMComIPURCs adds the TCP/IP and GNSS URC names.
func addSIMComIPURCs(names map[string]urcShape) {
	names["+NETOPEN"] = nil
	names["+NETCLOSE"] = nil
	names["+CIPOPEN"] = numbersShape
	names["+IPCLOSE"] = nil
	names["+CADATAIND"] = nil
	names["+CASTATE"] = nil
	names["+CACLOSE"] = nil
	names["+CGNSSPWR"] = nil
}

// addSIMComIPDecoders adds their decoders.
func addSIMComIPDecoders(m map[string]decoder) {
	m["+NETOPEN"] = decodeNetOpen
	m["+NETCLOSE"] = decodeNetOpen
	m["+CIPOPEN"] = decodeCIPOPEN
	m["+IPCLOSE"] = decodeIPCLOSE
	m["+CADATAIND"] = decodeCA
	m["+CASTATE"] = decodeCA
	m["+CACLOSE"] = decodeCA
	m["+CGNSSPWR"] = decodeCGNSSPWR
}

// numbersShape accepts lines of numbers only: "+CIPOPEN: 0,0" is the
// result URC, the read answer carries the quoted type and address.
func numbersShape(in info) bool {
	if len(in.params) == 0 || in.isTestAnswer() {
		return false
	}
	for _, p := range in.params {
		if _, err := atoi(p); err != nil {
			return false
		}
	}
	return true
}

// decodeNetOpen explains "+NETOPEN: <err>" and "+NETCLOSE: <err>", the
// results that follow AT+NETOPEN's and AT+NETCLOSE's OK, and the read
// answer "+NETOPEN: <state>" of AT+NETOPEN?.
func decodeNetOpen(in info, c lineCtx) Note {
	v, ok := in.intParam(0)
	if !ok || len(in.params) != 1 {
		return Note{}
	}
	if c.answers && c.form == Read {
		if v == 1 {
			return Note{Meaning: "the network is open for sockets"}
		}
		return Note{Meaning: "the network is not open", Hint: "open it with AT+NETOPEN"}
	}
	open := in.name == "+NETOPEN"
	if v == 0 {
		if open {
			return Note{Meaning: "network opened for sockets"}
		}
		return Note{Meaning: "network closed"}
	}
	n := lookup(simcomIPIndex(), v, "TCP/IP error")
	if open {
		n.Meaning = "opening the network failed: " + n.Meaning
	} else {
		n.Meaning = "closing the network failed: " + n.Meaning
	}
	return n
}

// decodeCIPOPEN explains "+CIPOPEN: <link>,<err>".
func decodeCIPOPEN(in info, _ lineCtx) Note {
	v, ok := in.intParam(1)
	if !ok || !numbersShape(in) {
		return Note{}
	}
	if v == 0 {
		return Note{Meaning: "socket " + in.param(0) + ": opened"}
	}
	n := lookup(simcomIPIndex(), v, "TCP/IP error")
	n.Meaning = "socket " + in.param(0) + ": opening failed: " + n.Meaning
	return n
}

// decodeIPCLOSE explains "+IPCLOSE: <link>,<reason>".
func decodeIPCLOSE(in info, _ lineCtx) Note {
	v, ok := in.intParam(1)
	why, known := ipCloseReasons[v]
	switch {
	case !ok:
		return Note{}
	case !known:
		return Note{Meaning: "socket " + in.param(0) + " closed (reason " + in.param(1) + ")"}
	case v == 2:
		return Note{Meaning: "socket " + in.param(0) + " " + why, Hint: "the server stopped taking data: check the link and the server"}
	}
	return Note{Meaning: "socket " + in.param(0) + " " + why}
}

// decodeCA explains the SIM7000's connection URCs: "+CADATAIND: <cid>",
// "+CASTATE: <cid>,<state>" and "+CACLOSE: <cid>".
func decodeCA(in info, _ lineCtx) Note {
	cid := in.param(0)
	if _, ok := in.intParam(0); !ok {
		return Note{}
	}
	switch in.name {
	case "+CADATAIND":
		return Note{Meaning: "connection " + cid + ": data arrived", Hint: "read it with AT+CARECV=" + cid + ",<len>"}
	case "+CACLOSE":
		return Note{Meaning: "connection " + cid + " closed"}
	}
	switch v, _ := in.intParam(1); {
	case len(in.params) < 2:
		return Note{}
	case v == 1:
		return Note{Meaning: "connection " + cid + ": connected"}
	case v == 0:
		return Note{Meaning: "connection " + cid + ": closed"}
	}
	return Note{Meaning: "connection " + cid + ": state " + in.param(1)}
}

// decodeCGNSSPWR explains "+CGNSSPWR: READY!", which follows the OK of
// AT+CGNSSPWR=1 once the GNSS engine runs (A76xx).
func decodeCGNSSPWR(in info, _ lineCtx) Note {
	if strings.EqualFold(in.param(0), "READY!") {
		return Note{Meaning: "GNSS powered on and ready"}
	}
	return Note{}
}
