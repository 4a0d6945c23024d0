// Package session runs a Lua script against a live modem: it opens the
// port (or starts a virtual EC20), records the transcript as the run goes,
// runs the script and ends the recording with how the run ended, on every
// exit path. The CLI passes in its sinks (the reporter, the trace) and its
// policy for the port name; it keeps flags and exit codes.
package session

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/atrun/atrun/engine"
	"github.com/atrun/atrun/engine/secret"
	"github.com/atrun/atrun/engine/tap"
	"github.com/atrun/atrun/engine/transcript"
)

// SetupError is a mistake in how the run was set up (a bad speed, a
// transcript file that cannot be written, a script that needs a port and
// got none): the caller reports it as a usage error.
type SetupError struct {
	Msg  string
	Hint string // what to do about it, "" when Msg says it
}

func (e *SetupError) Error() string { return e.Msg }

func setupf(format string, args ...any) error {
	return &SetupError{Msg: fmt.Sprintf(format, args...)}
}

// Options say how to set up the link to the modem.
type Options struct {
	Port string // as given: a path, tcp://..., auto, or "" for none
	// Link, when set, is the modem's line already open (a virtual modem
	// served in this process): the session uses it instead of opening
	// Port, which then only names it.
	Link io.ReadWriteCloser
	Baud int
	// Line holds the serial line's other settings (data bits, parity,
	// stop bits, RTS/CTS); Baud is its speed.
	Line    engine.SerialConfig
	Record  string // the transcript file, "" for none
	Header  transcript.Header
	Secrets *secret.Set
	Start   time.Time
	// QueueSize is how many URCs the engine keeps that no handler or wait
	// has taken yet; engine.DefaultQueueSize when 0.
	QueueSize int
	// ResolvePort turns the port as given (auto) into a device; nil takes
	// it as it is.
	ResolvePort func(port string) (string, error)
	// Trace makes the sink that sees every byte both ways (--trace); nil
	// for none. The session sets where it learns the script line from
	// with SetWhere before the script runs.
	Trace tap.Sink
	// BareErrorHint is the engine's Config.BareErrorHint: on the virtual
	// EC20, the hint for a command it does not implement.
	BareErrorHint func(command string) string
}

// Session is an open link to the modem with its observers: the trace and
// the transcript recorder see every byte through the engine's tap.
type Session struct {
	Port  string       // the port opened, "" when the run has none
	Conn  *engine.Conn // nil when the run has no port
	trace tap.Sink
	rec   *transcript.Recorder
	file  *os.File
}

// Open resolves and opens the port, then starts the recording. A port that
// will not open leaves no transcript behind.
func Open(ctx context.Context, o Options) (*Session, error) {
	if o.Secrets == nil {
		o.Secrets = &secret.Set{}
	}
	s := &Session{trace: o.Trace}
	port := o.Port
	if o.ResolvePort != nil {
		var err error
		if port, err = o.ResolvePort(port); err != nil {
			return nil, err
		}
	}
	rw := o.Link
	if rw == nil && port != "" {
		if o.Baud <= 0 {
			return nil, setupf("--baud %d: the speed must be a positive number of bits per second", o.Baud)
		}
		var err error
		line := o.Line
		line.Baud = o.Baud
		if rw, err = engine.Open(ctx, port, line); err != nil {
			return nil, err
		}
	}
	s.Port = port
	sinks := []tap.Sink{LearnSecrets(o.Secrets)}
	if o.Record != "" {
		if err := s.startRecording(o, port); err != nil {
			if rw != nil {
				rw.Close()
			}
			return nil, err
		}
		sinks = append(sinks, s.rec)
	}
	if o.Trace != nil {
		sinks = append(sinks, o.Trace)
	}
	if rw != nil {
		s.Conn = engine.New(rw, engine.Config{Name: port, Secrets: o.Secrets, Tap: multiTap(sinks), QueueSize: o.QueueSize, BareErrorHint: o.BareErrorHint})
	}
	return s, nil
}

// LearnSecrets watches the commands written for passwords (AT+QMTCONN,
// AT+QICSGP, AT+CPIN ...), so that they are redacted from then on in
// errors, logs and prints even when the script took them with param()
// rather than secret(). It comes first among the sinks, so that the
// recorder and the trace already know them.
func LearnSecrets(secrets *secret.Set) tap.Sink {
	return tap.Func(func(dir tap.Dir, _ time.Time, p []byte) {
		if dir != tap.ToModem {
			return
		}
		for _, line := range bytes.FieldsFunc(p, func(c rune) bool { return c == '\r' || c == '\n' }) {
			secrets.LearnCommand(string(line))
		}
	})
}

// multiTap joins the sinks.
func multiTap(sinks []tap.Sink) tap.Sink {
	if len(sinks) == 1 {
		return sinks[0]
	}
	return tap.Multi(sinks...)
}

// startRecording creates the transcript file and writes its header. The
// recorder writes each event as it happens, so an interrupted run leaves a
// valid transcript of everything until then.
func (s *Session) startRecording(o Options, port string) error {
	f, err := os.Create(o.Record)
	if err != nil {
		return setupf("cannot write the transcript: %v", unwrapPath(err))
	}
	h := o.Header
	h.Port, h.Start = port, o.Start
	if !strings.Contains(port, "://") && port != "" {
		h.Baud = o.Baud
	}
	rec, err := transcript.NewRecorder(f, h, o.Secrets)
	if err != nil {
		f.Close()
		return setupf("cannot write the transcript %s: %v", o.Record, err)
	}
	s.rec, s.file = rec, f
	return nil
}

// ReadFile reads a file the script names and records its contents, so that
// a replay serves them and needs no file of this machine. It is the
// script runner's luabind.Options.ReadFile.
func (s *Session) ReadFile(name string) ([]byte, error) {
	data, err := os.ReadFile(name)
	if err == nil && s.rec != nil {
		s.rec.File(time.Now(), name, data)
	}
	return data, err
}

// Close closes the port, then ends the trace and the transcript with how
// the run ended: nothing can arrive after the port is closed. It reports a
// failure to write the transcript.
func (s *Session) Close(end transcript.Ending) error {
	if s.Conn != nil {
		s.Conn.Close()
	}
	if f, ok := s.trace.(interface{ Flush() }); ok {
		f.Flush()
	}
	if s.rec == nil {
		return nil
	}
	err := s.rec.EndAs(time.Now(), end)
	if cerr := s.file.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("writing the transcript %s: %w", s.file.Name(), err)
	}
	return nil
}

// Ending says how a run ended, for the transcript's end line: every exit
// path is told apart, so that a replay expects the same outcome. An error
// in err's chain with an EndKind method (the caller's interruption, its
// time limit) names its kind; the port counts as lost when the connection
// failed reading or writing it, whatever the script made of that failure.
func Ending(err error, conn *engine.Conn) transcript.Ending {
	var (
		stop interface{ EndKind() transcript.EndKind }
		pe   *engine.PortError
	)
	if err == nil {
		return transcript.Ending{Kind: transcript.Succeeded}
	}
	msg := err.Error()
	switch {
	case errors.As(err, &stop):
		return transcript.Ending{Kind: stop.EndKind(), Message: msg}
	case conn != nil && errors.As(conn.Err(), &pe) && pe.Op != "open":
		return transcript.Ending{Kind: transcript.PortLost, Message: msg}
	}
	return transcript.Ending{Kind: transcript.Failed, Message: scriptMessage(err)}
}

// unwrapPath drops the operation from a *PathError ("open x: permission
// denied" reads "x: permission denied").
func unwrapPath(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return fmt.Errorf("%s: %v", pe.Path, pe.Err)
	}
	return err
}
