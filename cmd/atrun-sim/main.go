// Command atrun-sim runs virtual modems (a Quectel EC20, a SIMCom A7670E,
// a u-blox SARA-R5) on pseudo-terminals, with an MQTT broker over TLS and
// echo, web and NTP servers on loopback. It is a program of its own so
// that atrun links none of it: `atrun sim` runs it in atrun's place,
// atrun run --sim, demo and term --sim start it as a child (--json)
// through package simproc, and atrun run --sims N hands the whole run
// over to it (simproc.HostArg): atrun-sim then runs atrun's own command
// line, package atruncli, with the modems in its process.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/urfave/cli/v3"

	"github.com/atrun/atrun/simproc"
)

// Exit codes, as atrun's.
const (
	exitOK     = 0
	exitFailed = 1 // the modem stopped by itself
	exitUsage  = 2 // a bad flag, a broker it cannot start or reach
	// exitInterrupted is a signal before the modems were up; once they
	// are, a signal is the normal end (exit 0).
	exitInterrupted = 130
)

func main() {
	if len(os.Args) > 1 && os.Args[1] == simproc.HostArg {
		os.Exit(hostAtrun(append(os.Args[:1:1], os.Args[2:]...)))
	}
	if n := len(os.Args); n > 1 && os.Args[n-1] == "--generate-bash-completion" {
		// Completion scripts written for urfave/cli v2 ask with the old
		// name; urfave/cli v3 reads os.Args itself to complete.
		os.Args[n-1] = "--generate-shell-completion"
	}
	os.Exit(run(context.Background(), os.Args, os.Stdin, os.Stdout, os.Stderr))
}

// names are how the program calls itself: "atrun sim" and "atrun" when
// atrun runs it in its place for `atrun sim`, else "atrun-sim" for both.
func names(argv0 string) (command, prefix string) {
	if filepath.Base(argv0) == "atrun" {
		return "atrun sim", "atrun"
	}
	return "atrun-sim", "atrun-sim"
}

// run runs the command line and returns the exit code; every failure is
// reported here, once.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) (code int) {
	command, prefix := names(args[0])
	defer func() {
		if v := recover(); v != nil {
			fmt.Fprintf(stderr, "%s: internal error: %v (a bug in atrun: please report it with the command line you ran)\n", prefix, v)
			code = exitFailed
		}
	}()
	app := simApp(command)
	app.Reader, app.Writer, app.ErrWriter = stdin, stdout, stderr
	err := app.Run(ctx, args)
	return reportFailure(stderr, prefix, err)
}

// usageError is a mistake in the command line or its setup.
type usageError struct {
	msg  string
	hint string // what to do about it, "" when the message says it
}

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error {
	return &usageError{msg: fmt.Sprintf(format, args...)}
}

// reportFailure prints err (nothing for success) as atrun prints its
// errors, and returns its exit code.
func reportFailure(w io.Writer, prefix string, err error) int {
	if err == nil {
		return exitOK
	}
	code := exitFailed
	var (
		usage   *usageError
		intr    *interrupted
		exitErr cli.ExitCoder
	)
	switch {
	case errors.As(err, &intr):
		code = exitInterrupted
	case errors.As(err, &usage):
		code = exitUsage
	case errors.As(err, &exitErr):
		code = exitUsage
	}
	fmt.Fprintf(w, "%s: %s\n", prefix, err)
	if usage != nil && usage.hint != "" {
		fmt.Fprintf(w, "  hint: %s\n", usage.hint)
	}
	return code
}
