package session

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync/atomic"
	"time"

	"github.com/atrun/atrun/engine"
	"github.com/atrun/atrun/engine/secret"
	"github.com/atrun/atrun/engine/tap"
	"github.com/atrun/atrun/engine/transcript"
	"github.com/atrun/atrun/luabind"
	"github.com/atrun/atrun/scripts"
)

// Reporter is where a run's events go: the script's steps, logs and
// prints, and the run's own remarks.
type Reporter interface {
	luabind.Reporter
	// Notice is a remark about the run (a parameter the script never read).
	Notice(msg string)
	// Dropped reports the URCs the engine's full queue dropped.
	Dropped(d engine.DropReport)
}

// Job is a checked script and how to run it.
type Job struct {
	Script luabind.Script
	Params map[string]string // given by the user (--set)
	Sim    *Sim              // the virtual EC20 to run on, instead of Port
	Port   string            // as given: a path, tcp://..., auto, or "" for none
	Baud   int
	Line   engine.SerialConfig // data bits, parity, stop bits, RTS/CTS; Baud is the speed
	Queue  int                 // the URC queue's size; engine.DefaultQueueSize when 0
	// NoResync skips the clean start: by default, before the script runs,
	// what an earlier program left pending is drained and AT is sent until
	// a clean OK, so no leftover is taken for the script's first answer.
	// A run on a virtual modem started for it (Sim) never needs one.
	NoResync bool
	Record   string // the transcript file, "" for none
	// Version is atrun's, written in the transcript's header.
	Version string
	Start   time.Time // when the run started; the transcript's start
	Report  Reporter  // nil discards
	// Trace makes the sink that sees every byte both ways (--trace), given
	// the session's secrets and where it learns the script line of the
	// current call; nil for none.
	Trace func(secrets *secret.Set, where func() string) tap.Sink
	// ResolvePort turns the port as given (auto) into a device; nil takes
	// it as it is.
	ResolvePort func(port string) (string, error)
	// Stopped explains the script's error by why ctx ended (the caller's
	// interruption, its time limit); the transcript's end line takes its
	// kind from an EndKind method in the result's chain. Nil keeps errors
	// as they are.
	Stopped func(ctx context.Context, err error) error
	// Getenv reads ATRUN_<NAME> parameters; os.Getenv when nil.
	Getenv func(string) string
}

// Run opens the session (or starts the virtual EC20) and runs the script
// until it ends, fails, or ctx ends (the caller's Ctrl+C or time limit).
// The transcript, when recorded, ends with how the run ended, whichever
// way it did. A *SetupError is the job's own mistake.
func Run(ctx context.Context, j Job) (*luabind.Result, error) {
	if j.Getenv == nil {
		j.Getenv = os.Getenv
	}
	if j.Stopped == nil {
		j.Stopped = func(_ context.Context, err error) error { return err }
	}
	if j.Params == nil {
		j.Params = map[string]string{}
	}
	secrets := &secret.Set{}
	if j.Sim != nil {
		// The simulator outlives a Ctrl+C until the session is closed, so
		// that the clean stop still reaches a modem.
		dev, err := j.Sim.start(context.WithoutCancel(ctx), j.Params, secrets, j.Getenv)
		if err != nil {
			return nil, j.Stopped(ctx, err)
		}
		defer j.Sim.close()
		j.Port, j.ResolvePort = dev, nil
		// A virtual modem started for this run holds nothing an earlier
		// program left: its boot URCs are the script's.
		j.NoResync = true
	}
	// The trace asks for the script line from the engine's reader, while
	// the runner is made after the connection it needs.
	var runner atomic.Pointer[luabind.Runner]
	where := func() string {
		if r := runner.Load(); r != nil {
			return r.Where()
		}
		return ""
	}
	o := Options{
		Port: j.Port, Link: j.Sim.link(), Baud: j.Baud, Line: j.Line, QueueSize: j.Queue, Record: j.Record, Secrets: secrets, Start: j.Start, ResolvePort: j.ResolvePort,
		Header: transcript.Header{
			Script: j.Script.Name, Atrun: j.Version,
			Resync: !j.NoResync && j.Port != "",
		},
	}
	nameSecrets(j.Params, secrets)
	if j.Record != "" || j.Trace != nil {
		// Finding the names read with secret() scans the script and every
		// shipped module (about 0.5 ms of each start-up). The header is
		// written, and the trace shows bytes, before secret() runs, so
		// they need the values known at once; other output is redacted
		// from the moment secret() reads a value, as before.
		o.Header.Params = HeaderParams(j.Params, j.Script.Source, secrets, j.Getenv)
	}
	if j.Sim != nil {
		o.BareErrorHint = j.Sim.lackingHint
	}
	if j.Trace != nil {
		o.Trace = j.Trace(secrets, where)
	}
	sess, err := Open(ctx, o)
	if err != nil {
		return nil, j.Stopped(ctx, err)
	}
	if err := cleanStart(ctx, sess.Conn, !j.NoResync, j.Report); err != nil {
		err = j.Stopped(ctx, err)
		sess.Close(Ending(err, sess.Conn))
		return nil, err
	}
	r := luabind.NewRunner(luabind.Options{
		Conn: sess.Conn, Port: sess.Port, Params: j.Params, Secrets: secrets, Getenv: j.Getenv,
		Modules: scripts.Modules, Report: j.Report, ReadFile: sess.ReadFile,
	})
	runner.Store(r)
	res, err := r.Run(ctx, j.Script)
	if sess.Conn != nil && j.Report != nil {
		if d := sess.Conn.DroppedURCs(); d.Total > 0 {
			j.Report.Dropped(d)
		}
	}
	err = j.Stopped(ctx, noPort(sess.Port, err))
	if cerr := sess.Close(Ending(err, sess.Conn)); err == nil && cerr != nil {
		err = cerr
	}
	if j.Sim != nil {
		j.Sim.forget(res)
	}
	warnUnused(j.Report, res)
	return res, err
}

// cleanStart resynchronises with the modem before the script's first
// command, keeping the URCs a power-on script may wait for, and says what
// it found when the start was not clean.
func cleanStart(ctx context.Context, conn *engine.Conn, on bool, rep Reporter) error {
	if conn == nil || !on {
		return nil
	}
	return CleanStart(ctx, conn, engine.ResyncOptions{KeepURCs: true}, func(found string) {
		if rep != nil {
			rep.Notice("clean start: " + found)
		}
	})
}

// CleanStart runs the engine's clean start (engine.Conn.Resync) on conn
// and, when the line was not clean, tells found what it discarded or
// met, in words.
func CleanStart(ctx context.Context, conn *engine.Conn, o engine.ResyncOptions, found func(string)) error {
	rep, err := conn.Resync(ctx, o)
	if err == nil && !rep.Clean() {
		found(rep.String())
	}
	return err
}

// scriptMessage is the failure's message as a replay's script error
// reads: the script's own words when the script raised it.
func scriptMessage(err error) string {
	var se *luabind.ScriptError
	if errors.As(err, &se) {
		return se.Error()
	}
	return err.Error()
}

// noPort turns a script's use of the modem in a run without a port into a
// setup error that says how to give one.
func noPort(port string, err error) error {
	var se *luabind.ScriptError
	if port != "" || !errors.As(err, &se) || !strings.Contains(se.Message, "no modem") {
		return err
	}
	return &SetupError{Msg: se.Error(), Hint: "pass --port /dev/ttyUSB2 (or tcp://host:port, or auto), or set ATRUN_PORT"}
}

// warnUnused says which given parameters the script never read: most
// often a typo, never fatal.
func warnUnused(rep Reporter, res *luabind.Result) {
	if rep == nil || res == nil || len(res.UnusedParams) == 0 {
		return
	}
	keys := make([]string, len(res.UnusedParams))
	for i, k := range res.UnusedParams {
		keys[i] = "--set " + k
	}
	rep.Notice(fmt.Sprintf("the script never read %s (a typo?)", strings.Join(keys, ", ")))
}
