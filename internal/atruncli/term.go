package atruncli

import (
	"context"
	"errors"
	"io"
	"os"

	"github.com/urfave/cli/v3"

	"github.com/atrun/atrun/simproc"
	"github.com/atrun/atrun/term"
)

func termCommand() *cli.Command {
	return &cli.Command{
		Name:  "term",
		Usage: "an AT-aware serial terminal: answers decoded, URCs live, the session exported as a script",
		Description: `Sends each AT command you type and prints the answer with what it means
(signal in dBm, registration states, +CME/+CMS errors, MQTT and socket
results), the final result and the time it took. URCs are printed the
moment they arrive, above the line you are typing. After a > prompt the
next line is the payload (Ctrl+Z is added; ESC cancels). Tab completes
command names and shows their parameters; history is kept across
sessions. Ctrl+C cancels a waiting command; Ctrl+C twice or Ctrl+D leaves.

Its own commands start with a colon (:help lists them): :upload FILE
[NAME] and :download NAME FILE move files with the size and checksum
checked; :record FILE.atr records a transcript; :export FILE.lua writes
the session so far as a Lua script and its transcript FILE.atr, which
'atrun replay FILE.lua FILE.atr' replays as it is. Passwords and PINs
typed in commands become secret() parameters of the script.

With standard input not a terminal it reads commands line by line and
prints plain text, for pipelines; it exits 1 if a command failed.

Example:
   atrun term --port /dev/ttyUSB2
   atrun term --sim
   printf 'AT\nAT+CSQ\n' | atrun term --sim`,
		Flags: append(portFlags(),
			&cli.BoolFlag{Name: "sim", Usage: "talk to a virtual EC20 (with an MQTT broker) that atrun-sim runs for the session"},
			&cli.DurationFlag{Name: "timeout", Usage: "wait up to `D` for each answer", DefaultText: "the command's documented maximum, 5s for most"},
			&cli.BoolFlag{Name: "trace", Usage: "start with the trace on: every byte both ways, escaped (:trace toggles it)"},
			&cli.BoolFlag{Name: "no-resync", Usage: "skip the clean start (pending bytes drained, AT until a clean OK): the first line typed is the first byte sent"},
			&cli.BoolFlag{Name: "no-history", Usage: "keep no history of typed lines"},
		),
		Action: termAction,
	}
}

func termAction(ctx context.Context, c *cli.Command) error {
	if c.Args().Present() {
		return usagef("atrun term takes no arguments (got %q): type commands once it runs", c.Args().First())
	}
	if c.Bool("sim") && portGiven(c) {
		return usagef("--sim and --port exclude each other: --sim talks to a virtual EC20 instead of a port")
	}
	port := c.String("port")
	if !c.Bool("sim") && port == "" {
		return usagef("atrun term needs a port: pass --port /dev/ttyUSB2 (or tcp://host:port, rfc2217://host:port, auto) or --sim")
	}
	if !c.Bool("sim") {
		p, err := resolvePort(port, c.Root().ErrWriter)
		if err != nil {
			return err
		}
		port = p
	}
	in := readerOf(c)
	inF, _ := in.(*os.File)
	interactive := inF != nil && isTerminal(inF) && isTerminal(c.Root().Writer)
	if !interactive {
		// On a terminal, Ctrl+C cancels a command and is the session's to
		// handle; in a pipeline it stops the run.
		var stop func()
		ctx, stop = withInterrupt(ctx)
		defer stop()
	}
	history := ""
	if !c.Bool("no-history") {
		history = term.HistoryFile()
	}
	err := term.Run(ctx, term.Options{
		Port: port, Baud: c.Int("baud"), Line: serialLine(c), Sim: termSim(c),
		In: in, Out: c.Root().Writer, Err: c.Root().ErrWriter,
		Interactive: interactive, History: history, Trace: c.Bool("trace"), NoResync: c.Bool("no-resync"),
		Timeout: c.Duration("timeout"), Colour: useColour(c.Root().Writer),
	})
	var (
		fe *term.FailedError
		se *term.SignalError
	)
	switch {
	case errors.As(err, &fe):
		err = &failedCommandsError{failed: fe.Failed, total: fe.Total}
	case errors.As(err, &se):
		err = &interruptedError{signal: se.Signal}
	}
	return stopped(ctx, err)
}

// termSim starts the virtual EC20 of --sim in a child; nil without --sim.
func termSim(c *cli.Command) func(context.Context) (simproc.Modem, func() error, error) {
	if !c.Bool("sim") {
		return nil
	}
	return func(ctx context.Context) (simproc.Modem, func() error, error) {
		ch, err := startChild(ctx, simproc.Options{Reply: term.SimReply})
		if err != nil {
			return simproc.Modem{}, nil, err
		}
		return ch.Modems[0], ch.Close, nil
	}
}

// readerOf is the command's standard input.
func readerOf(c *cli.Command) io.Reader {
	if c.Root().Reader != nil {
		return c.Root().Reader
	}
	return os.Stdin
}
