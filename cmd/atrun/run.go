package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/atrun/atrun/engine"
	"github.com/atrun/atrun/engine/secret"
	"github.com/atrun/atrun/engine/transcript"
	"github.com/atrun/atrun/luabind"
	"github.com/atrun/atrun/scripts"
)

func init() { register(runCommand) }

func runCommand() *cli.Command {
	return &cli.Command{
		Name:      "run",
		Usage:     "run a Lua script against a modem",
		ArgsUsage: "SCRIPT",
		Description: `SCRIPT is a .lua file, or the name of a shipped script ('atrun scripts'
lists them); a file at that path wins. What the script prints goes to
stdout; steps, logs and traces go to stderr. The run stops cleanly on Ctrl+C: the
modem is left in command mode and the transcript is complete up to then.

--sim runs the script on a virtual EC20 (on a pseudo-terminal) with an MQTT
broker over TLS, both inside atrun: no modem needed. The script gets the
broker's host, port, username, password (a secret: never shown or
recorded) and ca_cert, and urcport, unless --set gives them; a username
or password given becomes the broker's. --fault switches on a failure
('atrun sim --fault help' lists them).

Exit codes: 0 success, 1 the script failed (modem error, timeout, error
raised), 2 usage or setup (bad flag, script not found, syntax error, port
that will not open), 130 interrupted.

Example:
   atrun run ec20_mqtts --port auto --set host=broker.example.com \
       --set ca_cert=ca.pem --record session.txt
   ATRUN_PORT=/dev/ttyUSB2 atrun run ./check.lua --trace
   atrun run ec20_mqtts --sim --fault no-sim`,
		Flags: append(portFlags(),
			&cli.StringSliceFlag{Name: "set", Usage: "a script parameter as `key=value`, read with param(key) (repeatable)"},
			&cli.DurationFlag{Name: "timeout", Usage: "stop the whole run after `D` (e.g. 90s, 5m)", DefaultText: "no limit"},
			&cli.BoolFlag{Name: "trace", Usage: "print every byte to and from the modem on stderr"},
			&cli.StringFlag{Name: "record", Usage: "write a transcript of the session to `FILE`, as it happens"},
			&cli.BoolFlag{Name: "json", Usage: "print the run's events as JSON lines on stdout"},
			&cli.IntFlag{Name: "urc-queue", Value: engine.DefaultQueueSize, Usage: "keep up to `N` URCs no handler or wait has taken yet; beyond, the oldest are dropped and counted"},
			&cli.BoolFlag{Name: "sim", Usage: "run on a virtual EC20 with an embedded MQTT broker; the script gets host, port, username, password and ca_cert unless --set gives them"},
			faultFlag(),
		),
		BashComplete: completeScripts,
		Action:       runAction,
	}
}

// completeScripts offers the shipped scripts' names for SCRIPT.
func completeScripts(c *cli.Context) {
	if c.NArg() > 0 {
		return
	}
	for _, s := range scripts.List() {
		fmt.Fprintln(c.App.Writer, s.Name)
	}
}

func runAction(c *cli.Context) error {
	start := time.Now()
	var rep runReporter = newHumanReport(c.App.Writer, c.App.ErrWriter)
	if c.Bool("json") {
		rep = newJSONReport(c.App.Writer, start)
	}
	res, err := runScript(c, rep, start)
	rep.Finish(res, err)
	return err
}

// runScript checks the command line, then runs the script it names.
func runScript(c *cli.Context, rep runReporter, start time.Time) (*luabind.Result, error) {
	switch c.NArg() {
	case 0:
		return nil, usagef("atrun run needs a SCRIPT: a .lua file or a shipped script's name (run 'atrun scripts')")
	case 1:
	default:
		return nil, usagef("atrun run takes one SCRIPT, got %d arguments: %s", c.NArg(), strings.Join(c.Args().Slice(), " "))
	}
	if n := c.Int("urc-queue"); n < 1 {
		return nil, usagef("--urc-queue %d: the queue must hold at least 1 URC", n)
	}
	params, err := parseSets(c.StringSlice("set"))
	if err != nil {
		return nil, err
	}
	virt, err := simFromFlags(c)
	if err != nil {
		return nil, err
	}
	script, err := loadScript(c.Args().First())
	if err != nil {
		return nil, err
	}
	if err := checkSyntax(script); err != nil {
		return nil, err
	}
	return runJob{
		script: script, params: params, virt: virt,
		port: c.String("port"), baud: c.Int("baud"), timeout: c.Duration("timeout"),
		trace: c.Bool("trace"), record: c.String("record"), stderr: c.App.ErrWriter,
		queue: c.Int("urc-queue"),
	}.run(c.Context, rep, start)
}

// runJob is a checked script and how to run it: atrun run builds one from
// its flags, atrun demo from its own.
type runJob struct {
	script  luabind.Script
	params  map[string]string
	virt    *virtualModem // the virtual EC20 to run on, instead of port
	port    string
	baud    int
	timeout time.Duration
	trace   bool
	record  string
	stderr  io.Writer
	queue   int // the URC queue's size, engine.DefaultQueueSize when 0
}

// run opens the session and runs the script until it ends, fails, times
// out or is interrupted.
func (j runJob) run(parent context.Context, rep runReporter, start time.Time) (*luabind.Result, error) {
	// Signals are caught before the port opens: from then on, Ctrl+C must
	// go through the run's clean stop.
	ctx, stop := withInterrupt(parent)
	defer stop()
	ctx, cancel := withRunTimeout(ctx, j.timeout)
	defer cancel()

	secrets := &secret.Set{}
	if j.virt != nil {
		// The simulator outlives a Ctrl+C until the session is closed, so
		// that the clean stop still reaches a modem.
		dev, err := j.virt.start(parent, j.params, secrets)
		if err != nil {
			return nil, stopped(ctx, err)
		}
		defer j.virt.Close()
		j.port = dev
	}
	sess, err := openSession(ctx, sessionOptions{
		port: j.port, baud: j.baud, trace: j.trace, record: j.record,
		header: transcript.Header{
			Script: j.script.Name, Atrun: version,
			Params: headerParams(j.params, j.script.Source, secrets),
		},
		secrets: secrets, stderr: j.stderr, start: start, queue: j.queue,
	})
	if err != nil {
		return nil, stopped(ctx, err)
	}
	runner := luabind.NewRunner(luabind.Options{
		Conn: sess.conn, Port: sess.port, Params: j.params, Secrets: secrets,
		Modules: scripts.Modules, Report: rep,
	})
	if sess.tracer != nil {
		sess.tracer.setWhere(runner.Where)
	}
	res, err := runner.Run(ctx, j.script)
	if j.virt != nil {
		hintLacking(err)
	}
	if sess.conn != nil {
		if d := sess.conn.DroppedURCs(); d.Total > 0 {
			rep.Dropped(d)
		}
	}
	err = stopped(ctx, noPort(sess.port, err))
	if cerr := sess.Close(endingOf(err, sess.conn)); err == nil && cerr != nil {
		err = cerr
	}
	if j.virt != nil {
		j.virt.forget(res)
	}
	warnUnused(rep, res)
	return res, err
}

// endingOf says how a run ended, for the transcript's end line: every exit
// path is told apart, so that a replay expects the same outcome. The port
// counts as lost when the connection failed reading or writing it, whatever
// the script made of that failure.
func endingOf(err error, conn *engine.Conn) transcript.Ending {
	var (
		intr    *interruptedError
		timeout *runTimeoutError
		pe      *engine.PortError
		se      *luabind.ScriptError
	)
	if err == nil {
		return transcript.Ending{Kind: transcript.Succeeded}
	}
	msg := err.Error()
	switch {
	case errors.As(err, &intr):
		return transcript.Ending{Kind: transcript.Interrupted, Message: msg}
	case errors.As(err, &timeout):
		return transcript.Ending{Kind: transcript.TimedOut, Message: msg}
	case conn != nil && errors.As(conn.Err(), &pe) && pe.Op != "open":
		return transcript.Ending{Kind: transcript.PortLost, Message: msg}
	case errors.As(err, &se):
		// The script's own words, as a replay's script error reads.
		msg = se.Error()
	}
	return transcript.Ending{Kind: transcript.Failed, Message: msg}
}

// noPort turns a script's use of the modem in a run without a port into a
// setup error that says how to give one.
func noPort(port string, err error) error {
	var se *luabind.ScriptError
	if port != "" || !errors.As(err, &se) || !strings.Contains(se.Message, "no modem") {
		return err
	}
	return &usageError{msg: se.Error(), hint: "pass --port /dev/ttyUSB2 (or tcp://host:port, or auto), or set ATRUN_PORT"}
}

// warnUnused says which --set keys the script never read: most often a
// typo, never fatal.
func warnUnused(rep runReporter, res *luabind.Result) {
	if res == nil || len(res.UnusedParams) == 0 {
		return
	}
	keys := make([]string, len(res.UnusedParams))
	for i, k := range res.UnusedParams {
		keys[i] = "--set " + k
	}
	rep.Notice(fmt.Sprintf("the script never read %s (a typo?)", strings.Join(keys, ", ")))
}
