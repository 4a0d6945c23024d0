package atruncli

import (
	"context"
	"errors"
	"strings"

	"github.com/urfave/cli/v3"

	"github.com/atrun/atrun/engine/transcript"
	"github.com/atrun/atrun/explain"
)

func explainCommand() *cli.Command {
	return &cli.Command{
		Name:      "explain",
		Usage:     "classify every line of an AT log and decode its result codes",
		ArgsUsage: "LOG",
		Description: `Reads LOG (a file, or - for standard input) and says what each line is:
a command the host sent, the modem's echo, a response (naming the command
it answers), a final result, an unsolicited result code (urc), a data
prompt, payload data, or noise (application prints, blank lines, damaged
bytes). Every code atrun knows is decoded on the way:
   +CME ERROR: 407   -> file already exists
   +QMTOPEN: 0,-1    -> failed to open the network
   +CSQ: 19,99       -> -75 dBm

LOG may be an atrun transcript (recognised by its atrun-transcript line;
--format does not apply), or a log as people paste it, in one of the
formats below. The format is detected unless --format says it; a log in
which no line reads as AT traffic is an error naming the formats. A block
of "# " lines ended by a "# ---" line at the top of the file (a
description of where the log came from) is skipped; line numbers still
count it.

` + formatDoc() + `
--json prints one object per line of output with the fields line, kind,
text, and where they apply dir, command, inferred (the command was
guessed from the response's name), meaning, hint and offset. A
transcript's end line comes last, as kind "end".

Example:
   atrun explain session.log
   atrun explain --format arduino monitor.txt --json | jq 'select(.kind == "final")'
   atrun explain testdata/transcripts/ec20_qmtopen_failed.atr`,
		Flags: []cli.Flag{
			&cli.BoolFlag{Name: "json", Usage: "print one JSON object per line"},
			&cli.StringFlag{Name: "format", Usage: formatFlagUsage()},
		},
		Action: explainAction,
	}
}

func explainAction(ctx context.Context, c *cli.Command) error {
	in, err := readLogInput(c, "atrun explain")
	if err != nil {
		return err
	}
	scan, err := explainScanner(in.data, in.name, in.format)
	if err != nil {
		return err
	}
	if c.Bool("json") {
		return printEntriesJSON(c.Root().Writer, scan)
	}
	return printEntries(c.Root().Writer, scan)
}

// oneLogArg checks that the command was given exactly one LOG.
func oneLogArg(c *cli.Command, command string) (string, error) {
	switch c.NArg() {
	case 0:
		return "", usagef("%s needs a LOG: a file, or - for standard input (run '%s --help')", command, command)
	case 1:
		return c.Args().First(), nil
	}
	return "", usagef("%s takes one LOG, got %d arguments", command, c.NArg())
}

// scanner hands every entry of a log to emit, in order; it may be run
// more than once (the table measures its columns first).
type scanner func(emit func(explain.Entry) error) error

// explainScanner returns the scanner of a transcript or of any log
// explain understands. A log in which nothing reads as AT traffic is an
// error naming the formats explain knows.
func explainScanner(data []byte, name string, format explain.Format) (scanner, error) {
	if isTranscript(data) {
		t, err := transcript.Parse(data, name)
		if err != nil {
			return nil, badTranscript(err)
		}
		return func(emit func(explain.Entry) error) error { return explain.ExplainTranscript(t, emit) }, nil
	}
	body, skipped := explain.StripHeader(data)
	log := explain.View(body)
	scan := func(emit func(explain.Entry) error) error {
		_, err := explain.Scan(log, explain.Options{Format: format}, func(e explain.Entry) error {
			e.Line += skipped
			return emit(e)
		})
		return err
	}
	// Whether any line reads as AT traffic shows early in a real log: the
	// first megabyte is looked at first, the rest only if it has none.
	traffic := 0
	count := func(e explain.Entry) error {
		if e.Kind != explain.KindNoise {
			traffic++
		}
		return nil
	}
	head := log
	if i := strings.LastIndexByte(log[:min(len(log), 1<<20)], '\n'); i >= 0 && len(log) > 1<<20 {
		head = log[:i+1]
	}
	info, err := explain.Scan(head, explain.Options{Format: format}, count)
	if err == nil && traffic == 0 && len(head) < len(log) {
		info, err = explain.Scan(log, explain.Options{Format: format}, count)
	}
	switch {
	case err != nil:
		return nil, usagef("%s: %v", name, err)
	case traffic == 0 && strings.TrimSpace(log) != "":
		return nil, importError(name, &explain.UnrecognisedError{Format: info.Format, Forced: format != explain.FormatAuto})
	}
	return scan, nil
}

// badTranscript makes a transcript that cannot be read a usage error:
// the message names file:line already.
func badTranscript(err error) error {
	var (
		fe *transcript.FormatError
		ve *transcript.VersionError
	)
	if errors.As(err, &fe) || errors.As(err, &ve) {
		return &usageError{msg: err.Error(), hint: "see docs/transcripts.md for the format"}
	}
	return usagef("%v", err)
}
