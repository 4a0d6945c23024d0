package main

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"slices"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/atrun/atrun/engine/secret"
	"github.com/atrun/atrun/luabind"
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

// virtualModem is the virtual EC20 that a run starts instead of opening a
// port, with the embedded broker whose address, credentials and CA the
// script receives as parameters.
type virtualModem struct {
	opts sim.Options
	// ready runs once the simulator is up and before the script starts,
	// with a context that ends when the run does.
	ready func(ctx context.Context, s *sim.Sim)

	added  []string // the parameters filled in for the script
	sim    *sim.Sim
	cancel context.CancelFunc
}

// simFromFlags reads --sim and --fault of atrun run: nil without --sim.
func simFromFlags(c *cli.Context) (*virtualModem, error) {
	faults := c.StringSlice("fault")
	if !c.Bool("sim") {
		if len(faults) > 0 {
			return nil, usagef("--fault needs --sim: faults are switched on in the virtual EC20")
		}
		return nil, nil
	}
	if portGiven(c) {
		return nil, usagef("--sim and --port exclude each other: --sim runs the script on a virtual EC20 instead of a port")
	}
	f, err := parseFaults(faults)
	if err != nil {
		return nil, err
	}
	return &virtualModem{opts: sim.Options{Faults: f, Reply: simReply, Log: simRunLog(c.App.ErrWriter)}, ready: announce(c.App.ErrWriter)}, nil
}

// portGiven reports whether --port was on the command line. ATRUN_PORT
// alone does not count: a port exported for everyday runs must not stop
// a run on the virtual EC20.
func portGiven(c *cli.Context) bool {
	return c.IsSet("port") && c.String("port") != os.Getenv("ATRUN_PORT")
}

// announce says where the virtual EC20 and its broker are, on stderr with
// the run's other remarks.
func announce(w io.Writer) func(context.Context, *sim.Sim) {
	return func(_ context.Context, s *sim.Sim) {
		fmt.Fprintf(w, "virtual EC20 on %s, MQTT broker at %s (TLS)\n", s.DevicePath, s.BrokerAddr)
	}
}

// start starts the simulator and fills in the broker parameters the
// command line did not give; it returns the device to open. A user name
// or password given with --set becomes the embedded broker's, so that the
// script's own credentials are the ones that work. The password is made a
// secret before any byte reaches the modem: no trace, transcript, log or
// error shows it.
func (v *virtualModem) start(ctx context.Context, params map[string]string, secrets *secret.Set) (string, error) {
	v.opts.Broker.Username, v.opts.Broker.Password = params["username"], params["password"]
	s, err := sim.Start(ctx, v.opts)
	if err != nil {
		return "", &usageError{msg: "cannot start the virtual EC20: " + err.Error()}
	}
	secrets.Add(s.Password)
	host, port, _ := net.SplitHostPort(s.BrokerAddr)
	// urcport tells the shipped scripts which modem port the pty is, so
	// they can check that URCs reach it rather than guess.
	urcPort := cmp.Or(v.opts.Port, "usbat")
	srv := s.Servers
	echoHost, echoPort, _ := net.SplitHostPort(srv.EchoAddr)
	_, tlsPort, _ := net.SplitHostPort(srv.EchoTLSAddr)
	_, udpPort, _ := net.SplitHostPort(srv.UDPEchoAddr)
	for _, p := range [][2]string{{"host", host}, {"port", port}, {"username", s.Username},
		{"password", s.Password}, {"ca_cert", s.CAFile}, {"urcport", urcPort},
		// The echo and web servers (ec20_tcp, ec20_https); their TLS
		// certificates come from the same CA as the broker's.
		{"echo_host", echoHost}, {"echo_port", echoPort}, {"echo_tls_port", tlsPort},
		{"echo_udp_port", udpPort}, {"url", srv.HTTPSURL}, {"http_url", srv.HTTPURL}} {
		if _, ok := params[p[0]]; !ok {
			params[p[0]] = p[1]
			v.added = append(v.added, p[0])
		}
	}
	hookCtx, cancel := context.WithCancel(ctx)
	v.sim, v.cancel = s, cancel
	if v.ready != nil {
		v.ready(hookCtx, s)
	}
	return s.DevicePath, nil
}

// Close stops what ready started, then the simulator and its broker.
func (v *virtualModem) Close() error {
	v.cancel()
	return v.sim.Close()
}

// forget drops the parameters the simulator filled in from those the
// script never read: the user did not --set them, so a warning about them
// would be wrong.
func (v *virtualModem) forget(res *luabind.Result) {
	if res == nil {
		return
	}
	kept := res.UnusedParams[:0]
	for _, k := range res.UnusedParams {
		if !slices.Contains(v.added, k) {
			kept = append(kept, k)
		}
	}
	res.UnusedParams = kept
}
