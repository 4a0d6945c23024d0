package codes

import (
	"strconv"
	"strings"
)

// regStats are the <stat> values of +CREG/+CGREG/+CEREG.
var regStats = []Code{
	{0, "not registered, not searching", "", "check the radio is on (AT+CFUN=1) and operator selection is automatic (AT+COPS=0)"},
	{1, "registered, home network", "", ""},
	{2, "not registered, searching", "", "wait; if it persists check the antenna, the bands (AT+QCFG=\"band\") and the scan order (AT+QCFG=\"nwscanseq\")"},
	{3, "registration denied", "", "the network refused the SIM: check the subscription and roaming with the operator"},
	{4, "unknown", "", "often out of coverage, or this domain is not in use: check the registration of the radio in use (AT+CEREG? on LTE)"},
	{5, "registered, roaming", "", ""},
}

// regModes are the <n> values of the registration read answers.
var regModes = []Code{
	{0, "registration URCs off", "", ""},
	{1, "URCs with the state", "", ""},
	{2, "URCs with state and location", "", ""},
	{3, "URCs with state, location and reject cause", "", ""},
	{4, "URCs with state, location and PSM timers", "", ""},
	{5, "URCs with state, location, reject cause and PSM timers", "", ""},
}

// accessTechs are the <AcT> values of registration and operator answers.
// 8 and 9 follow the numbering of Quectel's BG9x modules, seen in the logs
// as "+COPS: ...,8" on an LTE-M link.
var accessTechs = []Code{
	{0, "GSM", "", ""},
	{1, "GSM Compact", "", ""},
	{2, "UTRAN", "", ""},
	{3, "GSM with EGPRS", "", ""},
	{4, "UTRAN with HSDPA", "", ""},
	{5, "UTRAN with HSUPA", "", ""},
	{6, "UTRAN with HSDPA and HSUPA", "", ""},
	{7, "E-UTRAN (LTE)", "", ""},
	{8, "LTE Cat-M1 (BG9x numbering)", "", ""},
	{9, "NB-IoT (BG9x numbering)", "", ""},
}

// copsModes are the <mode> values of +COPS.
var copsModes = []Code{
	{0, "automatic operator selection", "", ""},
	{1, "manual operator selection", "", ""},
	{2, "deregistered from the network", "", ""},
	{3, "format setting only", "", ""},
	{4, "manual selection, automatic if it fails", "", ""},
}

// cfunLevels are the <fun> values of +CFUN.
var cfunLevels = []Code{
	{0, "minimum functionality: radio and SIM off", "", "switch the radio on with AT+CFUN=1"},
	{1, "full functionality", "", ""},
	{4, "radio off (flight mode), SIM on", "", "switch the radio on with AT+CFUN=1"},
}

// cpinStates are the +CPIN codes. They are words, so the table is a map.
var cpinStates = map[string]Note{
	"READY":         {"SIM ready, no PIN needed", ""},
	"SIM PIN":       {"the SIM waits for its PIN", "enter it with AT+CPIN=\"<pin>\""},
	"SIM PUK":       {"the SIM is blocked and waits for its PUK", "enter AT+CPIN=\"<puk>\",\"<new pin>\""},
	"SIM PIN2":      {"the SIM waits for PIN2", ""},
	"SIM PUK2":      {"the SIM waits for PUK2", ""},
	"PH-SIM PIN":    {"the phone waits for its SIM lock code", ""},
	"PH-NET PIN":    {"network personalization PIN required", ""},
	"PH-NET PUK":    {"network personalization PUK required", ""},
	"PH-NETSUB PIN": {"network subset personalization PIN required", ""},
	"PH-NETSUB PUK": {"network subset personalization PUK required", ""},
	"PH-SP PIN":     {"service provider personalization PIN required", ""},
	"PH-SP PUK":     {"service provider personalization PUK required", ""},
	"PH-CORP PIN":   {"corporate personalization PIN required", ""},
	"PH-CORP PUK":   {"corporate personalization PUK required", ""},
	"NOT READY":     {"the SIM is not ready (removed, or still starting)", "check the SIM is seated; after insertion wait for +CPIN: READY"},
	"NOT INSERTED":  {"no SIM inserted", "check the SIM is seated"},
}

var (
	regStatIndex = index(regStats)
	regModeIndex = index(regModes)
	actIndex     = index(accessTechs)
	copsIndex    = index(copsModes)
	cfunIndex    = index(cfunLevels)
)

// RegStat returns the meaning of a registration <stat> ("registered,
// roaming"), or "".
func RegStat(stat int) string { return regStatIndex[stat].Meaning }

// AcT returns the name of an access technology number, or "".
func AcT(n int) string { return actIndex[n].Meaning }

// CPINState returns the meaning of a +CPIN code ("SIM PIN"), or "".
func CPINState(code string) string {
	return cpinStates[strings.ToUpper(strings.TrimSpace(code))].Meaning
}

// CSQ converts a +CSQ <rssi> to its level: "-75 dBm", "≤ -113 dBm",
// "≥ -51 dBm", or "unknown" for 99; dBm is the value (the bound for 0 and
// 31) and ok is false when the number has no level.
func CSQ(rssi int) (level string, dBm int, ok bool) {
	switch {
	case rssi == 0:
		return "≤ -113 dBm", -113, true
	case rssi == 1:
		return "-111 dBm", -111, true
	case rssi >= 2 && rssi <= 30:
		d := 2*rssi - 113
		return itoa(d) + " dBm", d, true
	case rssi == 31:
		return "≥ -51 dBm", -51, true
	case rssi >= 100 && rssi <= 191:
		d := rssi - 216
		return itoa(d) + " dBm (TD-SCDMA scale)", d, true
	}
	return "unknown", 0, false
}

// signalWords rates an rssi so a reader need not know the scale.
func signalWords(rssi int) string {
	switch {
	case rssi <= 9:
		return "marginal"
	case rssi <= 14:
		return "fair"
	case rssi <= 19:
		return "good"
	}
	return "excellent"
}

// decodeCSQ explains "+CSQ: <rssi>,<ber>".
func decodeCSQ(in info, _ lineCtx) Note {
	rssi, ok := in.intParam(0)
	if !ok || in.isTestAnswer() {
		return Note{}
	}
	level, _, known := CSQ(rssi)
	if !known {
		return Note{
			Meaning: "signal not known yet (rssi 99)",
			Hint:    "normal right after boot until the module camps on a cell; otherwise check the antenna and coverage",
		}
	}
	n := Note{Meaning: "signal " + level + ", " + signalWords(rssi)}
	if ber, ok := in.intParam(1); ok && ber >= 0 && ber <= 7 {
		n.Meaning += "; bit error rate class " + itoa(ber)
	}
	if rssi <= 9 {
		n.Hint = "weak signal: check the antenna, its connector and the location"
	}
	return n
}

// decodeReg explains +CREG/+CGREG/+CEREG. The read answer starts with <n>,
// the URC with <stat>: the pending command decides, and without one a
// second field that is a bare number marks the read answer (in the URC the
// second field is a quoted area code).
func decodeReg(in info, c lineCtx) Note {
	if in.isTestAnswer() || len(in.params) == 0 {
		return Note{}
	}
	read := len(in.params) >= 2
	if !(c.answers && c.form == Read) {
		_, secondInt := in.intParam(1)
		read = read && secondInt
	}
	fields := in.params
	mode := ""
	if read {
		n, _ := in.intParam(0)
		mode = regModeIndex[n].Meaning
		fields = fields[1:]
	}
	return regNote(fields, mode, read)
}

// regNote words the <stat>[,<lac>,<ci>[,<AcT>]] part of a registration line.
func regNote(fields []string, mode string, read bool) Note {
	stat, err := strconv.Atoi(fields[0])
	if err != nil {
		return Note{}
	}
	n := lookup(regStatIndex, stat, "registration state")
	if len(fields) >= 3 && fields[1] != "" {
		n.Meaning += "; area " + unquote(fields[1]) + ", cell " + unquote(fields[2])
	}
	if len(fields) >= 4 {
		if act, err := strconv.Atoi(fields[3]); err == nil && AcT(act) != "" {
			n.Meaning += ", " + AcT(act)
		}
	}
	if mode != "" {
		n.Meaning += " (" + mode + ")"
	}
	if !read {
		n.Meaning = "registration changed: " + n.Meaning
	}
	return n
}

// decodeCPIN explains "+CPIN: <code>".
func decodeCPIN(in info, _ lineCtx) Note {
	if len(in.params) == 0 {
		return Note{}
	}
	return cpinStates[strings.ToUpper(unquote(in.params[0]))]
}

// decodeCFUN explains "+CFUN: <fun>".
func decodeCFUN(in info, _ lineCtx) Note {
	fun, ok := in.intParam(0)
	if !ok {
		return Note{}
	}
	return lookup(cfunIndex, fun, "functionality level")
}

// decodeCGATT explains "+CGATT: <state>".
func decodeCGATT(in info, _ lineCtx) Note {
	switch in.param(0) {
	case "1":
		return Note{Meaning: "attached to the packet domain"}
	case "0":
		return Note{Meaning: "detached from the packet domain", Hint: "attach with AT+CGATT=1 (may take up to 140 s); check registration first"}
	}
	return Note{}
}

// decodeCOPS explains "+COPS: <mode>[,<format>,<oper>[,<AcT>]]".
func decodeCOPS(in info, _ lineCtx) Note {
	mode, ok := in.intParam(0)
	if !ok || in.isTestAnswer() {
		return Note{}
	}
	n := lookup(copsIndex, mode, "selection mode")
	if len(in.params) < 3 {
		n.Meaning += ", no operator yet"
		return n
	}
	op := "operator " + unquote(in.params[2])
	if act, ok := in.intParam(3); ok && AcT(act) != "" {
		op += " on " + AcT(act)
	}
	n.Meaning = op + " (" + n.Meaning + ")"
	return n
}

// decodeQIND explains the boot progress and indication URC "+QIND: ...".
func decodeQIND(in info, _ lineCtx) Note {
	switch strings.ToUpper(unquote(in.param(0))) {
	case "SMS DONE":
		return Note{Meaning: "SMS initialisation finished"}
	case "PB DONE":
		return Note{Meaning: "phonebook initialisation finished"}
	case "CSQ":
		if rssi, ok := in.intParam(1); ok {
			level, _, _ := CSQ(rssi)
			return Note{Meaning: "signal changed: " + level}
		}
	}
	return Note{}
}

// decodeUSIM explains "+QUSIM: <n>" (also spelled "+USIM:").
func decodeUSIM(in info, _ lineCtx) Note {
	switch in.param(0) {
	case "0":
		return Note{Meaning: "SIM card type: SIM"}
	case "1":
		return Note{Meaning: "SIM card type: USIM"}
	}
	return Note{}
}

// decodeCMEE explains "+CMEE: <n>".
func decodeCMEE(in info, _ lineCtx) Note {
	switch in.param(0) {
	case "0":
		return Note{Meaning: "errors shown as plain ERROR", Hint: "AT+CMEE=1 makes the modem say which error"}
	case "1":
		return Note{Meaning: "errors shown as numbers (+CME ERROR: <n>)"}
	case "2":
		return Note{Meaning: "errors shown as text (+CME ERROR: <text>)"}
	}
	return Note{}
}

// decodeQIACT explains "+QIACT: <cid>,<state>,<type>[,<addr>...]".
func decodeQIACT(in info, _ lineCtx) Note {
	cid, ok := in.intParam(0)
	st, ok2 := in.intParam(1)
	if !ok || !ok2 || in.isTestAnswer() {
		return Note{}
	}
	if st != 1 {
		return Note{Meaning: "PDP context " + itoa(cid) + " deactivated", Hint: "activate it with AT+QIACT=" + itoa(cid)}
	}
	var addrs []string
	for i := 3; i < len(in.params); i++ {
		addrs = append(addrs, unquote(in.params[i]))
	}
	return Note{Meaning: join(", address ", "PDP context "+itoa(cid)+" active", strings.Join(addrs, " and "))}
}

// decodeCGACT explains "+CGACT: <cid>,<state>".
func decodeCGACT(in info, _ lineCtx) Note {
	cid, ok := in.intParam(0)
	st, ok2 := in.intParam(1)
	if !ok || !ok2 {
		return Note{}
	}
	if st == 1 {
		return Note{Meaning: "PDP context " + itoa(cid) + " active"}
	}
	return Note{Meaning: "PDP context " + itoa(cid) + " inactive"}
}

// itoa is strconv.Itoa, short because the decoders use it often.
func itoa(n int) string { return strconv.Itoa(n) }
