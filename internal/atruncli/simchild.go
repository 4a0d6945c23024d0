package atruncli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"sync"
	"syscall"

	"github.com/urfave/cli/v3"

	"github.com/atrun/atrun/session"
	"github.com/atrun/atrun/simproc"
)

// The virtual modems run in a second program, atrun-sim, so that atrun
// links none of the simulator (its broker, TLS servers and pty code cost
// every command start-up time). atrun starts it as a child through
// package simproc for run --sim, demo and term --sim, and runs it in its
// own place for `atrun sim` and for run --sims (fleet.go).

// simCommand is `atrun sim`, listed in atrun's help; main runs atrun-sim
// in atrun's place before the command line is parsed (execSim), so the
// flags are atrun-sim's own.
func simCommand() *cli.Command {
	return &cli.Command{
		Name:  "sim",
		Usage: "run a virtual EC20 on a pseudo-terminal, with an MQTT broker, until Ctrl+C",
		Description: `Runs atrun-sim, the virtual modems' program, installed beside atrun.
'atrun sim --help' lists its options.`,
		SkipFlagParsing: true,
		Action: func(ctx context.Context, c *cli.Command) error {
			return execSim(c.Args().Slice())
		},
	}
}

// execSim runs atrun-sim with args in this process's place: the same
// process, standard streams and signals, so that `atrun sim` behaves as
// it always has. It is called as "atrun", so it speaks as `atrun sim`.
// It returns only when atrun-sim cannot be run.
func execSim(args []string) error {
	prog, err := simproc.Find()
	if err != nil {
		return simError(err)
	}
	err = syscall.Exec(prog, append([]string{"atrun"}, args...), os.Environ())
	return fmt.Errorf("cannot run %s: %v", prog, err)
}

// simError turns atrun-sim's refusal (a bad fault, a broker it cannot
// reach) or its absence into a usage error in its words; others pass.
func simError(err error) error {
	var (
		refused *simproc.Error
		missing *simproc.MissingError
	)
	switch {
	case errors.As(err, &missing):
		return &usageError{msg: missing.Error(), hint: missing.Hint()}
	case errors.As(err, &refused):
		return &usageError{msg: refused.Message, hint: refused.Hint}
	}
	return err
}

// startChild starts atrun-sim with o.
func startChild(ctx context.Context, o simproc.Options) (*simproc.Child, error) {
	ch, err := simproc.Start(ctx, o)
	return ch, simError(err)
}

// childStarter starts the virtual modem of one run in a child, with the
// credentials the script was given.
func childStarter(o simproc.Options, started func(*simproc.Child)) session.StartSim {
	return func(ctx context.Context, username, password string) (simproc.Modem, func() error, error) {
		o.Username, o.Password = username, password
		ch, err := startChild(ctx, o)
		var usage *usageError
		if errors.As(err, &usage) {
			return simproc.Modem{}, nil, &session.SetupError{Msg: usage.msg, Hint: usage.hint}
		}
		if err != nil {
			return simproc.Modem{}, nil, err
		}
		if started != nil {
			started(ch)
		}
		return ch.Modems[0], ch.Close, nil
	}
}

// simLogTo passes the virtual modems' log lines on to w, whole lines at
// a time among the run's other output.
func simLogTo(w io.Writer) func(string) {
	var mu sync.Mutex
	return func(line string) {
		mu.Lock()
		defer mu.Unlock()
		fmt.Fprintln(w, line)
	}
}

// printFaultHelp lists every fault with what it does: atrun-sim knows
// them.
func printFaultHelp(w io.Writer) error {
	prog, err := simproc.Find()
	if err != nil {
		return simError(err)
	}
	cmd := exec.Command(prog, "--fault", "help")
	cmd.Stdout = w
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s --fault help: %v", prog, err)
	}
	return nil
}
