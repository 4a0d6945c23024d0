package atruncli

import (
	"bufio"
	"context"
	"errors"
	"os"
	"path/filepath"

	"github.com/urfave/cli/v3"

	"github.com/atrun/atrun/explain"
)

func importAction(ctx context.Context, c *cli.Command) error {
	in, err := readLogInput(c, "atrun transcript import")
	if err != nil {
		return err
	}
	if isTranscript(in.data) {
		return usagef("%s is already a transcript: replay it with 'atrun replay SCRIPT %s'", in.name, in.arg)
	}
	return writeOutput(c, c.String("output"), func(w *bufio.Writer) error {
		return importError(in.name, explain.Import(w, in.data, explain.ImportOptions{
			Format: in.format, Name: filepath.Base(in.name), Atrun: version,
		}))
	})
}

// importError makes a log that cannot be imported a usage error naming it.
func importError(name string, err error) error {
	var ue *explain.UnrecognisedError
	var fe *explain.FormatError
	switch {
	case errors.As(err, &ue):
		return &usageError{msg: name + ": " + ue.Error(), hint: ue.Hint()}
	case errors.As(err, &fe):
		return usagef("%s: %v", name, err)
	}
	return err
}

// writeOutput runs write into file, or standard output for "" or "-". A
// file is written whole or not at all: it is made beside the target and
// renamed into place once complete.
func writeOutput(c *cli.Command, file string, write func(*bufio.Writer) error) error {
	if file == "" || file == "-" {
		bw := bufio.NewWriter(c.Root().Writer)
		if err := write(bw); err != nil {
			return err
		}
		return bw.Flush()
	}
	f, err := os.CreateTemp(filepath.Dir(file), ".import-*")
	if err != nil {
		return usagef("cannot write the transcript: %v", unwrapPath(err))
	}
	defer os.Remove(f.Name())
	bw := bufio.NewWriter(f)
	if err := write(bw); err != nil {
		f.Close()
		return err
	}
	if err := bw.Flush(); err != nil {
		f.Close()
		return usagef("cannot write the transcript: %v", unwrapPath(err))
	}
	if err := f.Close(); err != nil {
		return usagef("cannot write the transcript: %v", unwrapPath(err))
	}
	if err := os.Chmod(f.Name(), 0o644); err != nil {
		return usagef("cannot write the transcript: %v", unwrapPath(err))
	}
	if err := os.Rename(f.Name(), file); err != nil {
		return usagef("cannot write the transcript: %v", unwrapPath(err))
	}
	return nil
}
