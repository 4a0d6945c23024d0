package atruncli

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/urfave/cli/v3"

	"github.com/atrun/atrun/session"
	"github.com/atrun/atrun/simproc"
)

// faultFlag is --fault, the same for atrun sim, run --sim and demo.
func faultFlag() cli.Flag {
	return &cli.StringSliceFlag{
		Name:  "fault",
		Usage: simproc.FaultUsage,
	}
}

// simFromFlags reads --sim and --fault of atrun run: nil without --sim.
// atrun-sim checks the faults when it starts.
func simFromFlags(c *cli.Command) (*session.Sim, error) {
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
	o := simproc.Options{Model: model, Faults: faults, Reply: simReply, Log: simLogTo(c.Root().ErrWriter)}
	return &session.Sim{Start: childStarter(o, nil), Ready: announce(c.Root().ErrWriter)}, nil
}

// simReply is what the broker answers the modem's first publish with, on
// its subscribed topics: the reply of the demo.
const simReply = `{"led":"on"}`

// portGiven reports whether --port was on the command line. ATRUN_PORT
// alone does not count: a port exported for everyday runs must not stop
// a run on the virtual EC20.
func portGiven(c *cli.Command) bool {
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
func announce(w io.Writer) func(context.Context, simproc.Modem) {
	return func(_ context.Context, m simproc.Modem) {
		if m.Device == "" { // a fleet's member, on a socket: its tag names it
			fmt.Fprintf(w, "virtual %s %d, MQTT broker at %s (TLS)\n", simproc.ShortName(m.Model), m.Index, m.BrokerAddr)
			return
		}
		fmt.Fprintf(w, "virtual %s on %s, MQTT broker at %s (TLS)\n", simproc.ShortName(m.Model), m.Device, m.BrokerAddr)
	}
}
