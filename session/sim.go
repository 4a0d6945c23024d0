package session

import (
	"cmp"
	"context"
	"errors"
	"io"
	"net"
	"slices"
	"strings"

	"github.com/atrun/atrun/engine/secret"
	"github.com/atrun/atrun/luabind"
	"github.com/atrun/atrun/simproc"
)

// StartSim starts one virtual modem whose embedded broker takes the user
// name and password given ("" lets it make them up), and returns what it
// is and how to stop it. atrun starts it in a child process (simproc);
// library tests in this process (simproc/inproc).
type StartSim func(ctx context.Context, username, password string) (simproc.Modem, func() error, error)

// Sim is the virtual modem that a run starts instead of opening a port,
// with the embedded broker whose address, credentials and CA the script
// receives as parameters.
type Sim struct {
	// Start starts it; a *SetupError it returns is passed on as it is,
	// any other error is a setup error of its own.
	Start StartSim
	// Ready runs once the simulator is up and before the script starts,
	// with a context that ends when the run does.
	Ready func(ctx context.Context, m simproc.Modem)
	// Running, when set, is a simulator already started (a fleet's
	// member): the run uses it instead of starting one, and leaves
	// stopping it to its owner.
	Running *simproc.Modem

	added  []string // the parameters filled in for the script; the run's goroutine
	modem  simproc.Modem
	stop   func() error // nil for a Running one
	cancel context.CancelFunc
}

// start starts the simulator and fills in the broker parameters the
// caller did not give; it returns the device to open, or for a modem
// reached over a link the name to call it by. A user name or
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
		e := getenv(luabind.EnvName(name))
		return e, e != ""
	}
	if err := v.run(ctx, given); err != nil {
		return "", err
	}
	s := v.modem
	secrets.Add(s.Password)
	host, port, _ := net.SplitHostPort(s.BrokerAddr)
	// urcport tells the shipped scripts which modem port the pty is, so
	// they can check that URCs reach it rather than guess.
	urcPort := cmp.Or(s.PortName, "usbat")
	echoHost, echoPort, _ := net.SplitHostPort(s.EchoAddr)
	_, tlsPort, _ := net.SplitHostPort(s.EchoTLSAddr)
	_, udpPort, _ := net.SplitHostPort(s.UDPEchoAddr)
	for _, p := range [][2]string{{"host", host}, {"port", port}, {"username", s.Username},
		{"password", s.Password}, {"ca_cert", s.CAFile}, {"urcport", urcPort},
		// The echo and web servers (ec20_tcp, ec20_https); their TLS
		// certificates come from the same CA as the broker's.
		{"echo_host", echoHost}, {"echo_port", echoPort}, {"echo_tls_port", tlsPort},
		{"echo_udp_port", udpPort}, {"url", s.HTTPSURL}, {"http_url", s.HTTPURL}} {
		if _, ok := given(p[0]); !ok {
			params[p[0]] = p[1]
			v.added = append(v.added, p[0])
		}
	}
	hookCtx, cancel := context.WithCancel(ctx)
	v.cancel = cancel
	if v.Ready != nil {
		v.Ready(hookCtx, s)
	}
	return s.Name(), nil
}

// link is the open line to the virtual modem when it is reached over one
// rather than a device, else nil (also for a run with no virtual modem).
func (v *Sim) link() io.ReadWriteCloser {
	if v == nil {
		return nil
	}
	return v.modem.Link
}

// run starts the virtual modem, or takes the running one.
func (v *Sim) run(ctx context.Context, given func(string) (string, bool)) error {
	if v.Running != nil {
		v.modem = *v.Running
		return nil
	}
	if v.Start == nil {
		return &SetupError{Msg: "cannot start the virtual EC20: no way to start one was given"}
	}
	user, _ := given("username")
	password, _ := given("password")
	m, stop, err := v.Start(ctx, user, password)
	if err != nil {
		var se *SetupError
		if errors.As(err, &se) {
			return se
		}
		return &SetupError{Msg: "cannot start the virtual EC20: " + err.Error()}
	}
	v.modem, v.stop = m, stop
	return nil
}

// close stops what Ready started, then the simulator and its broker.
func (v *Sim) close() error {
	v.cancel()
	if v.stop == nil {
		return nil
	}
	return v.stop()
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

// lackingHint is the hint for a bare ERROR on the virtual modem (the
// engine's Config.BareErrorHint): when the virtual modem does not
// implement the command, it says so, since the syntax is not what is
// wrong; otherwise "" keeps the engine's hint.
func (v *Sim) lackingHint(command string) string {
	if !v.modem.Lacks(command) {
		return ""
	}
	name := command
	if i := strings.IndexAny(name, "=?"); i > 0 {
		name = name[:i]
	}
	return "the virtual " + simName(v.modem) + " does not implement " + name + " ('atrun sim --commands' lists what it does): it answers ERROR as the " + simName(v.modem) + " answers an unknown command; on a real " + simName(v.modem) + " check the syntax"
}

// simName is how a virtual modem is named: "EC20" as it always has been,
// else its module ("SIMCom A7670E").
func simName(m simproc.Modem) string {
	if m.Model == "" || m.Model == simproc.ModelEC20 {
		return "EC20"
	}
	return m.Title
}
