package atruncli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/urfave/cli/v3"

	"github.com/atrun/atrun/engine"
	"github.com/atrun/atrun/engine/codes"
	"github.com/atrun/atrun/engine/secret"
	"github.com/atrun/atrun/internal/human"
	"github.com/atrun/atrun/session"
)

func sendCommand() *cli.Command {
	return &cli.Command{
		Name:      "send",
		Usage:     "send AT commands and print each answer, decoded",
		ArgsUsage: "CMD...",
		Description: `Sends each command in turn and prints the modem's answer: its lines, with
what they mean, and its final result. An error result is decoded (+CME
ERROR: 10 is "SIM not inserted") with a hint of what to check. URCs that
arrive meanwhile are printed too. Quote commands that hold ? " or ; for
the shell.

Before the first command, what the modem had sent to no one is discarded
and AT is sent until it gets a clean OK, so an earlier program's leftovers
(unread URCs, a late answer, an unfinished upload) are never taken for an
answer; what was found is told on stderr, and shown by --trace.

A command answered CONNECT leaves the modem in data mode, where it takes
whatever follows as data: atrun send says so and sends nothing after it.

Exits 1 if any command failed; the others are still sent.

Example:
   atrun send --port /dev/ttyUSB2 AT 'AT+CPIN?' AT+CSQ 'AT+CEREG?'`,
		Flags: append(portFlags(),
			&cli.DurationFlag{Name: "timeout", Usage: "wait up to `D` for each answer", DefaultText: "the command's documented maximum, 5s for most"},
			&cli.BoolFlag{Name: "trace", Usage: "print every byte to and from the modem on stderr"},
			&cli.BoolFlag{Name: "no-resync", Usage: "skip the clean start (pending bytes drained, AT until a clean OK): the first command given is the first byte sent"},
		),
		Action: sendAction,
	}
}

func sendAction(ctx context.Context, c *cli.Command) error {
	if c.NArg() == 0 {
		return usagef("atrun send needs at least one command, e.g. atrun send --port /dev/ttyUSB2 AT+CSQ")
	}
	if c.String("port") == "" {
		return usagef("atrun send needs a port: pass --port /dev/ttyUSB2 (or tcp://host:port, or auto) or set ATRUN_PORT")
	}
	ctx, stop := withInterrupt(ctx)
	defer stop()
	sess, err := openSession(ctx, sessionOptions{
		port: c.String("port"), line: serialLine(c), trace: c.Bool("trace"),
		secrets: &secret.Set{}, stderr: c.Root().ErrWriter, start: time.Now(),
	})
	if err != nil {
		return stopped(ctx, err)
	}
	if !c.Bool("no-resync") {
		err = session.CleanStart(ctx, sess.conn, engine.ResyncOptions{}, func(found string) {
			fmt.Fprintf(c.Root().ErrWriter, "atrun: warning: %s\n", found)
		})
	}
	if err == nil {
		err = sendAll(ctx, sess.conn, c.Root().Writer, c.Root().ErrWriter, c.Args().Slice(), c.Duration("timeout"))
	}
	sess.Close(endingOf(err, sess.conn))
	return stopped(ctx, err)
}

// sendAll sends each command and prints its answer. A failed command does
// not stop the others, unless the port failed or the run was stopped.
func sendAll(ctx context.Context, conn *engine.Conn, out, stderr io.Writer, cmds []string, timeout time.Duration) error {
	var opts []engine.Option
	if timeout > 0 {
		opts = append(opts, engine.Timeout(timeout))
	}
	conn.OnURC(engine.Matcher{}, func(u engine.URC) {
		fmt.Fprintf(out, "URC %s%s\n", u.Text, codes.Decode(u.Text, "").Suffix())
	})
	failed := 0
	for i, cmd := range cmds {
		fmt.Fprintf(out, "> %s\n", cmd)
		resp, err := conn.Send(ctx, cmd, opts...)
		printAnswer(out, cmd, resp, err)
		if err == nil && codes.ResultOf(resp.Final) == codes.Connect {
			warnDataMode(stderr, cmd, cmds[i+1:])
			if i+1 < len(cmds) {
				return &failedCommandsError{failed: failed + len(cmds) - i - 1, total: len(cmds)}
			}
			break
		}
		if err == nil {
			continue
		}
		failed++
		var pe *engine.PortError
		if ctx.Err() != nil || errors.As(err, &pe) || errors.Is(err, engine.ErrClosed) {
			return err
		}
	}
	if failed > 0 {
		return &failedCommandsError{failed: failed, total: len(cmds)}
	}
	return nil
}

// warnDataMode says that cmd left the modem in data mode, and that the
// commands after it were not sent (they would have been taken for data).
func warnDataMode(stderr io.Writer, cmd string, rest []string) {
	msg := fmt.Sprintf("atrun: warning: %s answered CONNECT: the modem is in data mode and takes what it is sent as data (an upload waits for its declared bytes or its own timeout; a data call needs +++ or ATH); use 'atrun run' with upload(), or send {download = true}, for commands that transfer data", cmd)
	if len(rest) > 0 {
		msg += fmt.Sprintf("; not sent: %s", strings.Join(rest, " "))
	}
	fmt.Fprintln(stderr, msg)
}

// printAnswer prints a command's lines and result, each with its decoded
// meaning, or why there was no answer.
func printAnswer(out io.Writer, cmd string, resp *engine.Response, err error) {
	if resp != nil {
		printData(out, resp.Data)
		for _, l := range resp.Lines {
			fmt.Fprintf(out, "%s%s\n", l, codes.Decode(l, cmd).Suffix())
		}
	}
	var me *engine.ModemError
	switch {
	case errors.As(err, &me):
		fmt.Fprintln(out, me.Result)
		if me.Meaning != "" {
			fmt.Fprintf(out, "  meaning: %s\n", me.Meaning)
		}
		if me.Hint != "" {
			fmt.Fprintf(out, "  hint: %s\n", me.Hint)
		}
	case err != nil:
		fmt.Fprintf(out, "no answer: %v\n", err)
	default:
		fmt.Fprintf(out, "%s  (%s)\n", resp.Final, human.Duration(resp.Elapsed))
	}
}

// dataShown is how many bytes of a download atrun send prints.
const dataShown = 256

// printData prints the data a command received (a download, +QIRD: <n>),
// escaped, its start only when long.
func printData(out io.Writer, data []byte) {
	if len(data) == 0 {
		return
	}
	shown := engine.Escape(data[:min(len(data), dataShown)])
	if len(data) > dataShown {
		shown += "..."
	}
	fmt.Fprintf(out, "data (%d bytes): %s\n", len(data), shown)
}
