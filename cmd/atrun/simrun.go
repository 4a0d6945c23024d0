package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/atrun/atrun/session"
	"github.com/atrun/atrun/sim"
)

// faultFlag is --fault, the same for atrun sim, run --sim and demo.
func faultFlag() cli.Flag {
	return &cli.StringSliceFlag{
		Name:  "fault",
		Usage: "switch on a failure of the virtual EC20: `NAME[=VALUE]` (repeatable; 'atrun sim --fault help' lists them)",
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

// wantsFaultHelp reports whether --fault help was given.
func wantsFaultHelp(values []string) bool {
	for _, v := range values {
		if strings.EqualFold(strings.TrimSpace(v), "help") {
			return true
		}
	}
	return false
}

// printFaultHelp lists every fault with what it does.
func printFaultHelp(w io.Writer) {
	fmt.Fprintln(w, "Faults of the virtual EC20 (--fault NAME or --fault NAME=VALUE, repeatable):")
	for _, line := range sim.FaultHelp() {
		fmt.Fprintln(w, "  "+line)
	}
}

// simFromFlags reads --sim and --fault of atrun run: nil without --sim.
func simFromFlags(c *cli.Context) (*session.Sim, error) {
	faults := c.StringSlice("fault")
	if !c.Bool("sim") {
		if len(faults) > 0 {
			return nil, usagef("--fault needs --sim: faults are switched on in the virtual EC20")
		}
		if c.IsSet("model") {
			return nil, usagef("--model needs --sim: it picks the virtual modem (--sim simcom is short for --sim --model simcom)")
		}
		return nil, nil
	}
	model, err := modelOf(c)
	if err != nil {
		return nil, err
	}
	if portGiven(c) {
		return nil, usagef("--sim and --port exclude each other: --sim runs the script on a virtual EC20 instead of a port")
	}
	f, err := parseFaults(faults)
	if err != nil {
		return nil, err
	}
	return &session.Sim{Options: sim.Options{Model: model, Faults: f, Reply: simReply, Log: simRunLog(c.App.ErrWriter)},
		Ready: announce(c.App.ErrWriter, model)}, nil
}

// portGiven reports whether --port was on the command line. ATRUN_PORT
// alone does not count: a port exported for everyday runs must not stop
// a run on the virtual EC20.
func portGiven(c *cli.Context) bool {
	if !c.IsSet("port") {
		return false
	}
	ports := c.StringSlice("port") // atrun run's --port is repeatable
	if len(ports) == 0 {
		ports = []string{c.String("port")}
	}
	return len(ports) > 1 || ports[0] != os.Getenv("ATRUN_PORT")
}

// announce says where the virtual EC20 and its broker are, on stderr with
// the run's other remarks.
func announce(w io.Writer, model string) func(context.Context, *sim.Sim) {
	return func(_ context.Context, s *sim.Sim) {
		fmt.Fprintf(w, "virtual %s on %s, MQTT broker at %s (TLS)\n", simName(model), s.DevicePath, s.BrokerAddr)
	}
}

// start starts the simulator and fills in the broker parameters the
// command line did not give; it returns the device to open. A user name
// or password given with --set becomes the embedded broker's, so that the
// script's own credentials are the ones that work. The password is made a
// secret before any byte reaches the modem: no trace, transcript, log or
// error shows it.
