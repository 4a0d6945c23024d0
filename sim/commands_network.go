package sim

import "fmt"

var networkCommands = map[string]handler{
	"+CSQ":   cmdCSQ,
	"+CREG":  regHandler(regCREG),
	"+CGREG": regHandler(regCGREG),
	"+CEREG": regHandler(regCEREG),
	"+COPS":  cmdCOPS,
	"+CGATT": cmdCGATT,
}

func cmdCSQ(m *Modem, c *command) result {
	switch c.form {
	case formExec:
		rssi, ber := m.signal()
		m.info(fmt.Sprintf("+CSQ: %d,%d", rssi, ber))
	case formTest:
		m.info("+CSQ: (0-31,99),(0-7,99)")
	default:
		return errorResult
	}
	return okResult
}

// regHandler serves AT+CREG, AT+CGREG and AT+CEREG, which differ only in
// their name.
func regHandler(kind int) handler {
	return func(m *Modem, c *command) result {
		switch c.form {
		case formRead:
			m.info(m.regRead(kind))
		case formTest:
			m.info(regNames[kind] + ": (0-2)")
		case formWrite:
			n, ok := c.intArg(0, 0, 2)
			if !ok || c.argc() > 1 {
				return errorResult
			}
			m.st.regN[kind] = n
		default:
			return errorResult
		}
		return okResult
	}
}

func cmdCOPS(m *Modem, c *command) result {
	switch c.form {
	case formRead:
		if m.st.registered() {
			m.info(fmt.Sprintf(`+COPS: 0,0,"%s",%d`, m.opts.Operator, actLTE))
		} else {
			m.info("+COPS: 0")
		}
	case formTest:
		m.info(fmt.Sprintf(`+COPS: (2,"%s","%s","00101",7),,(0-4),(0-2)`, m.opts.Operator, m.opts.Operator))
	case formWrite:
		if _, ok := c.intArg(0, 0, 4); !ok {
			return errorResult
		}
	default:
		return errorResult
	}
	return okResult
}

func cmdCGATT(m *Modem, c *command) result {
	switch c.form {
	case formRead:
		n := 0
		if m.st.attached() {
			n = 1
		}
		m.info(fmt.Sprintf("+CGATT: %d", n))
	case formTest:
		m.info("+CGATT: (0,1)")
	case formWrite:
		state, ok := c.intArg(0, 0, 1)
		if !ok || c.argc() > 1 {
			return errorResult
		}
		return m.setAttach(state == 1)
	default:
		return errorResult
	}
	return okResult
}

// setAttach attaches (only possible while registered) or detaches.
func (m *Modem) setAttach(on bool) result {
	if !on {
		m.st.detached = true
		for _, c := range m.st.pdp {
			c.active, c.addr = false, ""
		}
		return okResult
	}
	return m.awaitRegistration(attachLimit, func() result {
		m.st.detached = false
		return okResult
	})
}
