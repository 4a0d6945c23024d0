package explain

import (
	"fmt"
	"io"
	"time"
)

// maxInput bounds what Parse reads: logs are pasted text, not disk images.
const maxInput = 64 << 20

// Parse reads a log and returns one Entry per line of modem or host text
// (a line holding two glued results gives two entries), in order.
func Parse(r io.Reader, opts Options) ([]Entry, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxInput+1))
	if err != nil {
		return nil, fmt.Errorf("explain: reading the log: %w", err)
	}
	if len(data) > maxInput {
		return nil, fmt.Errorf("explain: the log is larger than %d MiB", maxInput>>20)
	}
	var out []Entry
	_, err = Scan(string(data), opts, func(e Entry) error {
		out = append(out, e)
		return nil
	})
	return out, err
}

// Info is what a scan learned of the log as a whole.
type Info struct {
	Format Format // the wrapper, as given or detected
	// Start is the first time stamp of the log, as a time of day (or the
	// value of a library's free-running clock, when Clock is set); the
	// entries' offsets count from it. HasStart is false when the log has
	// no times.
	Start    time.Duration
	HasStart bool
	Clock    bool
}

// Scan classifies the log in data and hands each entry to emit as soon as
// it is known, so that a large log is never held as entries: apart from
// data itself, memory stays small. It reads the log twice: the first
// pass learns what the classification of a line may depend on (whether
// the tool doubles each command, whether the log shows commands at all).
// An error from emit stops the scan and is returned.
func Scan(data string, opts Options, emit func(Entry) error) (Info, error) {
	info := Info{Format: opts.Format}
	if info.Format == FormatAuto {
		info.Format = Detect([]byte(data[:min(len(data), detectBytes)]))
	}
	var sh shape
	if err := records(data, &info, sh.see); err != nil {
		return info, err
	}
	c := newClassifier(sh, emit)
	if err := records(data, &info, func(r record) {
		if c.err == nil {
			c.record(r)
		}
	}); err != nil {
		return info, err
	}
	c.finish()
	return info, c.err
}

// records removes the log's wrapper and hands on each record.
func records(data string, info *Info, emit func(record)) error {
	switch format := info.Format; format {
	case FormatRaw:
		rawRecords(data, emit)
		return nil
	case FormatPlain, FormatArduino, FormatArrows, FormatLabels:
		textRecords(data, format, info, emit)
		return nil
	case FormatEWF:
		ewfRecords(data, emit)
		return nil
	}
	return &FormatError{Format: info.Format}
}

// FormatError is a format that explain does not know.
type FormatError struct{ Format Format }

func (e *FormatError) Error() string {
	return fmt.Sprintf("explain: unknown log format %q (known: %s)", e.Format, formatList())
}
