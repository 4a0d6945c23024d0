package atruncli

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/urfave/cli/v3"

	"github.com/atrun/atrun/engine/transcript"
	"github.com/atrun/atrun/explain"
)

// maxLogSize bounds what explain and import read: logs are pasted text,
// and a larger file is almost certainly the wrong one.
const maxLogSize = 64 << 20

// readLog reads the log named on the command line; "-" is standard input.
// It returns the bytes and the name to use in messages.
func readLog(arg string, stdin io.Reader) ([]byte, string, error) {
	name := arg
	r := stdin
	var size int64 // the file's size, to read it into one buffer
	if arg == "-" {
		name = "standard input"
	} else {
		f, err := os.Open(arg)
		if err != nil {
			return nil, name, usagef("cannot read the log: %v", unwrapPath(err))
		}
		defer f.Close()
		r = f
		if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() {
			size = min(fi.Size(), maxLogSize+1)
		}
	}
	// One buffer of the right size: growing one as the bytes come would
	// leave copies of a large log behind, several times its size.
	var buf bytes.Buffer
	buf.Grow(int(size) + bytes.MinRead)
	_, err := buf.ReadFrom(io.LimitReader(r, maxLogSize+1))
	data := buf.Bytes()
	switch {
	case err != nil:
		return nil, name, usagef("cannot read the log %s: %v", name, unwrapPath(err))
	case len(data) > maxLogSize:
		return nil, name, usagef("the log %s is larger than %d MiB: is it the right file?", name, maxLogSize>>20)
	}
	return data, name, nil
}

// isTranscript reports whether data is an atrun transcript.
func isTranscript(data []byte) bool { return explain.IsTranscript(data) }

// withHoles is an event's bytes with "<redacted>" where a secret was.
func withHoles(t transcript.Text) []byte { return explain.WithHoles(t) }

// logFormat checks --format: "" detects the wrapper.
func logFormat(s string) (explain.Format, error) {
	if s == "" || s == "auto" {
		return explain.FormatAuto, nil
	}
	for _, f := range explain.Formats {
		if string(f) == s {
			return f, nil
		}
	}
	return "", usagef("--format %q: want one of %s (or leave it out to detect the format)", s, formatNames())
}

// formatFlagUsage is the --format flag's help, shared by explain and
// import: made when one of them is built, not at every start.
func formatFlagUsage() string {
	return "the log's wrapper `FORMAT`: " + formatNames() + " (detected when left out; see --help)"
}

// formatDoc describes each format, for the commands' --help.
func formatDoc() string {
	var b strings.Builder
	b.WriteString("Formats (--format):\n")
	for _, f := range explain.FormatHelp {
		fmt.Fprintf(&b, "   %-8s %s\n", f.Format, f.Shape)
	}
	for _, l := range strings.Split(explain.TimeStampHelp, "\n") {
		b.WriteString("   " + l + "\n")
	}
	return b.String()
}

func formatNames() string {
	names := make([]string, len(explain.Formats))
	for i, f := range explain.Formats {
		names[i] = string(f)
	}
	return strings.Join(names, ", ")
}

// logInput is a command's log argument, read: its bytes, the name messages
// give it, and the format asked for with --format.
type logInput struct {
	arg    string
	data   []byte
	name   string
	format explain.Format
}

// readLogInput reads the one log argument of command and its --format.
func readLogInput(c *cli.Command, command string) (logInput, error) {
	arg, err := oneLogArg(c, command)
	if err != nil {
		return logInput{}, err
	}
	format, err := logFormat(c.String("format"))
	if err != nil {
		return logInput{}, err
	}
	data, name, err := readLog(arg, c.Root().Reader)
	return logInput{arg: arg, data: data, name: name, format: format}, err
}
