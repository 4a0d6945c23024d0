package atruncli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/urfave/cli/v3"

	"github.com/atrun/atrun/engine"
	"github.com/atrun/atrun/engine/secret"
	"github.com/atrun/atrun/engine/tap"
	"github.com/atrun/atrun/engine/transcript"
	"github.com/atrun/atrun/session"
)

// portFlags are the flags of every command that talks to a modem.
func portFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{
			Name:    "port",
			Aliases: []string{"p"},
			Sources: cli.EnvVars("ATRUN_PORT"),
			Usage:   "the modem's `PORT`: a serial device (/dev/ttyUSB2), tcp://host:port (ser2net raw), rfc2217://host:port (ser2net telnet(rfc2217), labgrid), or auto (the Quectel AT port)",
		},
		&cli.IntFlag{Name: "baud", Value: 115200, Usage: "serial speed `N` in bits per second"},
		// The rest of the line's settings, for a serial device and an
		// RFC 2217 port alike (a raw TCP port's server sets its own).
		&cli.IntFlag{Name: "data-bits", Value: 8, Usage: "data bits `N` per character (5-8)"},
		&cli.StringFlag{Name: "parity", Value: "none", Usage: "parity `P`: none, odd, even, mark or space"},
		&cli.IntFlag{Name: "stop-bits", Value: 1, Usage: "stop bits `N` (1 or 2)"},
		&cli.BoolFlag{Name: "rtscts", Usage: "hardware flow control (RTS/CTS)"},
	}
}

// lineOf reads the serial line's settings from the port flags.
func serialLine(c *cli.Command) engine.SerialConfig {
	return engine.SerialConfig{Baud: c.Int("baud"), DataBits: c.Int("data-bits"), Parity: c.String("parity"),
		StopBits: c.Int("stop-bits"), RTSCTS: c.Bool("rtscts")}
}

// sessionOptions say how atrun send sets up the link to the modem.
type sessionOptions struct {
	port    string // as given: a path, tcp://..., auto, or "" for none
	line    engine.SerialConfig
	trace   bool // --trace: bytes both ways on stderr
	secrets *secret.Set
	stderr  io.Writer
	start   time.Time
}

// cliSession is an open session as atrun send uses it.
type cliSession struct {
	*session.Session
	conn *engine.Conn
}

// openSession opens the port through the session package, with the CLI's
// port resolution and trace.
func openSession(ctx context.Context, o sessionOptions) (*cliSession, error) {
	opts := session.Options{
		Port: o.port, Baud: o.line.Baud, Line: o.line, Secrets: o.secrets, Start: o.start,
		ResolvePort: resolver(o.stderr),
	}
	if o.trace {
		opts.Trace = session.NewTracer(o.stderr, o.start, o.secrets, useColour(o.stderr))
	}
	s, err := session.Open(ctx, opts)
	if err != nil {
		return nil, setupError(err)
	}
	return &cliSession{Session: s, conn: s.Conn}, nil
}

// resolver resolves --port (auto) saying on w which port it picked.
func resolver(w io.Writer) func(string) (string, error) {
	return func(port string) (string, error) { return resolvePort(port, w) }
}

// traceTo makes the --trace sink of a run on w.
func traceTo(w io.Writer, start time.Time) func(*secret.Set, func() string) tap.Sink {
	return func(secrets *secret.Set, where func() string) tap.Sink {
		t := session.NewTracer(w, start, secrets, useColour(w))
		t.SetWhere(where)
		return t
	}
}

// setupError makes the session package's setup mistakes usage errors.
func setupError(err error) error {
	var se *session.SetupError
	if errors.As(err, &se) {
		return &usageError{msg: se.Msg, hint: se.Hint}
	}
	return err
}

// endingOf says how a run ended, for the transcript's end line.
func endingOf(err error, conn *engine.Conn) transcript.Ending { return session.Ending(err, conn) }

// unwrapPath drops the operation from a *PathError ("open x: permission
// denied" reads "x: permission denied").
func unwrapPath(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return fmt.Errorf("%s: %v", pe.Path, pe.Err)
	}
	return err
}

// learnSecrets is the session's sink that learns the passwords commands
// carry.
var learnSecrets = session.LearnSecrets
