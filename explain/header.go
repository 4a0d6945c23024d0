package explain

import (
	"bytes"
	"strings"
)

// StripHeader removes the block of "# " lines that describes where a
// collected log came from, ended by a "# ---" line. Everything after that
// line is the log as found, comment-like lines included. It returns the
// log and how many lines were removed, so that line numbers can still
// name lines of the file. A file that does not start with such a block is
// returned whole.
func StripHeader(data []byte) ([]byte, int) {
	rest, n := data, 0
	for len(rest) > 0 {
		line, after, _ := bytes.Cut(rest, []byte("\n"))
		text := strings.TrimRight(string(line), "\r")
		n++
		switch {
		case text == "# ---":
			return after, n
		case !strings.HasPrefix(text, "#"):
			return data, 0
		}
		rest = after
	}
	return data, 0
}

// IsTranscript reports whether data is an atrun transcript: its first
// line that is neither blank nor a comment names the format.
func IsTranscript(data []byte) bool {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	for len(data) > 0 {
		var line []byte
		line, data, _ = bytes.Cut(data, []byte("\n"))
		line = bytes.TrimSpace(line)
		if len(line) == 0 || line[0] == '#' {
			continue
		}
		return bytes.HasPrefix(line, []byte("atrun-transcript"))
	}
	return false
}
