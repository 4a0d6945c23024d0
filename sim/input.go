package sim

// input handles one chunk of bytes from the host, in whatever pieces the
// host wrote them.
func (m *Modem) input(b []byte) {
	for len(b) > 0 {
		if m.rebooting || m.silent {
			return // a rebooting or silent modem drops what it hears
		}
		if m.data != nil {
			b = b[m.data.feed(m, b):]
			continue
		}
		b = m.commandBytes(b)
	}
	m.flushEcho()
	m.flushURCs()
}

// commandBytes feeds command-mode bytes to the line assembler, echoing them
// as they come, and executes the first line completed. It returns the bytes
// after that line (which may belong to a data mode the line started).
func (m *Modem) commandBytes(b []byte) []byte {
	for i, c := range b {
		wasPartial := m.asm.partial()
		echo, line, done := m.asm.push(c)
		if echo && m.st.echo {
			m.echoBuf = append(m.echoBuf, c)
		}
		if !wasPartial && m.asm.partial() {
			m.partialAt = m.clk.Now()
		}
		if done {
			m.flushEcho()
			m.execLine(line, m.asm.takeOverflow())
			return b[i+1:]
		}
	}
	return nil
}

// flushEcho writes the echo collected so far: the host sees its typing as
// it arrives, as on a real line.
func (m *Modem) flushEcho() {
	if len(m.echoBuf) > 0 {
		m.write(m.echoBuf)
		m.echoBuf = m.echoBuf[:0]
	}
}

// enterData switches to data mode; the line's final result comes when the
// data mode ends.
func (m *Modem) enterData(d dataMode) {
	m.data = d
	m.dataGen++
}

// leaveData ends data mode with a final result.
func (m *Modem) leaveData(r result) {
	m.data = nil
	m.dataGen++
	m.finish(r)
}
