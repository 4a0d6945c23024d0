package atruncli

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/urfave/cli/v3"

	"github.com/atrun/atrun/engine"
	"github.com/atrun/atrun/luabind"
	"github.com/atrun/atrun/scripts"
	"github.com/atrun/atrun/session"
)

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
broker over TLS, both run by atrun-sim, the program installed beside
atrun: no modem needed. The script gets the
broker's host, port, username, password (a secret: never shown or
recorded) and ca_cert, and urcport, unless --set gives them; a username
or password given becomes the broker's. --fault switches on a failure
('atrun sim --fault help' lists them).

Several --port (or --ports FILE, or --sims N) run the script on every
modem at once, each with its own engine and Lua state; {index} (from 1)
and {port} in a --set value give each its own (--set client_id=dev-{index}).
Each line of output starts with its port; a table ends the run (port,
result, time, the failing step and message) and the exit code is the
worst result. --record DIR writes one transcript per port, --junit FILE
one test case per port, --json tags every event with its port.

Exit codes: 0 success, 1 the script failed (modem error, timeout, error
raised), 2 usage or setup (bad flag, script not found, syntax error, port
that will not open), 130 interrupted.

Example:
   atrun run ec20_mqtts --port auto --set host=broker.example.com \
       --set ca_cert=ca.pem --record session.txt
   ATRUN_PORT=/dev/ttyUSB2 atrun run ./check.lua --trace
   atrun run ec20_mqtts --sim --fault no-sim
   atrun run selftest --port rfc2217://lab1:4001 --port rfc2217://lab1:4002 --junit report.xml
   atrun run ec20_mqtts --sims 8 --record transcripts/`,
		Flags: append(runPortFlags(),
			&cli.StringSliceFlag{Name: "set", Usage: "a script parameter as `key=value`, read with param(key) (repeatable)"},
			&cli.DurationFlag{Name: "timeout", Usage: "stop the whole run after `D` (e.g. 90s, 5m)", DefaultText: "no limit"},
			&cli.BoolFlag{Name: "trace", Usage: "print every byte to and from the modem on stderr"},
			&cli.StringFlag{Name: "record", Usage: "write a transcript of the session to `FILE`, as it happens; on several ports, one per port into the directory FILE"},
			&cli.BoolFlag{Name: "json", Usage: "print the run's events as JSON lines on stdout"},
			&cli.IntFlag{Name: "urc-queue", Value: engine.DefaultQueueSize, Usage: "keep up to `N` URCs no handler or wait has taken yet; beyond, the oldest are dropped and counted"},
			&cli.BoolFlag{Name: "no-resync", Usage: "skip the clean start (pending bytes drained, AT until a clean OK) before the script: for a script that must send the first byte itself"},
			&cli.BoolFlag{Name: "sim", Usage: "run on a virtual modem (the EC20; --sim simcom or --sim ublox for the others) with an embedded MQTT broker; the script gets host, port, username, password and ca_cert unless --set gives them"},
			modelFlag(),
			faultFlag(),
			&cli.StringFlag{Name: "ports", Usage: "run on every port listed in `FILE`, one a line (# starts a comment), all at once"},
			&cli.IntFlag{Name: "sims", Usage: "run on `N` virtual EC20s at once, sharing one embedded broker"},
			&cli.StringFlag{Name: "junit", Usage: "on several ports, write a JUnit XML report to `FILE`: one test case per port"},
		),
		ShellComplete: completeScripts,
		Action:        runAction,
	}
}

// completeScripts offers the shipped scripts' names for SCRIPT.
func completeScripts(_ context.Context, c *cli.Command) {
	if c.NArg() > 0 {
		return
	}
	for _, s := range scripts.List() {
		fmt.Fprintln(c.Root().Writer, s.Name)
	}
}

func runAction(ctx context.Context, c *cli.Command) error {
	start := time.Now()
	many, err := manyFromFlags(c)
	if err == nil && many != nil {
		return runMany(ctx, c, many, start)
	}
	var rep runReporter = newHumanReport(c.Root().Writer, c.Root().ErrWriter)
	if c.Bool("json") {
		rep = newJSONReport(c.Root().Writer, start)
	}
	var res *luabind.Result
	if err == nil {
		res, err = runScript(ctx, c, rep, start)
	}
	rep.Finish(res, err)
	return err
}

// scriptAndParams checks what every run shares (the URC queue, the --set
// parameters) and loads the script, checking its syntax.
func scriptAndParams(c *cli.Command) (luabind.Script, map[string]string, error) {
	if n := c.Int("urc-queue"); n < 1 {
		return luabind.Script{}, nil, usagef("--urc-queue %d: the queue must hold at least 1 URC", n)
	}
	params, err := parseSets(c.StringSlice("set"))
	if err != nil {
		return luabind.Script{}, nil, err
	}
	script, err := loadScript(c.Args().First())
	if err != nil {
		return luabind.Script{}, nil, err
	}
	return script, params, checkSyntax(script)
}

// runScript checks the command line, then runs the script it names.
func runScript(ctx context.Context, c *cli.Command, rep runReporter, start time.Time) (*luabind.Result, error) {
	switch c.NArg() {
	case 0:
		return nil, usagef("atrun run needs a SCRIPT: a .lua file or a shipped script's name (run 'atrun scripts')")
	case 1:
	default:
		return nil, usagef("atrun run takes one SCRIPT, got %d arguments: %s", c.NArg(), strings.Join(c.Args().Slice(), " "))
	}
	script, params, err := scriptAndParams(c)
	if err != nil {
		return nil, err
	}
	virt, err := simFromFlags(c)
	if err != nil {
		return nil, err
	}
	job := session.Job{
		Script: script, Params: params, Sim: virt, Port: onePort(c), Baud: c.Int("baud"), Line: serialLine(c),
		Queue: c.Int("urc-queue"), NoResync: c.Bool("no-resync"), Record: c.String("record"), Report: rep,
	}
	if c.Bool("trace") {
		job.Trace = traceTo(c.Root().ErrWriter, start)
	}
	return runJob(ctx, job, c.Duration("timeout"), c.Root().ErrWriter, start)
}

// runJob runs a job the way every command that runs a script does (atrun
// run, atrun demo): Ctrl+C and the time limit stop it cleanly, the port is
// resolved saying so on stderr, and setup mistakes are usage errors.
func runJob(parent context.Context, job session.Job, timeout time.Duration, stderr io.Writer, start time.Time) (*luabind.Result, error) {
	ctx, sig := catchInterrupt(parent)
	defer sig.Stop()
	if job.Port != "" || job.Sim != nil || job.Record != "" {
		// Signals are caught before the port opens: from then on, Ctrl+C
		// must go through the run's clean stop.
		sig.Arm()
	} else {
		// A script with no port has nothing to stop cleanly; one that
		// ends within portlessArm never pays for catching signals, and a
		// longer one is still reported as interrupted.
		sig.ArmAfter(portlessArm)
	}
	ctx, cancel := withRunTimeout(ctx, timeout)
	defer cancel()
	job.Version, job.Start, job.Stopped = version, start, stopped
	job.ResolvePort = resolver(stderr)
	res, err := session.Run(ctx, job)
	return res, setupError(err)
}
