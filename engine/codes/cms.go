package codes

// cmsTable holds the +CMS ERROR numbers of the EC2x manual, ascending.
var cmsTable = []Code{
	{300, "ME failure", Group3GPP, ""},
	{301, "SMS ME reserved", Group3GPP, ""},
	{302, "operation not allowed", Group3GPP, ""},
	{303, "operation not supported", Group3GPP, ""},
	{304, "invalid PDU mode parameter", Group3GPP, "in PDU mode AT+CMGS takes a length and hex PDU; for text set AT+CMGF=1 first"},
	{305, "invalid text mode parameter", Group3GPP, ""},
	{310, "SIM not inserted", Group3GPP, "check that the SIM is seated"},
	{311, "SIM PIN necessary", Group3GPP, "enter the PIN with AT+CPIN=\"<pin>\""},
	{312, "PH-SIM PIN necessary", Group3GPP, ""},
	{313, "SIM failure", Group3GPP, ""},
	{314, "SIM busy", Group3GPP, "the SIM is still initialising: retry in a few seconds"},
	{315, "SIM wrong", Group3GPP, ""},
	{316, "SIM PUK required", Group3GPP, ""},
	{317, "SIM PIN2 required", Group3GPP, ""},
	{318, "SIM PUK2 required", Group3GPP, ""},
	{320, "memory failure", Group3GPP, ""},
	{321, "invalid memory index", Group3GPP, ""},
	{322, "memory full", Group3GPP, "delete messages with AT+CMGD"},
	{330, "SMSC address unknown", Group3GPP, "set the service centre number with AT+CSCA"},
	{331, "no network", Group3GPP, "check registration (AT+CREG?)"},
	{332, "network timeout", Group3GPP, ""},
	{340, "no +CNMA acknowledgement expected", Group3GPP, ""},
	{350, "unknown error", Group3GPP, ""},
	{500, "unknown error", Group3GPP, ""},
	{510, "message blocked", Group3GPP, ""},
}

var cmsRanges = []rangeNote{
	{0, 127, "network cause (3GPP TS 24.011 RP cause)"},
	{128, 255, "protocol cause (3GPP TS 23.040 TP failure cause)"},
}

var cmsIndex = lazyIndex(cmsTable)

// CMS returns the meaning of +CMS ERROR: <n>, or "" when n is not in the
// table.
func CMS(n int) string { return cmsIndex()[n].Meaning }

// CMSCode returns the table row for n and whether there is one.
func CMSCode(n int) (Code, bool) {
	c, ok := cmsIndex()[n]
	return c, ok
}

// CMSRange names the kind of cause an unlisted +CMS ERROR number is, or "".
func CMSRange(n int) string { return describeRange(cmsRanges, n) }
