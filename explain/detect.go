package explain

import (
	"bytes"
	"strings"
)

// detectLines is how many lines detection looks at; wrappers show early.
const detectLines = 400

// detectBytes is how much of a log detection reads.
const detectBytes = 1 << 20

// Detect guesses the wrapper of a log. A capture holding an echo's lone CR
// ("AT\r\r\n") is raw bytes; otherwise the wrapper whose line pattern
// matches most lines wins, if it matches at least two lines or a third of
// them, and plain text is the fallback.
func Detect(data []byte) Format {
	data = data[:min(len(data), detectBytes)]
	if isRaw(data) {
		return FormatRaw
	}
	counts := map[Format]int{}
	nonEmpty, seen := 0, 0
	eachLine(string(data), func(_ int, l string) {
		if seen++; seen > detectLines || l == "" {
			return
		}
		nonEmpty++
		if f := lineFormat(l); f != "" {
			counts[f]++
		}
	})
	return pickFormat(counts, nonEmpty)
}

// isRaw reports whether data holds an echo's CR followed by the answer's
// CR LF ("AT\r\r\nOK"), the mark of bytes captured off the wire rather
// than text saved by a tool. A lone CR elsewhere is a line end.
func isRaw(data []byte) bool {
	return bytes.Contains(data, []byte("\r\r\n"))
}

// lineFormat returns the wrapper whose pattern line matches, or "".
func lineFormat(l string) Format {
	if ewfLine().MatchString(l) {
		return FormatEWF
	}
	text, _ := cutTime(l)
	switch {
	case isLabelLine(text):
		return FormatLabels
	case startsWithArrow(text):
		return FormatArrows
	case arduinoTime().MatchString(l):
		return FormatArduino
	}
	return ""
}

// startsWithArrow reports a line that begins with a direction marker.
func startsWithArrow(l string) bool {
	m, ok := cutArrow(l)
	return ok && m.before == ""
}

// formatOrder breaks ties between wrappers deterministically.
var formatOrder = []Format{FormatEWF, FormatArduino, FormatArrows, FormatLabels}

// pickFormat chooses the wrapper with the most matching lines. Lines
// where a library names the direction in words are what matters in a log
// that has them, whatever time stamps surround them.
func pickFormat(counts map[Format]int, nonEmpty int) Format {
	if n := counts[FormatLabels]; n >= 2 && counts[FormatEWF] == 0 {
		return FormatLabels
	}
	if counts[FormatLabels] > 0 {
		counts[FormatArduino] += counts[FormatLabels]
		counts[FormatLabels] = 0
	}
	best, bestN := FormatPlain, 0
	for _, f := range formatOrder {
		if n := counts[f]; n > bestN {
			best, bestN = f, n
		}
	}
	if bestN >= 2 || (bestN > 0 && bestN*3 >= nonEmpty) {
		return best
	}
	return FormatPlain
}

// formatList names the formats for messages.
func formatList() string {
	names := make([]string, len(Formats))
	for i, f := range Formats {
		names[i] = string(f)
	}
	return strings.Join(names, ", ")
}
