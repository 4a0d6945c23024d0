package explain

import "bytes"

// detectLines is how many lines detection looks at; wrappers show early.
const detectLines = 400

// Detect guesses the wrapper of a log. A capture holding an echo's lone CR
// ("AT\r\r\n") is raw bytes; otherwise the wrapper whose line pattern
// matches most lines wins, if it matches at least two lines or a third of
// them, and plain text is the fallback.
func Detect(data []byte) Format {
	if isRaw(data) {
		return FormatRaw
	}
	counts := map[Format]int{}
	lines := splitLines(string(data[:min(len(data), 1<<20)]))
	nonEmpty := 0
	for i, l := range lines {
		if i >= detectLines {
			break
		}
		if l == "" {
			continue
		}
		nonEmpty++
		if f := lineFormat(l); f != "" {
			counts[f]++
		}
	}
	return pickFormat(counts, nonEmpty)
}

// isRaw reports whether data holds a CR that does not end a CRLF pair, the
// mark of bytes captured off the wire rather than text saved by a tool.
func isRaw(data []byte) bool {
	for i := bytes.IndexByte(data, '\r'); i >= 0; {
		if i+1 < len(data) && data[i+1] != '\n' {
			return true
		}
		next := bytes.IndexByte(data[i+1:], '\r')
		if next < 0 {
			break
		}
		i += 1 + next
	}
	return false
}

// lineFormat returns the wrapper whose pattern line matches, or "".
func lineFormat(l string) Format {
	if ewfLine.MatchString(l) {
		return FormatEWF
	}
	text, _ := cutTime(l)
	switch {
	case isLabelLine(text):
		return FormatLabels
	case startsWithArrow(text):
		return FormatArrows
	case arduinoTime.MatchString(l):
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
