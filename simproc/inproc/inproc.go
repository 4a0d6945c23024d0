// Package inproc runs virtual modems in this process (sim.Start) and
// describes them as atrun-sim describes its own (simproc.Modem): atrun-sim
// prints these descriptions, and library tests start virtual modems
// through it without a child process. atrun itself never imports it.
package inproc

import (
	"cmp"
	"context"

	"github.com/atrun/atrun/sim"
	"github.com/atrun/atrun/simproc"
)

// Describe is s, the index-th virtual modem started with opts, as a
// simproc.Modem.
func Describe(s *sim.Sim, opts sim.Options, index int) simproc.Modem {
	model := cmp.Or(opts.Model, sim.ModelEC20)
	m := simproc.Modem{
		Index: index, Model: model, Title: sim.ModelTitle(model), Device: s.DevicePath,
		PortName:   cmp.Or(opts.Port, "usbat"),
		BrokerAddr: s.BrokerAddr, BrokerURL: s.BrokerURL, CAFile: s.CAFile,
		Username: s.Username, Password: s.Password, NTPAddr: s.NTPAddr,
		Commands: sim.CommandsOf(model),
	}
	if srv := s.Servers; srv != nil {
		m.EchoAddr, m.EchoTLSAddr, m.UDPEchoAddr = srv.EchoAddr, srv.EchoTLSAddr, srv.UDPEchoAddr
		m.HTTPURL, m.HTTPSURL = srv.HTTPURL, srv.HTTPSURL
	}
	return m
}

// Starter starts one virtual modem with opts in this process, whose
// embedded broker takes the user name and password given ("" lets it make
// them up): the shape of session.StartSim.
func Starter(opts sim.Options) func(ctx context.Context, username, password string) (simproc.Modem, func() error, error) {
	return func(ctx context.Context, username, password string) (simproc.Modem, func() error, error) {
		o := opts
		o.Broker.Username, o.Broker.Password = username, password
		s, err := sim.Start(ctx, o)
		if err != nil {
			return simproc.Modem{}, nil, err
		}
		return Describe(s, o, 1), s.Close, nil
	}
}

// StartFleet starts n virtual modems sharing one broker, as atrun-sim
// --count does, and describes them.
func StartFleet(ctx context.Context, n int, opts sim.Options) ([]simproc.Modem, func() error, error) {
	f, err := sim.StartFleet(ctx, n, opts)
	if err != nil {
		return nil, nil, err
	}
	out := make([]simproc.Modem, len(f.Sims))
	for i, s := range f.Sims {
		out[i] = Describe(s, opts, i+1)
	}
	return out, f.Close, nil
}
