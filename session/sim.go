package session

import (
	"cmp"
	"context"
	"net"
	"slices"
	"strings"

	"github.com/atrun/atrun/engine/secret"
	"github.com/atrun/atrun/luabind"
	"github.com/atrun/atrun/sim"
)

// Sim is the virtual EC20 that a run starts instead of opening a port,
// with the embedded broker whose address, credentials and CA the script
// receives as parameters.
type Sim struct {
	Options sim.Options
	// Ready runs once the simulator is up and before the script starts,
	// with a context that ends when the run does.
	Ready func(ctx context.Context, s *sim.Sim)
	// Running, when set, is a simulator already started (a fleet's
	// member): the run uses it instead of starting one, and leaves
	// stopping it to its owner.
	Running *sim.Sim

	added  []string // the parameters filled in for the script; the run's goroutine
	sim    *sim.Sim
	cancel context.CancelFunc
}

// start starts the simulator and fills in the broker parameters the
// caller did not give; it returns the device to open. A user name or
// password given (in params, or in the environment as ATRUN_USERNAME and
// ATRUN_PASSWORD, which the script reads as param() or secret() would)
// becomes the embedded broker's, so that the script's own credentials are
// the ones that work. Only the credentials are taken from the environment:
// ATRUN_PORT is the modem's port, not the broker's.
// The password is made a secret before any byte reaches the modem: no
// trace, transcript, log or error shows it.
func (v *Sim) start(ctx context.Context, params map[string]string, secrets *secret.Set, getenv func(string) string) (string, error) {
	given := func(name string) (string, bool) {
		if p, ok := params[name]; ok {
			return p, true
		}
		if name != "username" && name != "password" {
			return "", false
		}
		e := getenv(EnvName(name))
		return e, e != ""
	}
	v.Options.Broker.Username, _ = given("username")
	v.Options.Broker.Password, _ = given("password")
	s, err := v.Running, error(nil)
	if s == nil {
		s, err = sim.Start(ctx, v.Options)
	}
	if err != nil {
		return "", &SetupError{Msg: "cannot start the virtual EC20: " + err.Error()}
	}
	secrets.Add(s.Password)
	host, port, _ := net.SplitHostPort(s.BrokerAddr)
	// urcport tells the shipped scripts which modem port the pty is, so
	// they can check that URCs reach it rather than guess.
	urcPort := cmp.Or(v.Options.Port, "usbat")
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
		if _, ok := given(p[0]); !ok {
			params[p[0]] = p[1]
			v.added = append(v.added, p[0])
		}
	}
	hookCtx, cancel := context.WithCancel(ctx)
	v.sim, v.cancel = s, cancel
	if v.Ready != nil {
		v.Ready(hookCtx, s)
	}
	return s.DevicePath, nil
}

// close stops what Ready started, then the simulator and its broker.
func (v *Sim) close() error {
	v.cancel()
	if v.Running != nil {
		return nil
	}
	return v.sim.Close()
}

// forget drops the parameters the simulator filled in from those the
// script never read: the user did not give them, so a warning about them
// would be wrong.
func (v *Sim) forget(res *luabind.Result) {
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

// lackingHint is the hint for a bare ERROR on the virtual EC20 (the
// engine's Config.BareErrorHint): when the virtual EC20 does not implement
// the command, it says so, since the syntax is not what is wrong; otherwise
// "" keeps the engine's hint.
func lackingHint(command string) string {
	if !sim.Lacks(command) {
		return ""
	}
	name := command
	if i := strings.IndexAny(name, "=?"); i > 0 {
		name = name[:i]
	}
	return "the virtual EC20 does not implement " + name + " ('atrun sim --commands' lists what it does): it answers ERROR as the EC20 answers an unknown command; on a real EC20 check the syntax"
}
