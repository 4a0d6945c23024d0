package sim

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

var queryCommands = map[string]handler{
	"+QNWINFO":  cmdQNWINFO,
	"+QGMR":     cmdQGMR,
	"+CLAC":     cmdCLAC,
	"+IPR":      cmdIPR,
	"+QCFG":     cmdQCFG,
	"+QPING":    cmdQPING,
	"+QIDNSGIP": cmdQIDNSGIP,
	"+QENG":     cmdQENG,
	"+QCSQ":     cmdQCSQ,
	"+QSPN":     cmdQSPN,
	"+CBC":      cmdCBC,
}

// Serving cell of AT+QNWINFO: LTE band 3 on the test network 00101.
const (
	nwAccess  = "FDD LTE"
	nwOper    = "00101"
	nwBand    = "LTE BAND 3"
	nwChannel = 1650
)

func cmdQNWINFO(m *Modem, c *command) result {
	if c.form != formExec {
		return okTest(c)
	}
	if !m.st.registered() {
		m.info("+QNWINFO: No Service")
		return okResult
	}
	m.info(fmt.Sprintf(`+QNWINFO: "%s","%s","%s",%d`, nwAccess, nwOper, nwBand, nwChannel))
	return okResult
}

// cmdQGMR is the full firmware version: the revision and its build.
func cmdQGMR(m *Modem, c *command) result {
	if c.form != formExec {
		return okTest(c)
	}
	m.info(m.opts.Revision + "_01.001.01.001")
	return okResult
}

// commandList is Commands, reached through a variable because the handler
// table it reads holds cmdCLAC.
var commandList func() []string

func init() { commandList = Commands }

// cmdCLAC lists exactly the commands this modem implements.
func cmdCLAC(m *Modem, c *command) result {
	if c.form != formExec {
		return okTest(c)
	}
	for _, name := range commandList() {
		m.info(name)
	}
	return okResult
}

var baudRates = []int{0, 300, 600, 1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200,
	230400, 460800, 921600, 3000000, 3686400, 4000000}

// cmdIPR reads and sets the UART rate. The pseudo-terminal has no rate,
// so a new one is only remembered.
func cmdIPR(m *Modem, c *command) result {
	switch c.form {
	case formRead:
		m.info(fmt.Sprintf("+IPR: %d", m.st.ipr))
	case formTest:
		list := make([]string, len(baudRates))
		for i, r := range baudRates {
			list[i] = strconv.Itoa(r)
		}
		m.info(fmt.Sprintf("+IPR: (%s),(%s)", strings.Join(list[:1], ","), strings.Join(list[1:], ",")))
	case formWrite:
		rate, ok := c.intArg(0, 0, 4000000)
		if !ok || c.argc() > 1 || !slices.Contains(baudRates, rate) {
			return errorResult
		}
		m.st.ipr = rate
	default:
		return errorResult
	}
	return okResult
}

// qcfgSetting is one AT+QCFG setting: its values as the read form prints
// them after the name.
type qcfgSetting struct {
	name string
	def  string // the values after power-up
	test string // the test form's ranges
}

// qcfgSettings are the AT+QCFG settings scripts commonly read (EC2x AT
// manual §4.x, "Extended configuration settings").
var qcfgSettings = []qcfgSetting{
	{"nwscanseq", "020301", "(0-5)"},
	{"nwscanmode", "0", "(0,1,2,3,5),(0,1)"},
	{"roamservice", "255", "(1,2,255),(0,1)"},
	{"servicedomain", "2", "(0,1,2),(0,1)"},
	{"band", "0x260,0x42000000000000381a,0x0", "<bandval>,<ltebandval>,<tdsbandval>,(0,1)"},
	{"risignaltype", `"respective"`, `("respective","physical")`},
	{"urc/ri/smsincoming", `"pulse",120`, `("off","pulse","always","auto"),(1-2000)`},
	{"usbnet", "0", "(0-3)"},
	{"apready", "0,0,500", "(0,1),(0,1),(100-3000)"},
}

func findQCFG(name string) (qcfgSetting, bool) {
	for _, s := range qcfgSettings {
		if s.name == name {
			return s, true
		}
	}
	return qcfgSetting{}, false
}

// cmdQCFG reads any setting of the table and takes writes of them: the
// values written are what the next read prints.
func cmdQCFG(m *Modem, c *command) result {
	if c.form == formTest {
		for _, s := range qcfgSettings {
			m.info(fmt.Sprintf(`+QCFG: "%s",%s`, s.name, s.test))
		}
		return okResult
	}
	name, ok := c.nameArg()
	if c.form != formWrite || !ok {
		return errorResult
	}
	s, known := findQCFG(name)
	if !known {
		m.logf(`AT+QCFG="%s" is not implemented by the virtual EC20 (it has %s)`, name, qcfgNames())
		return errorResult
	}
	if c.argc() == 1 {
		val, set := m.st.qcfg[name]
		if !set {
			val = s.def
		}
		m.info(fmt.Sprintf(`+QCFG: "%s",%s`, name, val))
		return okResult
	}
	vals := make([]string, 0, c.argc()-1)
	for _, a := range c.args[1:] {
		if a.quoted {
			vals = append(vals, `"`+a.text+`"`)
		} else {
			vals = append(vals, a.text)
		}
	}
	m.st.qcfg[name] = strings.Join(vals, ",")
	return okResult
}

func qcfgNames() string {
	names := make([]string, len(qcfgSettings))
	for i, s := range qcfgSettings {
		names[i] = s.name
	}
	return strings.Join(names, ", ")
}

// Serving cell of AT+QENG="servingcell": test network 001/01, band 3.
const (
	cellMCC, cellMNC = "001", "01"
	cellPCI          = 247
	cellEARFCN       = 1650
	cellTAC          = "1A2B"
)

// lteSignal derives RSRP, RSRQ, RSSI and SINR from the AT+CSQ value, so the
// queries agree with each other.
func (m *Modem) lteSignal() (rsrp, rsrq, rssi, sinr int) {
	csq, _ := m.signal()
	rssi = -113 + 2*csq
	return rssi - 25, -10, rssi, 2 * (csq - 10)
}

// cmdQENG answers AT+QENG="servingcell" with the LTE serving cell:
// +QENG: "servingcell",<state>,"LTE",<is_tdd>,<MCC>,<MNC>,<cellID>,<PCID>,
// <earfcn>,<band>,<UL_bw>,<DL_bw>,<TAC>,<RSRP>,<RSRQ>,<RSSI>,<SINR>,<srxlev>.
// Other QENG types (neighbour cells) are not implemented.
func cmdQENG(m *Modem, c *command) result {
	if c.form == formTest {
		m.info(`+QENG: ("servingcell","neighbourcell")`)
		return okResult
	}
	name, ok := c.nameArg()
	if c.form != formWrite || !ok || c.argc() != 1 {
		return errorResult
	}
	if name != "servingcell" {
		m.logf(`AT+QENG="%s" is not implemented here (only "servingcell")`, name)
		return errorResult
	}
	if !m.st.registered() {
		m.info(`+QENG: "servingcell","SEARCH"`)
		return okResult
	}
	rsrp, rsrq, rssi, sinr := m.lteSignal()
	m.info(fmt.Sprintf(`+QENG: "servingcell","NOCONN","LTE","FDD",%s,%s,%s,%d,%d,3,5,5,%s,%d,%d,%d,%d,40`,
		cellMCC, cellMNC, cellCI, cellPCI, cellEARFCN, cellTAC, rsrp, rsrq, rssi, sinr))
	return okResult
}

// cmdQCSQ is +QCSQ: "LTE",<rssi>,<rsrp>,<sinr>,<rsrq>, or "NOSERVICE".
func cmdQCSQ(m *Modem, c *command) result {
	if c.form != formExec {
		return okTest(c)
	}
	if !m.st.registered() {
		m.info(`+QCSQ: "NOSERVICE"`)
		return okResult
	}
	rsrp, rsrq, rssi, sinr := m.lteSignal()
	m.info(fmt.Sprintf(`+QCSQ: "LTE",%d,%d,%d,%d`, rssi, rsrp, 5*(sinr+20), rsrq)) // SINR in 1/5 dB from -20 dB
	return okResult
}

// cmdQSPN is the network's names: +QSPN: <FNN>,<SNN>,<SPN>,<alphabet>,<RPLMN>.
func cmdQSPN(m *Modem, c *command) result {
	if c.form != formExec {
		return okTest(c)
	}
	if r, bad := m.simError(); bad {
		return r
	}
	m.info(fmt.Sprintf(`+QSPN: "%s","%s","",0,"%s"`, m.opts.Operator, m.opts.Operator, nwOper))
	return okResult
}

// cmdCBC is the supply: +CBC: <bcs>,<bcl>,<voltage mV>; the module is
// powered, not charging.
func cmdCBC(m *Modem, c *command) result {
	if c.form != formExec {
		return okTest(c)
	}
	m.info("+CBC: 0,78,3950")
	return okResult
}
