package atruncli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/urfave/cli/v3"

	"github.com/atrun/atrun/internal/human"
	"github.com/atrun/atrun/luabind"
	"github.com/atrun/atrun/replay"
	"github.com/atrun/atrun/session"
)

// runPortFlags are portFlags with --port repeatable: atrun run takes
// several modems at once.
func runPortFlags() []cli.Flag {
	flags := portFlags()
	port := flags[0].(*cli.StringFlag)
	flags[0] = &cli.StringSliceFlag{Name: port.Name, Aliases: port.Aliases, Sources: port.Sources,
		Usage: port.Usage + "; repeatable: the script runs on every port at once"}
	return flags
}

// onePort is the port of a run on one modem, "" for none.
func onePort(c *cli.Command) string {
	if ports := c.StringSlice("port"); len(ports) > 0 {
		return ports[0]
	}
	return ""
}

// manyPlan is a run on several modems: ports, or virtual EC20s.
type manyPlan struct {
	ports []string
	sims  int
	// several: more than one modem may be named (--ports, --sims, a
	// repeated --port), so --record is a directory and lines are tagged.
	several bool
}

func (p *manyPlan) size() int { return len(p.ports) + p.sims }

// manyFromFlags reads --port (repeated), --ports, --sims and --junit: nil
// for a run on one modem without --junit, which atrun run runs as it
// always has.
func manyFromFlags(c *cli.Command) (*manyPlan, error) {
	p := &manyPlan{sims: c.Int("sims")}
	// ATRUN_PORT alone is the everyday modem: --sims and --ports replace it.
	if portGiven(c) || !c.IsSet("sims") && !c.IsSet("ports") {
		p.ports = c.StringSlice("port")
	}
	if file := c.String("ports"); file != "" {
		listed, err := readPortsFile(file)
		if err != nil {
			return nil, err
		}
		p.ports = append(p.ports, listed...)
	}
	p.several = len(p.ports) > 1 || c.IsSet("ports") || p.sims > 0
	switch {
	case p.sims < 0 || c.IsSet("sims") && p.sims == 0:
		return nil, usagef("--sims %d: give the number of virtual EC20s to run on, at least 1", p.sims)
	case p.sims > 0 && (len(p.ports) > 0 || c.Bool("sim")):
		return nil, usagef("--sims excludes --port, --ports and --sim: it runs the script on virtual EC20s instead of ports")
	case !p.several && !c.IsSet("junit"):
		return nil, nil
	case c.Bool("sim"):
		return nil, usagef("--sim runs on one virtual EC20: for several, use --sims N instead of --port")
	case len(p.ports) == 0 && p.sims == 0:
		return nil, usagef("--ports %s lists no port: write one port a line", c.String("ports"))
	case len(c.StringSlice("fault")) > 0 && p.sims == 0:
		return nil, usagef("--fault needs --sim or --sims: faults are switched on in the virtual EC20")
	}
	return p, p.checkPorts()
}

// checkPorts refuses auto and a port named twice among several.
func (p *manyPlan) checkPorts() error {
	for i, port := range p.ports {
		if p.size() > 1 && strings.EqualFold(port, "auto") {
			return usagef("--port auto picks one modem: on several, name each port (atrun ports lists them)")
		}
		if slices.Contains(p.ports[:i], port) {
			return usagef("port %s is given twice: two runs on one modem would answer each other's commands", port)
		}
	}
	return nil
}

func readPortsFile(name string) ([]string, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, usagef("--ports: cannot read %v", unwrapPath(err))
	}
	defer f.Close()
	ports, err := session.ReadPorts(f, name)
	return ports, setupError(err)
}

// runMany runs the script on every modem of p at once and reports each
// run as it ends, then the table of all of them; the error is the worst.
func runMany(ctx context.Context, c *cli.Command, p *manyPlan, start time.Time) error {
	if h := hostOf(ctx); p.sims > 0 && h.fleet == nil {
		return handOver(h.args)
	}
	out, errw := c.Root().Writer, c.Root().ErrWriter
	if p.several {
		out, errw = &batchWriter{w: out}, &batchWriter{w: errw}
		defer flush(out, errw) // the end event of --json, and on a panic
	}
	var jr *jsonReport
	if c.Bool("json") {
		jr = newJSONReport(out, start)
	}
	outcomes, err := runManyJobs(ctx, c, p, runOutput{out, errw, jr}, start)
	flush(out, errw)
	if err == nil {
		err = reportMany(c, p, outcomes, jr, time.Since(start))
	}
	if jr != nil {
		jr.Finish(nil, err)
	}
	return err
}

// flush writes what the writers that batch hold: the runs' lines go
// before the table and the message that follow them.
func flush(ws ...io.Writer) {
	for _, w := range ws {
		if b, ok := w.(*batchWriter); ok {
			b.Flush()
		}
	}
}

// runOutput is where the runs of runMany write: standard output and
// error, shared by every run, and the JSON report when there is one.
type runOutput struct {
	out, errw io.Writer
	jr        *jsonReport // nil without --json
}

// runManyJobs checks the script and the flags, then runs.
func runManyJobs(ctx context.Context, c *cli.Command, p *manyPlan, o runOutput, start time.Time) ([]session.Outcome, error) {
	if c.NArg() != 1 {
		return nil, usagef("atrun run needs one SCRIPT: a .lua file or a shipped script's name (run 'atrun scripts')")
	}
	script, params, err := scriptAndParams(c)
	if err != nil {
		return nil, err
	}
	m := session.Many{Ports: p.ports, Job: session.Job{
		Script: script, Params: params, Baud: c.Int("baud"), Line: serialLine(c), Queue: c.Int("urc-queue"), NoResync: c.Bool("no-resync"),
		Version: version, Start: start, Stopped: stopped, ResolvePort: resolver(c.Root().ErrWriter),
	}}
	if err := recordFlag(c.String("record"), p, &m); err != nil {
		return nil, err
	}
	ctx, stop := withInterrupt(ctx)
	defer stop()
	ctx, cancel := withRunTimeout(ctx, c.Duration("timeout"))
	defer cancel()
	flog := &fleetLog{w: o.errw}
	if p.sims > 0 {
		modems, closeFleet, err := startFleet(ctx, c, p.sims, params, flog.line)
		if err != nil {
			return nil, err
		}
		defer closeFleet()
		m.Sims, m.Job.Sim = modems, &session.Sim{}
	}
	reps := make([]runReporter, m.Size())
	errws := make([]io.Writer, m.Size())
	jr := o.jr
	m.Each = func(i int, port string, j *session.Job) {
		out, errw := o.out, o.errw
		if p.several {
			out, errw = &lineTagger{w: out, prefix: port}, &lineTagger{w: errw, prefix: port}
		}
		reps[i-1], errws[i-1] = newHumanReport(out, errw), errw
		if jr != nil {
			reps[i-1] = jr.forPort(port)
		}
		j.Report = reps[i-1]
		if c.Bool("trace") {
			j.Trace = traceTo(errw, start)
		}
		if j.Sim != nil {
			j.Sim.Ready = announce(errw)
			flog.setRun(j.Sim.Running.Index, errw)
		}
	}
	m.Done = func(o session.Outcome) {
		err := setupError(o.Err)
		reps[o.Index-1].Finish(o.Result, err)
		if jr == nil {
			reportFailure(errws[o.Index-1], err)
		}
		if t, ok := errws[o.Index-1].(*lineTagger); ok {
			t.Flush()
		}
	}
	outcomes := session.RunMany(ctx, m)
	for i := range outcomes {
		outcomes[i].Err = setupError(outcomes[i].Err)
	}
	return outcomes, nil
}

// recordFlag sets where the transcripts go: on several modems --record is
// a directory (made if missing), one transcript per port; on one, a file.
func recordFlag(rec string, p *manyPlan, m *session.Many) error {
	switch {
	case rec == "":
	case !p.several:
		m.Job.Record = rec
	default:
		if err := os.MkdirAll(rec, 0o755); err != nil {
			return usagef("--record %s: on several ports it is a directory, one transcript per port: %v", rec, unwrapPath(err))
		}
		m.RecordDir = rec
	}
	return nil
}

// reportMany prints the table of the runs, writes the JUnit report and
// returns the worst run's error.
func reportMany(c *cli.Command, p *manyPlan, outcomes []session.Outcome, jr *jsonReport, wall time.Duration) error {
	if jr == nil && p.several {
		printManyTable(c.Root().ErrWriter, outcomes, wall)
	}
	if file := c.String("junit"); file != "" {
		if err := writeManyJUnit(file, c.Args().First(), outcomes, wall); err != nil {
			return err
		}
	}
	return worstOf(outcomes)
}

// resultOf names how a run ended, for the table and the JUnit report.
func resultOf(err error) string {
	var timeout *runTimeoutError
	switch code := exitCode(err); {
	case code == exitOK:
		return "ok"
	case code == exitInterrupted:
		return "interrupted"
	case code == exitUsage:
		return "setup error"
	case errors.As(err, &timeout):
		return "timed out"
	}
	return "failed"
}

// printManyTable writes one row per run: port, result, time, the failing
// step and the first line of the message.
func printManyTable(w io.Writer, outcomes []session.Outcome, wall time.Duration) {
	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "PORT\tRESULT\tTIME\tSTEP\tMESSAGE")
	counts := map[string]int{}
	for _, o := range outcomes {
		result := resultOf(o.Err)
		counts[result]++
		step, msg := failedStep(o.Err)
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", o.Port, result, human.Duration(o.Elapsed), step, msg)
	}
	tw.Flush()
	var parts []string
	for _, r := range []string{"ok", "failed", "timed out", "setup error", "interrupted"} {
		if counts[r] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", counts[r], r))
		}
	}
	fmt.Fprintf(w, "%s: %s (in %s)\n", human.Plural(len(outcomes), "port"), strings.Join(parts, ", "), human.Duration(wall))
}

// failedStep is the step a run failed in and the first line of why.
func failedStep(err error) (step, msg string) {
	if err == nil {
		return "", ""
	}
	var se *luabind.ScriptError
	if errors.As(err, &se) {
		step = se.Step
	}
	msg, _, _ = strings.Cut(classify(err).message, "\n")
	return step, msg
}

// writeManyJUnit writes one test case per port, as atrun replay writes
// one per transcript.
func writeManyJUnit(file, script string, outcomes []session.Outcome, wall time.Duration) error {
	status := map[string]replay.Status{"ok": replay.StatusPass, "failed": replay.StatusFail,
		"timed out": replay.StatusTimeout, "setup error": replay.StatusError, "interrupted": replay.StatusSkipped}
	results := make([]replay.FileResult, len(outcomes))
	for i, o := range outcomes {
		results[i] = replay.FileResult{File: o.Port, Status: status[resultOf(o.Err)], Wall: o.Elapsed}
		if o.Err != nil {
			results[i].Err = junitError(classify(o.Err).message)
		}
	}
	data, err := replay.JUnitSuite("atrun run", script, results, replay.Summarise(results, wall), time.Now())
	if err == nil {
		err = os.WriteFile(file, data, 0o644)
	}
	if err != nil {
		return fmt.Errorf("cannot write the JUnit report: %v", unwrapPath(err))
	}
	return nil
}

// junitError is a run's error in the JUnit report: a run that did not
// start is a setup error there, not an unreadable transcript.
type junitError string

func (e junitError) Error() string     { return string(e) }
func (e junitError) JUnitType() string { return "setup" }

// manyError is a run on several modems where some did not succeed; it
// unwraps to the worst run's error, which decides the exit code.
type manyError struct {
	bad, total int
	worst      session.Outcome
}

func (e *manyError) Error() string {
	return fmt.Sprintf("%d of %s did not succeed; worst: %s: %s", e.bad, human.Plural(e.total, "port"),
		e.worst.Port, classify(e.worst.Err).message)
}

func (e *manyError) Unwrap() error { return e.worst.Err }

// worstOf is nil when every run succeeded, else a *manyError around the
// run with the highest exit code (the first of them).
func worstOf(outcomes []session.Outcome) error {
	e := &manyError{total: len(outcomes)}
	for _, o := range outcomes {
		if o.Err == nil {
			continue
		}
		e.bad++
		if e.worst.Err == nil || exitCode(o.Err) > exitCode(e.worst.Err) {
			e.worst = o
		}
	}
	if e.bad == 0 {
		return nil
	}
	if len(outcomes) == 1 {
		return e.worst.Err
	}
	var usage *usageError
	if errors.As(e.worst.Err, &usage) {
		// A usage error's message is taken as it is: keep the count in it.
		return &usageError{msg: e.Error(), hint: usage.hint}
	}
	return e
}

// lineTagger writes whole lines to w, each after its run's port, so that
// the lines of runs at once never mix within a line: each Write passes w
// the lines it ended in one write, and w (a batchWriter, shared by every
// run) keeps writes whole.
type lineTagger struct {
	w      io.Writer
	prefix string
	mu     sync.Mutex
	buf    []byte // a line begun and not ended; under mu
}

func (t *lineTagger) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = append(t.buf, p...)
	var out []byte
	for {
		i := bytes.IndexByte(t.buf, '\n')
		if i < 0 {
			break
		}
		out = t.tag(out, t.buf[:i+1])
		t.buf = t.buf[i+1:]
	}
	if len(out) == 0 {
		return len(p), nil
	}
	_, err := t.w.Write(out)
	return len(p), err
}

// tag appends line to out after the run's port.
func (t *lineTagger) tag(out, line []byte) []byte {
	out = append(out, '[')
	out = append(out, t.prefix...)
	out = append(out, "] "...)
	return append(out, line...)
}

// Flush writes a line left unended.
func (t *lineTagger) Flush() {
	t.mu.Lock()
	defer t.mu.Unlock()
	if len(t.buf) > 0 {
		t.w.Write(append(t.tag(nil, t.buf), '\n'))
		t.buf = nil
	}
}
