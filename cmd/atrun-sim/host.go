package main

import (
	"context"
	"errors"
	"io"
	"net"
	"strings"

	"github.com/atrun/atrun/internal/atruncli"
	"github.com/atrun/atrun/sim"
	"github.com/atrun/atrun/simproc"
	"github.com/atrun/atrun/simproc/inproc"
)

// hostAtrun runs args (without simproc.HostArg) as atrun's command line
// with the virtual modems in this process: atrun hands `atrun run --sims N`
// over to atrun-sim so, and one process then holds the engines, the Lua
// states and the modems, each engine reaching its modem over an in-memory
// pipe.
func hostAtrun(args []string) int {
	return atruncli.Main(args, hostedFleet)
}

// hostedFleet is atruncli.Fleet: o.Count virtual modems sharing one
// broker, started as atrun-sim --json --count N starts them, each served
// on one end of a net.Pipe whose other end is its Link. A refusal is a
// *simproc.Error, as the child reports it.
func hostedFleet(ctx context.Context, o simproc.Options) ([]simproc.Modem, func() error, error) {
	model := strings.ToLower(o.Model)
	if err := sim.CheckModel(model); err != nil {
		return nil, nil, &simproc.Error{Message: "--model: " + err.Error()}
	}
	faults, err := parseFaults(o.Faults)
	if err != nil {
		refused := &simproc.Error{Message: err.Error()}
		var usage *usageError
		if errors.As(err, &usage) {
			refused.Hint = usage.hint
		}
		return nil, nil, refused
	}
	opts := sim.Options{Model: model, Faults: faults, Reply: o.Reply, Verbose: o.Verbose,
		Broker: sim.BrokerOptions{Username: o.Username, Password: o.Password}}
	opts.Log = redactedLog(o.Log, simproc.ShortName(model), o.Password, faults.SIMPIN)
	n := max(o.Count, 1)
	links := make([]net.Conn, n)
	lines := make([]io.ReadWriteCloser, n)
	for i := range n {
		links[i], lines[i] = net.Pipe()
	}
	f, err := sim.StartFleetOn(ctx, lines, opts) // closes the lines if it fails
	if err != nil {
		for _, l := range links {
			l.Close()
		}
		return nil, nil, &simproc.Error{Message: "cannot start the virtual " + simproc.ShortName(model) + ": " + err.Error()}
	}
	modems := make([]simproc.Modem, n)
	for i, s := range f.Sims {
		modems[i] = inproc.Describe(s, opts, i+1)
		modems[i].Link = links[i]
	}
	return modems, f.Close, nil
}
