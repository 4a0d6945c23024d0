package sim

import (
	"fmt"
	"strings"
)

// Module identity. The EC20 object ID in ATI is not confirmed by the
// reference; "EC20F" is what the EC20 R2.x modules print. The IMEI, ICCID
// and IMSI are the modem's Options.Identity (see IdentityOf).
const (
	manufacturer = "Quectel"
	model        = "EC20F"
)

var basicCommands = map[string]handler{
	"E":         cmdEcho,
	"V":         cmdVerbose,
	"Q":         cmdQuiet,
	"I":         cmdInfo,
	"Z":         cmdReset,
	"&F":        cmdReset,
	"&W":        cmdAccept,
	"&C":        cmdAccept,
	"&D":        cmdAccept,
	"+CMEE":     cmdCMEE,
	"+GMI":      fixedInfo(manufacturer),
	"+CGMI":     fixedInfo(manufacturer),
	"+GMM":      fixedInfo(model),
	"+CGMM":     fixedInfo(model),
	"+GMR":      cmdRevision,
	"+CGMR":     cmdRevision,
	"+GSN":      cmdIMEI,
	"+CGSN":     cmdIMEI,
	"+CFUN":     cmdCFUN,
	"+QPOWD":    cmdQPOWD,
	"+QURCCFG":  cmdQURCCFG,
	"+QINISTAT": cmdQINISTAT,
}

func cmdEcho(m *Modem, c *command) result {
	if c.num > 1 {
		return errorResult
	}
	m.st.echo = c.num == 1
	return okResult
}

func cmdVerbose(m *Modem, c *command) result {
	if c.num > 1 {
		return errorResult
	}
	m.st.verbose = c.num == 1
	return okResult
}

// cmdQuiet accepts Q0 only: result codes cannot be switched off here.
func cmdQuiet(m *Modem, c *command) result {
	if c.num != 0 {
		return errorResult
	}
	return okResult
}

func cmdInfo(m *Modem, c *command) result {
	if c.num != 0 {
		return errorResult
	}
	m.info(manufacturer)
	m.info(model)
	m.info("Revision: " + m.opts.Revision)
	return okResult
}

// cmdReset restores the settings a profile holds (ATZ, AT&F).
func cmdReset(m *Modem, c *command) result {
	m.st.echo, m.st.verbose, m.st.cmee = true, true, 1
	return okResult
}

func cmdAccept(*Modem, *command) result { return okResult }

func cmdRevision(m *Modem, c *command) result {
	if c.form != formExec {
		return okTest(c)
	}
	m.info(m.opts.Revision)
	return okResult
}

// fixedInfo answers the execute form with one line.
func fixedInfo(text string) handler {
	return func(m *Modem, c *command) result {
		if c.form != formExec {
			return okTest(c)
		}
		m.info(text)
		return okResult
	}
}

// okTest answers a test form with a bare OK and refuses other forms.
func okTest(c *command) result {
	if c.form == formTest {
		return okResult
	}
	return errorResult
}

func cmdSRegister(m *Modem, c *command) result {
	var n int
	if _, err := fmt.Sscanf(c.name, "S%d", &n); err != nil {
		return errorResult
	}
	switch c.form {
	case formRead:
		m.info(fmt.Sprintf("%03d", m.st.sregs[n]))
		return okResult
	case formWrite:
		if !c.hasNum || c.num > 255 {
			return errorResult
		}
		m.st.sregs[n] = c.num
		return okResult
	}
	return errorResult
}

func cmdCMEE(m *Modem, c *command) result {
	switch c.form {
	case formRead:
		m.info(fmt.Sprintf("+CMEE: %d", m.st.cmee))
	case formTest:
		m.info("+CMEE: (0-2)")
	case formWrite:
		n, ok := c.intArg(0, 0, 2)
		if !ok || c.argc() > 1 {
			return errorResult
		}
		m.st.cmee = n
	default:
		return errorResult
	}
	return okResult
}

func cmdCFUN(m *Modem, c *command) result {
	switch c.form {
	case formRead:
		m.info(fmt.Sprintf("+CFUN: %d", m.st.cfun))
		return okResult
	case formTest:
		m.info("+CFUN: (0,1,4),(0-1)")
		return okResult
	case formWrite:
		fun, ok1 := c.intArg(0, 0, 4)
		rst, ok2 := c.optInt(1, 0, 1, 0)
		if !ok1 || !ok2 || fun == 2 || fun == 3 || c.argc() > 2 {
			return errorResult
		}
		if rst == 1 {
			if fun != 1 {
				return errorResult
			}
			m.afterLine = append(m.afterLine, m.reboot)
			return okResult
		}
		m.setFunctionality(fun)
		return okResult
	}
	return errorResult
}

func cmdQPOWD(m *Modem, c *command) result {
	if c.form == formRead || c.form == formTest {
		return okTest(c)
	}
	if _, ok := c.optInt(0, 0, 1, 1); !ok {
		return errorResult
	}
	m.afterLine = append(m.afterLine, m.powerDown)
	return okResult
}

var urcPorts = []string{"usbat", "usbmodem", "uart1", "uart2", "all"}

// cmdQURCCFG reads and sets the URC port. The simulated line is the port
// named by Options.Port; URCs routed elsewhere never reach it.
func cmdQURCCFG(m *Modem, c *command) result {
	if c.form == formTest {
		m.info(`+QURCCFG: "urcport",("usbat","usbmodem","uart1","uart2","all")`)
		return okResult
	}
	name, ok := c.nameArg()
	if c.form != formWrite || !ok || name != "urcport" || c.argc() > 2 {
		return errorResult
	}
	if c.argc() == 1 {
		m.info(fmt.Sprintf(`+QURCCFG: "urcport","%s"`, m.st.urcPort))
		return okResult
	}
	port, ok := c.strArg(1)
	port = strings.ToLower(port)
	if !ok || !contains(urcPorts, port) {
		return errorResult
	}
	m.st.urcPort = port
	return okResult
}

func cmdQINISTAT(m *Modem, c *command) result {
	if c.form != formExec {
		return okTest(c)
	}
	n := 0
	if m.st.sim == simReady && m.st.cfun != 0 {
		n = 7
	}
	m.info(fmt.Sprintf("+QINISTAT: %d", n))
	return okResult
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
