package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/atrun/atrun/engine"
	"github.com/atrun/atrun/engine/secret"
	"github.com/atrun/atrun/engine/tap"
	"github.com/atrun/atrun/engine/transcript"
)

// portFlags are the flags of every command that talks to a modem.
func portFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{
			Name:    "port",
			Aliases: []string{"p"},
			EnvVars: []string{"ATRUN_PORT"},
			Usage:   "the modem's `PORT`: a serial device (/dev/ttyUSB2), tcp://host:port (ser2net raw), rfc2217://host:port (ser2net telnet(rfc2217), labgrid), or auto (the Quectel AT port)",
		},
		&cli.IntFlag{Name: "baud", Value: 115200, Usage: "serial speed `N` in bits per second"},
	}
}

// sessionOptions say how to set up the link to the modem.
type sessionOptions struct {
	port    string // as given: a path, tcp://..., auto, or "" for none
	baud    int
	trace   bool   // --trace: bytes both ways on stderr
	record  string // --record: the transcript file, "" for none
	header  transcript.Header
	secrets *secret.Set
	stderr  io.Writer
	start   time.Time
	queue   int // the URC queue's size; engine.DefaultQueueSize when 0
}

// session is an open link to the modem with its observers: the tracer and
// the transcript recorder see every byte through the engine's tap.
type session struct {
	port   string // the port opened, "" when the run has none
	conn   *engine.Conn
	tracer *tracer
	rec    *transcript.Recorder
	file   *os.File
}

// openSession resolves and opens the port, then starts the recording. A
// port that will not open leaves no transcript behind.
func openSession(ctx context.Context, o sessionOptions) (*session, error) {
	s := &session{}
	port, err := resolvePort(o.port, o.stderr)
	if err != nil {
		return nil, err
	}
	var rw io.ReadWriteCloser
	if port != "" {
		if o.baud <= 0 {
			return nil, usagef("--baud %d: the speed must be a positive number of bits per second", o.baud)
		}
		if rw, err = engine.Open(ctx, port, engine.SerialConfig{Baud: o.baud}); err != nil {
			return nil, err
		}
	}
	s.port = port
	sinks := []tap.Sink{learnSecrets(o.secrets)}
	if o.record != "" {
		if err := s.startRecording(o, port); err != nil {
			if rw != nil {
				rw.Close()
			}
			return nil, err
		}
		sinks = append(sinks, s.rec)
	}
	if o.trace {
		s.tracer = newTracer(o.stderr, o.start, o.secrets, useColour(o.stderr))
		sinks = append(sinks, s.tracer)
	}
	if rw != nil {
		s.conn = engine.New(rw, engine.Config{Name: port, Secrets: o.secrets, Tap: multiTap(sinks), QueueSize: o.queue})
	}
	return s, nil
}

// learnSecrets watches the commands written for passwords (AT+QMTCONN,
// AT+QICSGP, AT+CPIN ...), so that they are redacted from then on in
// errors, logs and prints even when the script took them with param()
// rather than secret(). It comes first among the sinks, so that the
// recorder and the tracer already know them.
func learnSecrets(secrets *secret.Set) tap.Sink {
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
func (s *session) startRecording(o sessionOptions, port string) error {
	f, err := os.Create(o.record)
	if err != nil {
		return usagef("cannot write the transcript: %v", unwrapPath(err))
	}
	h := o.header
	h.Port, h.Start = port, o.start
	if !strings.HasPrefix(port, "tcp://") && port != "" {
		h.Baud = o.baud
	}
	rec, err := transcript.NewRecorder(f, h, o.secrets)
	if err != nil {
		f.Close()
		return usagef("cannot write the transcript %s: %v", o.record, err)
	}
	s.rec, s.file = rec, f
	return nil
}

// Close closes the port, then ends the trace and the transcript with how
// the run ended: nothing can arrive after the port is closed. It reports a
// failure to write the transcript.
func (s *session) Close(end transcript.Ending) error {
	if s.conn != nil {
		s.conn.Close()
	}
	if s.tracer != nil {
		s.tracer.Flush()
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

// unwrapPath drops the operation from a *PathError ("open x: permission
// denied" reads "x: permission denied").
func unwrapPath(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return fmt.Errorf("%s: %v", pe.Path, pe.Err)
	}
	return err
}
