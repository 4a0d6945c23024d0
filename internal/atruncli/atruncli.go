// Package atruncli is atrun's command line: its subcommands, their flags,
// how each failure becomes one message and an exit code. Two programs run
// it: atrun (cmd/atrun), and atrun-sim when it hosts a run of one script
// on many virtual modems in its own process (atrun run --sims N), so that
// the engines, Lua states and modems share one process while atrun itself
// links none of the simulator.
//
// # Adding a subcommand
//
// Each subcommand lives in its own file, with the constructor that builds
// it:
//
//	func replayCommand() *cli.Command { return &cli.Command{Name: "replay", ...} }
//
// and one line in the table constructors. A constructor, so every App gets
// fresh commands; when the command line names a command, only that one is
// built: setting up every command's flags and help was a noticeable part
// of each start (docs/performance.md, "Start-up"). The table is data the
// linker lays out, not a register call in each file's init: init functions
// run at every start, whatever the command. The help lists commands sorted
// by name. Errors a command returns are turned into a message and an exit
// code in one place, exit.go; a command only returns them.
package atruncli

import (
	"context"
	"fmt"
	"io"
	"os"
	"runtime"
	"sort"
	"strings"

	"github.com/urfave/cli/v3"
)

// version is set at build time, for both programs:
//
//	go build -ldflags "-X github.com/atrun/atrun/internal/atruncli.version=1.2.0" ./cmd/...
var version = "dev"

// constructor builds one subcommand.
type constructor struct {
	name  string // the command's Name: main builds only it when the command line names it
	build func() *cli.Command
}

// constructors are the subcommands, each built only when needed. A table
// the linker fills in, not a register call in each command's init: every
// init function runs at each start, and each touched code pages of its own
// file (docs/performance.md, "Start-up: the floor, part by part").
var constructors = []constructor{
	{"demo", demoCommand},
	{"explain", explainCommand},
	{"ports", portsCommand},
	{"replay", replayCommand},
	{"run", runCommand},
	{"scripts", scriptsCommand},
	{"send", sendCommand},
	{"sim", simCommand},
	{"term", termCommand},
	{"transcript", transcriptCommand},
	{"version", versionCommand},
}

// Main runs the command line args (args[0] is the program) as atrun, with
// the process's standard streams, and returns the exit code. fleet is nil
// in atrun; atrun-sim gives the one that starts virtual modems in its
// process.
func Main(args []string, fleet Fleet) int {
	if n := len(args); n > 1 && args[n-1] == oldCompletionFlag {
		// The completion scripts written for urfave/cli v2 ask with the
		// old name; urfave/cli reads os.Args itself to complete.
		args[n-1] = completionFlag
		os.Args = args
	}
	ctx := context.WithValue(context.Background(), hostKey{}, host{args: args, fleet: fleet})
	return run(ctx, args, os.Stdout, os.Stderr)
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
	app := newApp(stdout, stderr, namedCommand(args))
	err := app.Run(ctx, flagsFirst(app, args))
	return reportFailure(stderr, err)
}

// newApp builds the command line's parser: with only "", every command;
// with a registered command's name, that command alone (the others could
// not run, and the root's help, which lists them all, is not asked for).
func newApp(stdout, stderr io.Writer, only string) *cli.Command {
	app := &cli.Command{
		Name:  "atrun",
		Usage: "drive cellular modems over AT commands from Lua scripts",
		UsageText: `atrun COMMAND [options] [arguments]

Example:
   atrun run ec20_mqtts --port auto --set host=broker.example.com
   atrun send --port /dev/ttyUSB2 AT+CSQ 'AT+CPIN?'`,
		Description:           "Run 'atrun COMMAND --help' for a command's options and an example.",
		Version:               version,
		EnableShellCompletion: true,
		// --set payload={"a":1,"b":2} is one value: a comma is data, not
		// a list separator.
		DisableSliceFlagSeparator: true,
		Writer:                    stdout,
		ErrWriter:                 stderr,
		Action:                    unknownCommand,
		OnUsageError:              usageFailure,
		// Exit codes are decided by reportFailure alone; urfave must not
		// exit on its own.
		ExitErrHandler: func(context.Context, *cli.Command, error) {},
	}
	for _, c := range constructors {
		if only != "" && c.name != only {
			continue
		}
		cmd := c.build()
		cmd.OnUsageError = usageFailure
		// Each command reads its own flags: --set payload={"a":1,"b":2}
		// is one value there too.
		cmd.DisableSliceFlagSeparator = true
		app.Commands = append(app.Commands, cmd)
	}
	sort.Slice(app.Commands, func(i, j int) bool { return app.Commands[i].Name < app.Commands[j].Name })
	cli.VersionPrinter = func(c *cli.Command) { fmt.Fprintln(c.Root().Writer, versionLine()) }
	return app
}

// namedCommand returns the registered command the command line names (its
// first word that is not a flag), or "" when it names none: then the whole
// tree is built, for the root's help, completion and "unknown command".
func namedCommand(args []string) string {
	for _, a := range args[min(1, len(args)):] {
		if strings.HasPrefix(a, "-") {
			continue
		}
		for _, c := range constructors {
			if c.name == a {
				return a
			}
		}
		return ""
	}
	return ""
}

// completionFlag asks for the words that may come next on the command
// line ('atrun completion bash' prints the script that asks);
// oldCompletionFlag is its name before urfave/cli v3.
const (
	completionFlag    = "--generate-shell-completion"
	oldCompletionFlag = "--generate-bash-completion"
)

// unknownCommand runs when no subcommand matched: help with no arguments,
// a usage error otherwise.
func unknownCommand(_ context.Context, c *cli.Command) error {
	if c.Args().Present() {
		return usagef("unknown command %q: run 'atrun --help' for the list", c.Args().First())
	}
	return cli.ShowRootCommandHelp(c)
}

// usageFailure turns a flag the parser rejected into a usage error, with no
// help screen: one line saying what is wrong and where to look.
func usageFailure(_ context.Context, c *cli.Command, err error, isSubcommand bool) error {
	name := "atrun"
	if isSubcommand {
		name = "atrun " + c.Name
	}
	return usagef("%v (run '%s --help')", err, name)
}

func versionLine() string {
	return fmt.Sprintf("atrun %s (%s %s/%s)", version, runtime.Version(), runtime.GOOS, runtime.GOARCH)
}
