package sim

// boot brings the modem up: volatile state reset, RAM files gone, MQTT links
// closed, then the boot URCs (RDY, +CFUN: 1, the SIM ones) and the radio.
func (m *Modem) boot() {
	m.rebooting = false
	m.asm.reset()
	m.data = nil
	m.busy = false
	m.st.powerOn()
	m.sms.powerOn()
	m.files.clearRAM()
	m.placeStaleFile()
	for i, l := range m.links {
		if l != nil {
			l.teardown(m)
			m.links[i] = nil
		}
	}
	m.ip.closeAll()
	m.ip = nil // sockets closed, HTTP settings back to defaults
	m.dropFamilyLinks()
	m.st.sim = simReady
	switch {
	case m.faults.NoSIM:
		m.st.sim = simAbsent
	case m.faults.SIMPIN != "":
		m.st.sim = simPIN
	}
	m.model.bootURCs(m)
	m.startRadio()
	m.startStorm()
	if m.faults.Silent {
		m.silent = true
	}
}

// placeStaleFile puts the stale-file fault's file in place at boot (RAM
// files are gone by then); a UFS file of that name already there is kept.
func (m *Modem) placeStaleFile() {
	if m.faults.StaleFile == "" {
		return
	}
	st, base := m.files.resolve(m.faults.StaleFile)
	if _, ok := st.files[base]; !ok {
		st.files[base] = []byte(StaleContent)
	}
}

// simURCs reports the SIM state as the module does after power-up or
// AT+CFUN=1. The order of SMS DONE and PB DONE differs between sources and
// firmware, so it is chosen at random here and a host must not rely on it.
func (m *Modem) simURCs() {
	if m.model.simURCs != nil {
		m.model.simURCs(m)
		return
	}
	switch m.st.sim {
	case simAbsent:
		m.urc("+CPIN: NOT READY")
		return
	case simPIN:
		m.urc("+CPIN: SIM PIN")
		m.urc("+QUSIM: 1")
		return
	}
	m.urc("+CPIN: READY")
	m.urc("+QUSIM: 1")
	m.simDoneURCs()
}

func (m *Modem) simDoneURCs() {
	if m.rng.Intn(2) == 0 {
		m.urc("+QIND: SMS DONE")
		m.urc("+QIND: PB DONE")
		return
	}
	m.urc("+QIND: PB DONE")
	m.urc("+QIND: SMS DONE")
}

// reboot is AT+CFUN=1,1 after its OK: POWERED DOWN, a deaf pause, boot.
func (m *Modem) reboot() {
	m.urc("POWERED DOWN")
	m.goDeaf()
	m.after(m.opts.RebootTime, m.boot)
}

// powerDown is AT+QPOWD after its OK: the module stays off.
func (m *Modem) powerDown() {
	m.urc("POWERED DOWN")
	m.goDeaf()
}

// goDeaf drops the radio, the links and anything typed; input is ignored
// until the next boot.
func (m *Modem) goDeaf() {
	m.rebooting = true
	m.asm.reset()
	m.regGen++
	if m.storm != nil {
		m.storm.Stop()
	}
	for i, l := range m.links {
		if l != nil {
			l.teardown(m)
			m.links[i] = nil
		}
	}
	m.ip.closeAll()
	m.dropFamilyLinks()
}

// setFunctionality applies AT+CFUN=<fun> without reset: 0 radio and SIM
// off, 4 radio off, 1 full. Back to 1 from 0 the SIM reports itself again.
func (m *Modem) setFunctionality(fun int) {
	prev := m.st.cfun
	m.st.cfun = fun
	if fun == 1 && prev == 0 && m.st.sim != simAbsent {
		m.afterLine = append(m.afterLine, m.simURCs)
	}
	m.startRadio()
}
