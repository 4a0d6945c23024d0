package explain

import (
	"fmt"
	"io"
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
	recs, err := records(data, opts.Format)
	if err != nil {
		return nil, err
	}
	return classify(recs), nil
}

// records removes the log's wrapper.
func records(data []byte, format Format) ([]record, error) {
	if format == FormatAuto {
		format = Detect(data)
	}
	switch format {
	case FormatRaw:
		return rawRecords(data), nil
	case FormatPlain, FormatArduino, FormatArrows, FormatLabels:
		return textRecords(splitLines(string(data)), format), nil
	case FormatEWF:
		return ewfRecords(splitLines(string(data))), nil
	}
	return nil, fmt.Errorf("explain: unknown log format %q (known: plain, arduino, ewf, arrows, labels, raw)", format)
}
