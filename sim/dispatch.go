package sim

import (
	"bytes"
	"strings"
)

// handler executes one command. It appends information lines with m.info
// and returns the command's result; resPending means it entered data mode
// and will end the line itself.
type handler func(m *Modem, c *command) result

// handlers maps upper-case command names ("+CSQ", "E", "&F") to handlers;
// each commands_*.go file contributes its table.
var handlers = mergeHandlers(basicCommands, simCommands, networkCommands, pdpCommands,
	fileCommands, sslCommands, mqttCommands,
	smsCommands,
	queryCommands,
	clockCommands,
	socketCommands, sslSocketCommands, httpCommands,
)

func mergeHandlers(tables ...map[string]handler) map[string]handler {
	all := map[string]handler{}
	for _, t := range tables {
		for name, h := range t {
			all[name] = h
		}
	}
	return all
}

// execLine runs one complete command line. An empty line gets no answer. A
// line with several commands stops at the first failure; its final result
// is the only one sent.
func (m *Modem) execLine(line []byte, overflow bool) {
	if !overflow && len(bytes.Trim(line, " ")) == 0 {
		return
	}
	m.busy = true
	m.noiseDue = true
	m.tracef("host: %s", line)
	if overflow {
		m.finish(errorResult)
		return
	}
	cmds, err := parseLine(line)
	if err != nil {
		m.finish(errorResult)
		return
	}
	for i := range cmds {
		r := m.exec(&cmds[i])
		if r.kind == resPending {
			return // data mode; the rest of the line is dropped
		}
		if r.kind != resOK {
			m.finish(r)
			return
		}
	}
	m.finish(okResult)
}

// exec looks a command up and runs it; unknown commands answer ERROR, as
// the real modem answers them.
func (m *Modem) exec(c *command) result {
	m.endBlock()
	if c.name == "" {
		return okResult // bare AT
	}
	if strings.HasPrefix(c.name, "S") && len(c.name) > 1 {
		return cmdSRegister(m, c)
	}
	h, ok := m.model.handlers[c.name]
	if !ok {
		m.notImplemented(c)
		return errorResult
	}
	return h(m, c)
}
