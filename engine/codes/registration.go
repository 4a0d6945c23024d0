package codes

import "strconv"

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
	{1, "registration URCs on", "", ""},
	{2, "registration URCs on, with location", "", ""},
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

var (
	regStatIndex = lazyIndex(regStats)
	regModeIndex = lazyIndex(regModes)
	actIndex     = lazyIndex(accessTechs)
	copsIndex    = lazyIndex(copsModes)
)

// RegStat returns the meaning of a registration <stat> ("registered,
// roaming"), or "".
func RegStat(stat int) string { return regStatIndex()[stat].Meaning }

// AcT returns the name of an access technology number, or "".
func AcT(n int) string { return actIndex()[n].Meaning }

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
		mode = regModeIndex()[n].Meaning
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
	n := lookup(regStatIndex(), stat, "registration state")
	if len(fields) >= 3 && fields[1] != "" {
		n.Meaning += "; area " + unquote(fields[1]) + ", cell " + unquote(fields[2])
	}
	if len(fields) >= 4 {
		if act, err := strconv.Atoi(fields[3]); err == nil && AcT(act) != "" {
			n.Meaning += ", " + AcT(act)
		}
	}
	if mode != "" {
		n.Meaning += "; " + mode
	}
	if !read {
		n.Meaning = "registration changed: " + n.Meaning
	}
	return n
}

// decodeCOPS explains "+COPS: <mode>[,<format>,<oper>[,<AcT>]]".
func decodeCOPS(in info, _ lineCtx) Note {
	mode, ok := in.intParam(0)
	if !ok || in.isTestAnswer() {
		return Note{}
	}
	n := lookup(copsIndex(), mode, "selection mode")
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
