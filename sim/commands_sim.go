package sim

var simCommands = map[string]handler{
	"+CPIN":  cmdCPIN,
	"+QCCID": cmdQCCID,
	"+CIMI":  cmdCIMI,
}

// simError is the error a SIM command gets when the SIM cannot answer.
func (m *Modem) simError() (result, bool) {
	switch {
	case m.st.cfun == 0:
		return cme(13), true
	case m.st.sim == simAbsent:
		return cme(10), true
	}
	return okResult, false
}

func cmdCPIN(m *Modem, c *command) result {
	switch c.form {
	case formTest:
		return okResult
	case formRead:
		if r, bad := m.simError(); bad {
			return r
		}
		if m.st.sim == simPIN {
			m.info("+CPIN: SIM PIN")
		} else {
			m.info("+CPIN: READY")
		}
		return okResult
	case formWrite:
		return m.enterPIN(c)
	}
	return errorResult
}

// enterPIN unlocks a SIM locked by the sim-pin fault.
func (m *Modem) enterPIN(c *command) result {
	pin, ok := c.strArg(0)
	if !ok {
		if !c.has(0) || c.args[0].quoted {
			return errorResult
		}
		pin = c.args[0].text // the PIN may also be sent unquoted
	}
	if r, bad := m.simError(); bad {
		return r
	}
	if m.st.sim != simPIN {
		return cme(3)
	}
	if pin != m.faults.SIMPIN {
		return cme(16)
	}
	m.st.sim = simReady
	m.afterLine = append(m.afterLine, func() {
		m.urc("+CPIN: READY")
		m.simDoneURCs()
		m.startRadio()
	})
	return okResult
}

func cmdQCCID(m *Modem, c *command) result {
	if c.form != formExec {
		return okTest(c)
	}
	if r, bad := m.simError(); bad {
		return r
	}
	m.info("+QCCID: " + m.opts.Identity.ICCID)
	return okResult
}

func cmdCIMI(m *Modem, c *command) result {
	if c.form != formExec {
		return okTest(c)
	}
	if r, bad := m.simError(); bad {
		return r
	}
	m.info(m.opts.Identity.IMSI)
	return okResult
}
