package sim

import (
	"fmt"
	"sort"
	"strings"
)

// logf notes something a user of the virtual EC20 should know about: a
// command it lacks, a message it dropped.
func (m *Modem) logf(format string, args ...any) {
	if m.opts.Log != nil {
		m.opts.Log(fmt.Sprintf(format, args...))
	}
}

// tracef notes routine activity, shown only with Options.Verbose.
func (m *Modem) tracef(format string, args ...any) {
	if m.opts.Verbose {
		m.logf(format, args...)
	}
}

// notImplemented says on the modem's own log that it answered ERROR
// because it lacks the command, not because the syntax was wrong.
func (m *Modem) notImplemented(c *command) {
	m.logf("AT%s is not implemented here: answered ERROR, as the EC20 answers an unknown command", c.name)
}

// Commands lists the commands the virtual EC20 implements, as AT+CLAC
// prints them ("AT+CSQ", "ATE", "AT&F"), sorted. S-registers are "ATS<n>".
func Commands() []string {
	out := make([]string, 0, len(handlers)+1)
	for name := range handlers {
		out = append(out, "AT"+name)
	}
	out = append(out, "ATS<n>")
	sort.Strings(out)
	return out
}

// Lacks reports whether the virtual EC20 lacks the first command of a
// command line ("AT+QPING=1,\"x\"", "at+cmgf=1", "ATE0"): it answers ERROR
// to it whatever its parameters. A line it cannot parse (no AT prefix,
// typographic quotes) reports false: the fault is the line's.
func Lacks(line string) bool {
	cmds, err := parseLine([]byte(strings.TrimRight(line, "\r\n")))
	if err != nil {
		return false
	}
	c := cmds[0]
	if c.name == "" || (strings.HasPrefix(c.name, "S") && len(c.name) > 1) {
		return false
	}
	_, ok := handlers[c.name]
	return !ok
}
