package explain

import (
	"strings"

	"github.com/atrun/atrun/engine/codes"
)

// answeredByRead reports whether the information lines of name usually
// answer its read form ("+CREG: 0,1" answers AT+CREG?). A switch, not a
// map: a map literal is built at every start of every command.
func answeredByRead(name string) bool {
	switch name {
	case "+CPIN", "+CREG", "+CGREG", "+CEREG", "+COPS", "+CGATT", "+CFUN", "+QIACT", "+CMEE",
		"+CGDCONT", "+CGACT", "+QMTOPEN", "+QMTCONN", "+CCLK", "+CSCS", "+CMGF", "+QURCCFG":
		return true
	}
	return false
}

// alsoAnswers reports whether name is a URC that also answers its read
// command, so that in a log without commands it may be a response.
func alsoAnswers(name string) bool {
	switch name {
	case "+CPIN", "+CFUN", "+CREG", "+CGREG", "+CEREG":
		return true
	}
	return false
}

// inferCommands handles logs that show no commands: the information lines
// right before a final result are taken as that command's response, and
// the command is named from them (AT+CSQ for "+CSQ: 31,99"). Lines that
// only ever arrive unsolicited (+QMTCLOSE: 0,0) stay URCs.
func inferCommands(entries []Entry) {
	for i := range entries {
		if entries[i].Kind != KindFinal || entries[i].Command != "" {
			continue
		}
		first := answerStart(entries, i)
		if first < 0 {
			continue
		}
		cmd := inferCommand(entries[first].Text)
		for j := first; j <= i; j++ {
			if entries[j].Kind == KindNoise {
				continue
			}
			if entries[j].Kind == KindURC {
				entries[j].Kind = KindResponse
			}
			setCommand(&entries[j], cmd)
		}
	}
}

// answerStart returns the index of the first information line in the run
// that ends at the final result i, or -1 when there is none.
func answerStart(entries []Entry, i int) int {
	first := -1
	for j := i - 1; j >= 0; j-- {
		e := entries[j]
		if e.Kind == KindNoise && strings.TrimSpace(e.Text) == "" {
			continue
		}
		if e.Kind != KindURC || !mayAnswer(e.Text) {
			break
		}
		first = j
	}
	return first
}

// mayAnswer reports whether an information line can be a command's answer.
func mayAnswer(s string) bool {
	if !isInfoLine(s) {
		return false
	}
	return !codes.IsURC(s) || alsoAnswers(infoName(s))
}

// inferCommand names the command an information line answers: the test
// form when it lists ranges, the read form for state queries.
func inferCommand(s string) string {
	name := infoName(s)
	_, rest, _ := strings.Cut(s, ":")
	switch {
	case strings.Contains(rest, "("):
		return "AT" + name + "=?"
	case answeredByRead(name):
		return "AT" + name + "?"
	}
	return "AT" + name
}

// setCommand names the command of an entry and decodes it again in that
// light.
func setCommand(e *Entry, cmd string) {
	e.Command, e.Inferred = cmd, true
	n := codes.Decode(e.Text, cmd)
	e.Meaning, e.Hint = n.Meaning, n.Hint
}
