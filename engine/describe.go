package engine

import (
	"context"
	"errors"

	"github.com/atrun/atrun/engine/codes"
)

// newModemError describes a command that ended with an error result. A
// verbose +CME/+CMS ERROR (AT+CMEE=2) gets its number back from the
// tables, so err.code reads the same in either mode. bareHint, when not
// nil, may replace the hint of a bare ERROR (Config.BareErrorHint).
func newModemError(cm *command, bareHint func(string) string) *ModemError {
	e := &ModemError{Command: cm.shown, Result: cm.final, Kind: cm.final, Code: -1, Lines: cm.lines}
	f, ok := codes.ParseFinal(cm.final)
	if !ok {
		return e
	}
	e.Kind, e.Code, e.Meaning = f.Kind, f.Code, f.Meaning
	if c, ok := codes.ResolveError(f, cm.text); ok {
		e.Code = c.N
	}
	e.Hint = codes.Hint(cm.final, cm.text)
	if e.Kind == "ERROR" && bareHint != nil {
		if h := bareHint(cm.shown); h != "" {
			e.Hint = h
		}
	}
	return e
}

// explain decodes an unsolicited or information line, "" when unknown.
func explain(line, command string) string { return codes.Explain(line, command) }

// Description is what an engine error says, the same to a person (the
// CLI) and to a script (the error table Lua sees).
type Description struct {
	// Kind names the error's type: "modem", "timeout", "abort", "port",
	// "command", "upload", "download", "cancelled", "resync" (the clean start
	// got no clean OK), or "error" for anything else.
	Kind    string
	Message string // the error's text
	Meaning string // the modem's answer decoded, "" when none
	Hint    string // what to check, "" when nothing specific
}

// Describe describes err, looking through wrapping.
func Describe(err error) Description {
	if err == nil {
		return Description{}
	}
	d := Description{Kind: "error", Message: err.Error()}
	var (
		me *ModemError
		te *TimeoutError
		ae *AbortError
		pe *PortError
		ce *CommandError
		ue *UploadError
		de *DownloadError
		xe *CancelledError
		re *ResyncError
	)
	switch {
	case errors.As(err, &me):
		d.Kind, d.Meaning, d.Hint = "modem", me.Meaning, me.Hint
	case errors.As(err, &te):
		d.Kind = "timeout"
	case errors.As(err, &ae):
		d.Kind, d.Meaning = "abort", ae.Meaning
	case errors.As(err, &pe):
		d.Kind, d.Hint = "port", pe.Hint()
	case errors.As(err, &ce):
		d.Kind = "command"
	case errors.As(err, &ue):
		d.Kind = "upload"
	case errors.As(err, &de):
		d.Kind = "download"
	case errors.As(err, &re):
		d.Kind, d.Hint = "resync", re.Hint()
	case errors.As(err, &xe), errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		d.Kind = "cancelled"
	}
	return d
}
