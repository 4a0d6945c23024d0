package atruncli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/urfave/cli/v3"

	"github.com/atrun/atrun/engine"
	"github.com/atrun/atrun/engine/transcript"
	"github.com/atrun/atrun/luabind"
)

// Exit codes, as documented in docs/design.md.
const (
	exitOK          = 0
	exitFailed      = 1   // the script failed: a modem error, a timeout, an error it raised
	exitUsage       = 2   // bad flags, a file not found, a syntax error, a port that will not open
	exitMismatch    = 3   // replay mismatch
	exitInterrupted = 130 // Ctrl+C or SIGTERM
)

// usageError is a mistake in the command line or its setup.
type usageError struct {
	msg  string
	hint string // what to do about it, "" when the message says it
}

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error {
	return &usageError{msg: fmt.Sprintf(format, args...)}
}

// interruptedError is a run stopped by a signal.
type interruptedError struct {
	signal os.Signal
	err    error // what the stopped operation returned
}

func (e *interruptedError) Error() string {
	name := "SIGTERM"
	if e.signal == os.Interrupt {
		name = "Ctrl+C (SIGINT)"
	}
	msg := "interrupted by " + name
	var se *luabind.ScriptError
	if errors.As(e.err, &se) && se.Line > 0 {
		msg += fmt.Sprintf(" at %s:%d", chunkBase(se.Script), se.Line)
	}
	return msg
}

// chunkBase is a script's file name, as Lua positions show it.
func chunkBase(name string) string {
	if i := strings.LastIndexByte(name, '/'); i >= 0 {
		return name[i+1:]
	}
	return name
}

func (e *interruptedError) Unwrap() error { return e.err }

// runTimeoutError is a run that outlived --timeout.
type runTimeoutError struct {
	after time.Duration
	err   error
}

func (e *runTimeoutError) Error() string {
	msg := fmt.Sprintf("the run did not finish within --timeout %v", e.after)
	var se *luabind.ScriptError
	if errors.As(e.err, &se) {
		msg += fmt.Sprintf(" (stopped at %s)", chunkBase(se.Script)+lineSuffix(se.Line))
	}
	return msg
}

func (e *runTimeoutError) Unwrap() error { return e.err }

// failedCommandsError is `atrun send` with commands that failed; each was
// reported as it happened.
type failedCommandsError struct{ failed, total int }

func (e *failedCommandsError) Error() string {
	return fmt.Sprintf("%d of %d commands failed", e.failed, e.total)
}

// failure is what the CLI says about an error: its exit code, one line,
// and what is known beyond it.
type failure struct {
	code    int
	message string
	meaning string // the modem's answer decoded
	hint    string // what to check
}

// classify maps an error to its exit code and message. It is the only
// place that decides exit codes; what an engine error means and what to
// check come from engine.Describe, as a script's error table does.
func classify(err error) failure {
	var (
		usage    *usageError
		intr     *interruptedError
		mismatch *transcript.MismatchError
		syntax   *luabind.SyntaxError
		script   *luabind.ScriptError
		port     *engine.PortError
		auto     *engine.AutoPortError
		exitErr  cli.ExitCoder
	)
	switch {
	case err == nil:
		return failure{code: exitOK}
	case errors.As(err, &intr):
		return failure{code: exitInterrupted, message: intr.Error()}
	case errors.As(err, &mismatch):
		// A replay of many transcripts printed each mismatch already: its
		// summary is the message. A single one explains itself.
		var several *replayMismatchError
		if errors.As(err, &several) {
			return failure{code: exitMismatch, message: several.Error()}
		}
		return failure{code: exitMismatch, message: mismatch.Error()}
	case errors.As(err, &usage):
		return failure{code: exitUsage, message: usage.msg, hint: usage.hint}
	case errors.As(err, &syntax):
		return failure{code: exitUsage, message: syntax.Error()}
	case errors.As(err, &auto):
		return failure{code: exitUsage, message: "--port auto: " + auto.Reason, hint: autoHint(auto)}
	case errors.As(err, &script):
		d := engine.Describe(script.Err)
		return failure{code: exitFailed, message: err.Error(), meaning: d.Meaning, hint: d.Hint}
	case errors.As(err, &port) && port.Op == "open":
		return failure{code: exitUsage, message: fmt.Sprintf("cannot open port %s: %s", port.Port, reason(port.Err)), hint: openHint(port)}
	case errors.As(err, &exitErr):
		// urfave's own errors ("No help topic for ...") are usage errors.
		return failure{code: exitUsage, message: err.Error()}
	}
	d := engine.Describe(err)
	return failure{code: exitFailed, message: err.Error(), meaning: d.Meaning, hint: d.Hint}
}

// autoHint says what to do when --port auto cannot pick a port.
func autoHint(e *engine.AutoPortError) string {
	if e.Several {
		return "pick one with --port; 'atrun ports' lists them"
	}
	return "plug the modem in, or name its port with --port; 'atrun ports' lists the serial ports"
}

// openHint says what to check about a port that would not open: the
// engine's hint, with the CLI's own advice (which subcommand lists the
// ports). For a permission problem it names the group that owns the
// device, since that is the group to join.
func openHint(pe *engine.PortError) string {
	a, err := engine.ParsePort(pe.Port)
	if err != nil || a.Network() || pe.Err == nil {
		return pe.Hint() // a malformed name: the message says what is wrong
	}
	if strings.Contains(strings.ToLower(pe.Err.Error()), "permission denied") {
		const how = "sudo usermod -aG %s $USER, then log out and in again"
		const distros = " (serial devices belong to dialout on Debian/Ubuntu, to uucp on Arch)"
		if group, ok := deviceGroup(pe.Port); ok && group != "root" {
			return fmt.Sprintf("no permission on %s: join its group %s: "+how+distros, pe.Port, group, group)
		}
		return "no permission on the device: join the group that owns it: " + fmt.Sprintf(how, "dialout") + distros
	}
	const list = "'atrun ports' lists the serial ports"
	if h := pe.Hint(); h != "" {
		return h + "; " + list
	}
	return list
}

// reason is the system's reason for an error, said once: the serial
// library's "permission denied: Permission denied" reads "permission
// denied".
func reason(err error) string {
	text := err.Error()
	if a, b, ok := strings.Cut(text, ": "); ok && strings.EqualFold(a, b) {
		return a
	}
	return text
}

// exitCode is the exit code for err.
func exitCode(err error) int { return classify(err).code }

// reportFailure prints err (nothing for success) and returns its exit code.
func reportFailure(w io.Writer, err error) int {
	f := classify(err)
	if f.code == exitOK {
		return exitOK
	}
	fmt.Fprintf(w, "atrun: %s\n", f.message)
	if f.meaning != "" {
		fmt.Fprintf(w, "  meaning: %s\n", f.meaning)
	}
	if f.hint != "" {
		fmt.Fprintf(w, "  hint: %s\n", f.hint)
	}
	return f.code
}

func lineSuffix(line int) string {
	if line > 0 {
		return fmt.Sprintf(":%d", line)
	}
	return ""
}
