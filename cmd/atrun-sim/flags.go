package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/urfave/cli/v3"

	"github.com/atrun/atrun/internal/sigctx"
	"github.com/atrun/atrun/sim"
	"github.com/atrun/atrun/simproc"
)

// faultFlag is --fault.
func faultFlag() cli.Flag {
	return &cli.StringSliceFlag{
		Name:  "fault",
		Usage: simproc.FaultUsage,
	}
}

// parseFaults reads the --fault values. One value may also hold a
// comma-separated list, as sim.ParseFaults reads it.
func parseFaults(values []string) (sim.Faults, error) {
	f, err := sim.ParseFaults(strings.Join(values, ","))
	if err != nil {
		return sim.Faults{}, &usageError{msg: "--fault: " + err.Error(),
			hint: "'atrun sim --fault help' lists every fault with what it does"}
	}
	return f, nil
}

// printFaultHelp lists every fault with what it does.
func printFaultHelp(w io.Writer) {
	fmt.Fprintln(w, "Faults of the virtual EC20 (--fault NAME or --fault NAME=VALUE, repeatable):")
	for _, line := range sim.FaultHelp() {
		fmt.Fprintln(w, "  "+line)
	}
	fmt.Fprintln(w, "The same names work on --model simcom and --model ublox, shown in their own result codes")
	fmt.Fprintln(w, "(docs/at-reference/simcom.md and ublox.md list them); the file faults act on the EC20 only.")
}

// modelFlag is --model.
func modelFlag() cli.Flag {
	return &cli.StringFlag{
		Name:  "model",
		Value: sim.ModelEC20,
		Usage: "the virtual modem: `NAME` " + strings.Join(simproc.ModelChoices(), ", "),
	}
}

// modelOf reads --model, refusing an unknown name with the choices.
func modelOf(c *cli.Command) (string, error) {
	m := strings.ToLower(c.String("model"))
	if err := sim.CheckModel(m); err != nil {
		return "", &usageError{msg: "--model: " + err.Error()}
	}
	return m, nil
}

// interrupted is how the simulator was stopped: by a signal, its normal
// end.
type interrupted struct{ signal os.Signal }

func (e *interrupted) Error() string {
	if e.signal == os.Interrupt {
		return "interrupted by Ctrl+C (SIGINT)"
	}
	return "interrupted by SIGTERM"
}

// withInterrupt returns a context that SIGINT (Ctrl+C) or SIGTERM
// cancels. After the first signal the default handling is back: a second
// Ctrl+C kills a simulator that does not stop.
func withInterrupt(parent context.Context) (context.Context, func()) {
	return sigctx.WithSignals(parent, func(s os.Signal) error { return &interrupted{signal: s} })
}

// stopped explains a failure to start by a signal that came meanwhile:
// Ctrl+C while an external broker is slow to answer is an interruption,
// not a setup error.
func stopped(ctx context.Context, err error) error {
	if intr, ok := context.Cause(ctx).(*interrupted); ok && err != nil {
		return intr
	}
	return err
}
