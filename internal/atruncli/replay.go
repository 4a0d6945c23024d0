package atruncli

import (
	"context"
	"fmt"
	"io"
	"runtime"
	"time"

	"github.com/urfave/cli/v3"

	"github.com/atrun/atrun/engine/secret"
	"github.com/atrun/atrun/engine/tap"
	"github.com/atrun/atrun/luabind"
	"github.com/atrun/atrun/replay"
	"github.com/atrun/atrun/scripts"
	"github.com/atrun/atrun/session"
)

func replayCommand() *cli.Command {
	return &cli.Command{
		Name:      "replay",
		Usage:     "replay recorded sessions with a script, with no modem attached",
		ArgsUsage: "SCRIPT TRANSCRIPT...",
		Description: `Runs SCRIPT (a .lua file or a shipped script's name) against each
TRANSCRIPT on the transcript's own clock: the script must write what was
recorded and end the way the recorded session ended. Each transcript is
replayed on its own (its own engine and Lua state), several at once
(--jobs); the results are printed in the order of the arguments.

One line per transcript: PASS, MISMATCH (the script wrote something the
transcript does not hold, wrote before a recorded prompt, or stopped
before the end), FAIL (the script ended otherwise than the recording: it
failed where the recording succeeded, or the other way round, or with
another message; with no recorded outcome, it failed), TIMEOUT (the replay
took longer than --timeout of wall-clock time), OVERRUN (the script went on
waiting well past the end of the recording), or ERROR (the transcript
cannot be read). An explanation follows, indented. A summary line ends the
output. --set overrides the parameters the transcript recorded.

Exit codes: 0 every transcript passed; 3 any mismatched (a mismatch wins
over everything else); else 1 any failed, timed out or overran; else 2 a
transcript could not be read, or bad usage; 130 interrupted (Ctrl+C stops
every replay).

Example:
   atrun replay ec20_mqtts testdata/transcripts/*.atr
   atrun replay ./my.lua session.atr --set host=test.example.com --junit replay.xml`,
		Flags: []cli.Flag{
			&cli.StringSliceFlag{Name: "set", Usage: "override a recorded script parameter, as `key=value` (repeatable)"},
			&cli.StringFlag{Name: "junit", Usage: "also write the results as JUnit XML to `FILE`, for CI"},
			&cli.IntFlag{Name: "jobs", Aliases: []string{"j"}, Value: runtime.NumCPU(), Usage: "replay `N` transcripts at once"},
			&cli.IntFlag{Name: "chunk", Usage: "deliver the modem's bytes `N` at a time (0: the replay's default, 3)"},
			&cli.BoolFlag{Name: "allow-unfinished", Usage: "accept a script that ends before the transcript does"},
			&cli.DurationFlag{Name: "timeout", Value: replay.DefaultTimeout, Usage: "stop a transcript's replay after `D` of wall-clock time (a script looping without waiting); 0: no limit"},
			&cli.BoolFlag{Name: "json", Usage: "print one JSON object per transcript, then a summary object"},
			&cli.BoolFlag{Name: "verbose", Aliases: []string{"v"}, Usage: "show what the script printed and its steps, under each transcript's result"},
			&cli.BoolFlag{Name: "trace", Usage: "show every byte both ways, tagged with the script line, under each transcript's result"},
		},
		ShellComplete: completeScripts,
		Action:        replayAction,
	}
}

func replayAction(ctx context.Context, c *cli.Command) error {
	start := time.Now()
	suite, err := replayArgs(c)
	if err != nil {
		return err
	}
	ctx, stop := withInterrupt(ctx)
	defer stop()

	var out replayPrinter = newReplayText(c.Root().Writer)
	if c.Bool("json") {
		out = newReplayJSON(c.Root().Writer)
	}
	results := replay.RunSuite(ctx, *suite, out.Result)
	sum := replay.Summarise(results, time.Since(start))
	out.Summary(sum)

	err = stopped(ctx, replayErr(sum))
	if path := c.String("junit"); path != "" {
		if jerr := replay.WriteJUnit(path, suite.Script.Name, results, sum); jerr != nil {
			if err != nil {
				// The run already fails; the missing report is
				// worth a word but must not hide why.
				fmt.Fprintf(c.Root().ErrWriter, "atrun: warning: %v\n", jerr)
			} else {
				err = &usageError{msg: jerr.Error()}
			}
		}
	}
	return err
}

// replayArgs checks the command line and loads the script.
func replayArgs(c *cli.Command) (*replay.Suite, error) {
	if c.NArg() < 2 {
		return nil, usagef("atrun replay needs a SCRIPT and at least one TRANSCRIPT (run 'atrun replay --help')")
	}
	params, err := parseSets(c.StringSlice("set"))
	if err != nil {
		return nil, err
	}
	if c.Int("jobs") < 1 {
		return nil, usagef("--jobs %d: replay at least one transcript at a time", c.Int("jobs"))
	}
	if c.Duration("timeout") < 0 {
		return nil, usagef("--timeout %v: the time limit cannot be negative (0: no limit)", c.Duration("timeout"))
	}
	if c.Int("chunk") < 0 {
		return nil, usagef("--chunk %d: the chunk size cannot be negative", c.Int("chunk"))
	}
	script, err := loadScript(c.Args().First())
	if err != nil {
		return nil, err
	}
	if err := checkSyntax(script); err != nil {
		return nil, err
	}
	timeout := c.Duration("timeout")
	if timeout == 0 {
		timeout = -1 // no limit
	}
	s := &replay.Suite{
		Script: script, Files: c.Args().Slice()[1:], Jobs: c.Int("jobs"),
		Options: replay.Options{
			Params: params, Chunk: c.Int("chunk"), AllowUnfinished: c.Bool("allow-unfinished"),
			Modules: scripts.Modules, Timeout: timeout,
		},
	}
	if c.Bool("verbose") {
		s.Report = func(w io.Writer) luabind.Reporter { return newHumanReport(w, w) }
	}
	if c.Bool("trace") {
		s.Trace = func(w io.Writer, start time.Time, secrets *secret.Set, where func() string) tap.Sink {
			tr := session.NewTracer(w, start, secrets, false)
			tr.SetWhere(where)
			return tr
		}
	}
	return s, nil
}
