package atruncli

import (
	"bufio"
	"context"
	"fmt"
	"io"

	"github.com/urfave/cli/v3"

	"github.com/atrun/atrun/engine"
	"github.com/atrun/atrun/engine/transcript"
	"github.com/atrun/atrun/internal/ansi"
)

func showAction(ctx context.Context, c *cli.Command) error {
	if c.NArg() != 1 {
		return usagef("atrun transcript show takes one FILE, got %d arguments", c.NArg())
	}
	t, err := readTranscriptArg(c.Args().First(), c.Root().Reader)
	if err != nil {
		return err
	}
	return showTranscript(c.Root().Writer, t)
}

// readTranscriptArg reads a transcript named on the command line ("-":
// standard input). Any problem is a usage error naming file:line.
func readTranscriptArg(arg string, stdin io.Reader) (*transcript.Transcript, error) {
	data, name, err := readLog(arg, stdin)
	if err != nil {
		return nil, err
	}
	if !isTranscript(data) {
		return nil, usagef("%s is not a transcript (no atrun-transcript line): 'atrun transcript import' makes one from a log", name)
	}
	t, err := transcript.Parse(data, name)
	if err != nil {
		return nil, badTranscript(err)
	}
	return t, nil
}

// showTranscript prints the header, then one line per event:
//
//	 26  0.003223  ->  AT<CR>
//	 27  0.003536  <-  AT<CR>
//	132  0.016242  end ok
func showTranscript(w io.Writer, t *transcript.Transcript) error {
	bw := bufio.NewWriter(w)
	colour := useColour(w)
	showHeader(bw, t)
	for _, e := range t.Events {
		lead := ansi.Paint(colour, ansi.Dim, fmt.Sprintf("%5d  %10.6f", e.Line, e.At.Seconds()))
		switch e.Kind {
		case transcript.Host:
			fmt.Fprintf(bw, "%s  %s  %s\n", lead, ansi.Paint(colour, ansi.Cyan, "->"), holesVisible(e.Data))
		case transcript.Modem:
			fmt.Fprintf(bw, "%s  %s  %s\n", lead, ansi.Paint(colour, ansi.Green, "<-"), holesVisible(e.Data))
		case transcript.File:
			fmt.Fprintf(bw, "%s  %s %s: %s\n", lead, ansi.Paint(colour, ansi.Dim, "file"), e.Name, holesVisible(e.Data))
		case transcript.Mark:
			fmt.Fprintf(bw, "%s  %s %s\n", lead, ansi.Paint(colour, ansi.Dim, "mark"), e.Name)
		default:
			fmt.Fprintf(bw, "%s  %s\n", lead, endText(colour, e))
		}
	}
	if !t.Ending().Ended() {
		fmt.Fprintln(bw, "(no end line: the outcome was not recorded; the recording was cut short, or imported from a log that does not show it)")
	}
	return bw.Flush()
}

func showHeader(w io.Writer, t *transcript.Transcript) {
	h := t.Header
	fmt.Fprintf(w, "transcript %s (format v%d)\n", t.Name, h.Version)
	field := func(key, value string) {
		if value != "" {
			fmt.Fprintf(w, "  %-7s %s\n", key, value)
		}
	}
	field("script", h.Script)
	field("port", h.Port)
	if h.Baud > 0 {
		field("baud", fmt.Sprint(h.Baud))
	}
	field("atrun", h.Atrun)
	if !h.Start.IsZero() {
		field("start", h.Start.UTC().Format("2006-01-02T15:04:05.000000Z07:00"))
	}
	for _, p := range h.Params {
		field("param", p.Name+" = "+holesVisible(p.Value))
	}
	fmt.Fprintln(w)
}

// endText says how the session ended: "end the session failed: ...".
func endText(colour bool, e transcript.Event) string {
	end := e.Ending()
	if end.Kind == transcript.Succeeded {
		return ansi.Paint(colour, ansi.Green, "end") + " " + end.Describe()
	}
	end.Message = holesVisible(e.Data)
	return ansi.Paint(colour, ansi.Red, "end") + " " + end.Describe()
}

// holesVisible shows bytes with control characters made visible and
// <redacted> where a secret was cut out.
func holesVisible(t transcript.Text) string {
	return engine.Escape(withHoles(t))
}
