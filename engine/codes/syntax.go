package codes

// Syntax is an AT command's name with the syntax of its write form's
// parameters and what it does: what a terminal completes and hints.
type Syntax struct {
	Name string // "AT+QMTOPEN", as typed
	Args string // the write form's parameters, "" when it has none
	What string
}

// syntaxes are the commands whose syntax is known, from the Quectel EC2x AT
// Commands Manual and its MQTT, SSL, TCP/IP, FILE and HTTP application
// notes.
var syntaxes = []Syntax{
	{"AT", "", "check the link"},
	{"ATI", "", "product information"},
	{"ATE0", "", "echo off"},
	{"ATE1", "", "echo on"},
	{"AT+CMEE", "<n: 0 off, 1 numeric, 2 verbose>", "error reporting"},
	{"AT+CPIN", "<pin>[,<new pin>]", "SIM PIN (read: SIM state)"},
	{"AT+CSQ", "", "signal quality"},
	{"AT+CREG", "<n>", "CS registration"},
	{"AT+CGREG", "<n>", "PS registration"},
	{"AT+CEREG", "<n>", "EPS registration"},
	{"AT+COPS", "<mode>[,<format>[,<oper>[,<AcT>]]]", "operator"},
	{"AT+CFUN", "<fun>[,<rst>]", "phone functionality"},
	{"AT+CGATT", "<state>", "packet attach"},
	{"AT+CGDCONT", "<cid>,<PDP type>,<APN>", "PDP context"},
	{"AT+CGPADDR", "<cid>", "PDP address"},
	{"AT+CGACT", "<state>,<cid>", "activate PDP context"},
	{"AT+CIMI", "", "IMSI"},
	{"AT+CCID", "", "ICCID"},
	{"AT+QCCID", "", "ICCID"},
	{"AT+CNUM", "", "own number"},
	{"AT+CGSN", "", "IMEI"},
	{"AT+CCLK", "<time>", "clock"},
	{"AT+CMGF", "<mode: 0 PDU, 1 text>", "SMS format"},
	{"AT+CMGS", "<da>[,<toda>]", "send SMS (then the text at >)"},
	{"AT+CMGR", "<index>", "read SMS"},
	{"AT+CMGL", "<stat>", "list SMS"},
	{"AT+CMGD", "<index>[,<delflag>]", "delete SMS"},
	{"AT+QICSGP", "<contextID>,<type>,<APN>,<user>,<password>,<auth>", "configure PDP context"},
	{"AT+QIACT", "<contextID>", "activate PDP context"},
	{"AT+QIDEACT", "<contextID>", "deactivate PDP context"},
	{"AT+QIOPEN", "<contextID>,<connectID>,<service>,<IP>,<remote port>[,<local port>[,<access mode>]]", "open a socket"},
	{"AT+QICLOSE", "<connectID>[,<timeout>]", "close a socket"},
	{"AT+QISEND", "<connectID>[,<length>]", "send on a socket (then the data at >)"},
	{"AT+QIRD", "<connectID>[,<length>]", "read from a socket"},
	{"AT+QISTATE", "", "socket states"},
	{"AT+QPING", "<contextID>,<host>[,<timeout>[,<pingnum>]]", "ping"},
	{"AT+QNTP", "<contextID>,<server>[,<port>]", "set the clock by NTP"},
	{"AT+QIDNSGIP", "<contextID>,<hostname>", "resolve a name"},
	{"AT+QSSLCFG", `"<item>",<SSL ctxID>[,<value>]`, "SSL context: cacert, seclevel, sslversion, ciphersuite, ignorelocaltime, sni"},
	{"AT+QSSLOPEN", "<pdpctxID>,<sslctxID>,<clientID>,<server>,<port>[,<access mode>]", "open an SSL socket"},
	{"AT+QSSLSEND", "<clientID>[,<length>]", "send on an SSL socket (then the data at >)"},
	{"AT+QSSLRECV", "<clientID>,<length>", "read from an SSL socket"},
	{"AT+QSSLCLOSE", "<clientID>[,<timeout>]", "close an SSL socket"},
	{"AT+QMTCFG", `"<item>",<client_idx>[,...]`, "MQTT config: ssl, version, keepalive, session, recv/mode, will"},
	{"AT+QMTOPEN", `<client_idx>,"<host>",<port>`, "open an MQTT network connection"},
	{"AT+QMTCLOSE", "<client_idx>", "close the MQTT network connection"},
	{"AT+QMTCONN", `<client_idx>,"<clientID>"[,"<username>","<password>"]`, "connect to the broker"},
	{"AT+QMTDISC", "<client_idx>", "disconnect from the broker"},
	{"AT+QMTSUB", `<client_idx>,<msgID>,"<topic>",<qos>`, "subscribe"},
	{"AT+QMTUNS", `<client_idx>,<msgID>,"<topic>"`, "unsubscribe"},
	{"AT+QMTPUB", `<client_idx>,<msgID>,<qos>,<retain>,"<topic>"`, "publish (then the payload at >)"},
	{"AT+QMTPUBEX", `<client_idx>,<msgID>,<qos>,<retain>,"<topic>",<length>`, "publish a payload of declared length (at >)"},
	{"AT+QFUPL", `"<filename>",<size>,<timeout>`, "upload a file (use :upload)"},
	{"AT+QFDWL", `"<filename>"`, "download a file (use :download)"},
	{"AT+QFLST", `"<name pattern>"`, "list files"},
	{"AT+QFDEL", `"<filename>"`, "delete a file"},
	{"AT+QHTTPCFG", `"<item>",<value>`, "HTTP config"},
	{"AT+QHTTPURL", "<URL length>,<timeout>", "set the URL (then the URL after CONNECT)"},
	{"AT+QHTTPGET", "<rsptime>", "HTTP GET"},
	{"AT+QHTTPREAD", "<wait time>", "read the HTTP response"},
	{"AT+QURCCFG", `"urcport","<port>"`, "where URCs go"},
	{"AT+QCFG", `"<item>"[,...]`, "extended configuration"},
	{"AT+QINDCFG", `"<urctype>",<enable>`, "URC indication config"},
	{"AT+QPOWD", "<n>", "power down"},
}

// Syntaxes returns the commands whose parameter syntax is known, in the
// table's order. The slice is shared: do not change it.
func Syntaxes() []Syntax { return syntaxes }
