package sim

import "fmt"

// maxStormBacklog caps storm URCs held during a long command, so a storm
// does not pile up behind a slow upload.
const maxStormBacklog = 4

// startStorm begins the urc-storm fault: every interval, one harmless URC
// that restates the current signal or registration, as a noisy module
// does.
func (m *Modem) startStorm() {
	if m.faults.URCStorm <= 0 {
		return
	}
	if m.storm != nil {
		m.storm.Stop()
	}
	m.storm = m.after(m.faults.URCStorm, m.stormTick)
}

func (m *Modem) stormTick() {
	if m.rebooting {
		return
	}
	if len(m.urcs) < maxStormBacklog {
		m.urc(m.stormURC())
	}
	m.storm = m.after(m.faults.URCStorm, m.stormTick)
}

// stormURC rotates through signal and registration reports.
func (m *Modem) stormURC() string {
	m.stormN++
	switch m.stormN % 4 {
	case 0:
		if !m.model.quectel {
			return fmt.Sprintf("+CREG: %d", m.st.stat) // +QIND is Quectel's
		}
		rssi, ber := m.signal()
		return fmt.Sprintf(`+QIND: "csq",%d,%d`, rssi, ber)
	case 1:
		return fmt.Sprintf("+CREG: %d", m.st.stat)
	case 2:
		return fmt.Sprintf("+CGREG: %d", m.st.stat)
	default:
		return fmt.Sprintf("+CEREG: %d", m.st.stat)
	}
}
