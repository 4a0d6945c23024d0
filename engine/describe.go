package engine

import "github.com/atrun/atrun/engine/codes"

// newModemError describes a command that ended with an error result.
func newModemError(cm *command) *ModemError {
	e := &ModemError{Command: cm.shown, Result: cm.final, Kind: cm.final, Code: -1, Lines: cm.lines}
	if f, ok := codes.ParseFinal(cm.final); ok {
		e.Kind, e.Code, e.Meaning = f.Kind, f.Code, f.Meaning
	}
	e.Hint = codes.Hint(cm.final, cm.text)
	return e
}

// explain decodes an unsolicited or information line, "" when unknown.
func explain(line, command string) string { return codes.Explain(line, command) }
