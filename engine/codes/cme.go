package codes

import (
	"slices"
	"sync"
)

// cmeTable holds every +CME ERROR number this package knows, in ascending
// order. Sources: the EC2x AT manual's general table, 3GPP TS 27.007 for the
// generic codes it omits, and Quectel's file, GNSS, socket and audio tables.
var cmeBase = []Code{
	{0, "phone failure", Group3GPP, ""},
	{1, "no connection to phone", Group3GPP, ""},
	{2, "phone-adaptor link reserved", Group3GPP, ""},
	{3, "operation not allowed", Group3GPP, "the command is not allowed in the current state (radio off, context active, wrong mode, or a read form the command does not have)"},
	{4, "operation not supported", Group3GPP, "this firmware does not support the command or the value; list the accepted forms with AT+<cmd>=?"},
	{5, "PH-SIM PIN required", Group3GPP, "enter the phone-to-SIM lock code with AT+CPIN"},
	{6, "PH-FSIM PIN required", Group3GPP, ""},
	{7, "PH-FSIM PUK required", Group3GPP, ""},
	{10, "SIM not inserted", Group3GPP, "check that the SIM is seated and its contacts are clean; check the SIM detect setting (AT+QSIMDET)"},
	{11, "SIM PIN required", Group3GPP, "enter the PIN with AT+CPIN=\"<pin>\""},
	{12, "SIM PUK required", Group3GPP, "the PIN was blocked: enter AT+CPIN=\"<puk>\",\"<new pin>\""},
	{13, "SIM failure", Group3GPP, "reseat the SIM; if the radio is off (AT+CFUN=0) switch it on with AT+CFUN=1"},
	{14, "SIM busy", Group3GPP, "the SIM is still initialising: retry in a few seconds"},
	{15, "SIM wrong", Group3GPP, ""},
	{16, "incorrect password", Group3GPP, "check the PIN; a few more wrong tries block the SIM"},
	{17, "SIM PIN2 required", Group3GPP, ""},
	{18, "SIM PUK2 required", Group3GPP, ""},
	{20, "memory full", Group3GPP, ""},
	{21, "invalid index", Group3GPP, ""},
	{22, "not found", Group3GPP, ""},
	{23, "memory failure", Group3GPP, ""},
	{24, "text string too long", Group3GPP, ""},
	{25, "invalid characters in text string", Group3GPP, "use plain ASCII; typographic quotes are not quotes to the modem"},
	{26, "dial string too long", Group3GPP, ""},
	{27, "invalid characters in dial string", Group3GPP, ""},
	{30, "no network service", Group3GPP, "check registration (AT+CEREG?, AT+CREG?), signal (AT+CSQ) and the antenna"},
	{31, "network timeout", Group3GPP, "retry; check signal (AT+CSQ)"},
	{32, "network not allowed, emergency calls only", Group3GPP, "the network refused the SIM: check the subscription and roaming"},
	{40, "network personalization PIN required", Group3GPP, ""},
	{41, "network personalization PUK required", Group3GPP, ""},
	{42, "network subset personalization PIN required", Group3GPP, ""},
	{43, "network subset personalization PUK required", Group3GPP, ""},
	{44, "service provider personalization PIN required", Group3GPP, ""},
	{45, "service provider personalization PUK required", Group3GPP, ""},
	{46, "corporate personalization PIN required", Group3GPP, ""},
	{47, "corporate personalization PUK required", Group3GPP, ""},
	{50, "incorrect parameters", GroupGeneric, "check the parameter count, ranges and quoting (AT+<cmd>=? lists them)"},
	{100, "unknown error", GroupGeneric, ""},
	{103, "illegal MS", GroupGeneric, "the network rejected the device: check the SIM's subscription"},
	{106, "illegal ME", GroupGeneric, "the network rejected the device: check the SIM's subscription"},
	{107, "GPRS services not allowed", GroupGeneric, "the subscription has no packet data: check it with the operator"},
	{111, "PLMN not allowed", GroupGeneric, ""},
	{112, "location area not allowed", GroupGeneric, ""},
	{113, "roaming not allowed in this location area", GroupGeneric, "check roaming on the subscription"},
	{132, "service option not supported", GroupGeneric, "check the APN"},
	{133, "requested service option not subscribed", GroupGeneric, "check the APN and the subscription"},
	{134, "service option temporarily out of order", GroupGeneric, ""},
	{148, "unspecified GPRS error", GroupGeneric, ""},
	{149, "PDP authentication failure", GroupGeneric, "check the APN user name, password and authentication type (AT+QICSGP)"},
	{150, "invalid mobile class", GroupGeneric, ""},
	{400, "invalid input value", GroupFile, ""},
	{401, "larger than the size of the file", GroupFile, ""},
	{402, "read zero byte", GroupFile, ""},
	{403, "drive full", GroupFile, "delete files with AT+QFDEL or use the RAM: storage"},
	{405, "file not found", GroupFile, "check the name and its storage prefix (UFS:, RAM:) with AT+QFLST"},
	{406, "invalid file name", GroupFile, "names are at most 80 bytes, in ASCII quotes, with an optional UFS: or RAM: prefix"},
	{407, "file already exists", GroupFile, "delete it first with AT+QFDEL=\"<name>\", or keep the existing file"},
	{409, "fail to write the file", GroupFile, ""},
	{410, "fail to open the file", GroupFile, ""},
	{411, "fail to read the file", GroupFile, ""},
	{413, "reached the max number of files allowed to be opened", GroupFile, "close files that are still open (AT+QFCLOSE)"},
	{414, "the file is read-only", GroupFile, ""},
	{416, "invalid file descriptor", GroupFile, ""},
	{417, "fail to list the file", GroupFile, ""},
	{418, "fail to delete the file", GroupFile, ""},
	{419, "fail to get disk info", GroupFile, ""},
	{420, "no space", GroupFile, "delete files with AT+QFDEL or use the RAM: storage"},
	{421, "time out", GroupFile, "send exactly <file_size> bytes before the upload timeout expires"},
	{423, "file too large", GroupFile, ""},
	{425, "invalid parameter", GroupFile, ""},
	{426, "file already opened", GroupFile, ""},
	{501, "invalid parameter", GroupGNSS, ""},
	{502, "operation not supported", GroupGNSS, ""},
	{503, "GNSS subsystem busy", GroupGNSS, ""},
	{504, "session is ongoing", GroupGNSS, ""},
	{505, "session not active", GroupGNSS, "start GNSS first with AT+QGPS=1"},
	{506, "operation timeout", GroupGNSS, ""},
	{507, "function not enabled", GroupGNSS, ""},
	{508, "time information error", GroupGNSS, ""},
	{509, "XTRA not enabled", GroupGNSS, ""},
	{512, "validity time is out of range", GroupGNSS, ""},
	{513, "internal resource error", GroupGNSS, ""},
	{514, "GNSS locked", GroupGNSS, ""},
	{515, "end by E911", GroupGNSS, ""},
	{516, "not fixed now", GroupGNSS, "no position fix yet: wait with a clear view of the sky and check the GNSS antenna"},
	{517, "geo-fence ID does not exist", GroupGNSS, ""},
	{549, "unknown GNSS error", GroupGNSS, ""},
	{550, "unknown error", GroupSocket, ""},
	{551, "operation blocked", GroupSocket, ""},
	{552, "invalid parameters", GroupSocket, ""},
	{553, "memory not enough", GroupSocket, ""},
	{554, "create socket failed", GroupSocket, ""},
	{555, "operation not supported", GroupSocket, ""},
	{556, "socket bind failed", GroupSocket, ""},
	{557, "socket listen failed", GroupSocket, ""},
	{558, "socket write failed", GroupSocket, ""},
	{559, "socket read failed", GroupSocket, ""},
	{560, "socket accept failed", GroupSocket, ""},
	{561, "open PDP context failed", GroupSocket, "check the APN (AT+QICSGP), registration (AT+CEREG?) and attach (AT+CGATT?)"},
	{562, "close PDP context failed", GroupSocket, ""},
	{563, "socket identity has been used", GroupSocket, "close that connection id first (AT+QICLOSE) or use another one"},
	{564, "DNS busy", GroupSocket, "retry in a moment"},
	{565, "DNS parse failed", GroupSocket, "check the host name and the DNS servers (AT+QIDNSCFG)"},
	{566, "socket connect failed", GroupSocket, "check the host, the port and that the server accepts connections"},
	{567, "socket has been closed", GroupSocket, ""},
	{568, "operation busy", GroupSocket, ""},
	{569, "operation timeout", GroupSocket, "check coverage and that the server is reachable"},
	{570, "PDP context broken down", GroupSocket, "reactivate the context with AT+QIACT"},
	{571, "cancel send", GroupSocket, ""},
	{572, "operation not allowed", GroupSocket, ""},
	{573, "APN not configured", GroupSocket, "set the APN with AT+QICSGP or AT+CGDCONT"},
	{574, "port busy", GroupSocket, ""},
	{901, "audio unknown error", GroupAudio, ""},
	{902, "audio invalid parameters", GroupAudio, ""},
	{903, "audio operation not supported", GroupAudio, ""},
	{904, "audio device busy", GroupAudio, ""},
}

// cmeRanges names the Quectel application ranges whose individual codes
// are not tabulated here.
var cmeRanges = []rangeNote{
	{400, 499, "Quectel file system error"},
	{500, 549, "Quectel GNSS error"},
	{550, 599, "Quectel TCP/IP or SSL error"},
	{600, 649, "Quectel FTP error"},
	{650, 699, "Quectel SMTP error"},
	{700, 749, "Quectel HTTP error"},
	{750, 799, "Quectel MMS error"},
	{900, 999, "Quectel audio error"},
}

// cmeTable is cmeBase with the HTTP(S) codes, which are +CME ERROR numbers
// too: after AT+QHTTPGET a request already running is "+CME ERROR: 703".
var cmeTable = sync.OnceValue(func() []Code {
	t := slices.Concat(cmeBase, httpErrors)
	slices.SortStableFunc(t, func(a, b Code) int { return a.N - b.N })
	return t
})

var cmeIndex = sync.OnceValue(func() map[int]Code { return index(cmeTable()) })

// CME returns the meaning of +CME ERROR: <n>, or "" when n is not in the
// tables.
func CME(n int) string { return cmeIndex()[n].Meaning }

// CMECode returns the table row for n and whether there is one.
func CMECode(n int) (Code, bool) {
	c, ok := cmeIndex()[n]
	return c, ok
}

// CMERange names the subsystem a +CME ERROR number belongs to ("Quectel
// HTTP error"), or "" when the number falls in no known range. It is the
// fallback for numbers CME does not know.
func CMERange(n int) string { return describeRange(cmeRanges, n) }

// CMEByText finds the row of a verbose +CME ERROR text (ErrorByText with
// no command).
func CMEByText(text string) (Code, bool) { return ErrorByText("CME", text, "") }

// index builds the lookup map of a table.
// lazyIndex indexes t on first use: the tables are read by explanations,
// which most commands never give, so they are not built at start-up.
func lazyIndex(t []Code) func() map[int]Code {
	return sync.OnceValue(func() map[int]Code { return index(t) })
}

func index(t []Code) map[int]Code {
	m := make(map[int]Code, len(t))
	for _, c := range t {
		m[c.N] = c
	}
	return m
}
