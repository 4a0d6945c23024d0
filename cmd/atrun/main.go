// Command atrun runs Lua scripts that drive cellular modems over AT
// commands, sends one-off commands, and lists serial ports.
//
// # Adding a subcommand
//
// Each subcommand lives in its own file and registers itself:
//
//	func init() { register(replayCommand) }
//
//	func replayCommand() *cli.Command { return &cli.Command{...} }
//
// register takes a constructor, so every App gets fresh commands and no file
// edits a shared list: two engineers adding two commands never touch the
// same line. The help lists commands sorted by name. Errors a command
// returns are turned into a message and an exit code in one place,
// exit.go; a command only returns them.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"runtime"
	"sort"

	"github.com/urfave/cli/v2"
)

// version is set at build time:
//
//	go build -ldflags "-X main.version=1.2.0" ./cmd/atrun
var version = "dev"

// constructors are the registered subcommands, in registration order.
var constructors []func() *cli.Command

// register adds a subcommand. Call it from an init function.
func register(newCommand func() *cli.Command) {
	constructors = append(constructors, newCommand)
}

func main() {
	os.Exit(run(context.Background(), os.Args, os.Stdout, os.Stderr))
}

// run runs the command line and returns the process's exit code. Every
// failure is reported here, once, as a message on stderr.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) (code int) {
	defer func() {
		// A bug must still end in one line, not a stack trace.
		if v := recover(); v != nil {
			fmt.Fprintf(stderr, "atrun: internal error: %v (a bug in atrun: please report it with the command line you ran)\n", v)
			code = exitFailed
		}
	}()
	switch {
	case len(args) > 1 && args[1] == "sim":
		// atrun-sim reads its own flags: it runs in atrun's place.
		return reportFailure(stderr, execSim(args[2:]))
	case len(args) == 3 && args[1] == "help" && args[2] == "sim":
		return reportFailure(stderr, execSim([]string{"--help"}))
	}
	app := newApp(stdout, stderr)
	err := app.RunContext(ctx, flagsFirst(app, args))
	return reportFailure(stderr, err)
}

func newApp(stdout, stderr io.Writer) *cli.App {
	app := &cli.App{
		Name:  "atrun",
		Usage: "drive cellular modems over AT commands from Lua scripts",
		UsageText: `atrun COMMAND [options] [arguments]

Example:
   atrun run ec20_mqtts --port auto --set host=broker.example.com
   atrun send --port /dev/ttyUSB2 AT+CSQ 'AT+CPIN?'`,
		Description:          "Run 'atrun COMMAND --help' for a command's options and an example.",
		Version:              version,
		EnableBashCompletion: true,
		// --set payload={"a":1,"b":2} is one value: a comma is data, not
		// a list separator.
		DisableSliceFlagSeparator: true,
		Writer:                    stdout,
		ErrWriter:                 stderr,
		Action:                    unknownCommand,
		OnUsageError:              usageFailure,
		// Exit codes are decided by reportFailure alone; urfave must not
		// exit on its own.
		ExitErrHandler: func(*cli.Context, error) {},
	}
	for _, newCommand := range constructors {
		cmd := newCommand()
		cmd.OnUsageError = usageFailure
		app.Commands = append(app.Commands, cmd)
	}
	sort.Slice(app.Commands, func(i, j int) bool { return app.Commands[i].Name < app.Commands[j].Name })
	cli.VersionPrinter = func(c *cli.Context) { fmt.Fprintln(c.App.Writer, versionLine()) }
	return app
}

// unknownCommand runs when no subcommand matched: help with no arguments,
// a usage error otherwise.
func unknownCommand(c *cli.Context) error {
	if c.Args().Present() {
		return usagef("unknown command %q: run 'atrun --help' for the list", c.Args().First())
	}
	return cli.ShowAppHelp(c)
}

// usageFailure turns a flag the parser rejected into a usage error, with no
// help screen: one line saying what is wrong and where to look.
func usageFailure(c *cli.Context, err error, isSubcommand bool) error {
	name := "atrun"
	if isSubcommand && c.Command != nil {
		name = "atrun " + c.Command.Name
	}
	return usagef("%v (run '%s --help')", err, name)
}

func versionLine() string {
	return fmt.Sprintf("atrun %s (%s %s/%s)", version, runtime.Version(), runtime.GOOS, runtime.GOARCH)
}
