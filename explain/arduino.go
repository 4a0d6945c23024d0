package explain

import "regexp"

// arduinoLine is the Arduino IDE Serial Monitor's "hh:mm:ss.mmm -> " prefix.
var arduinoLine = regexp.MustCompile(`^(\d{2}:\d{2}:\d{2}\.\d{3}) -> ?(.*)$`)

// arduinoRecords strips Serial Monitor timestamps. Lines without one (the
// blank line an echo's lone CR produces, comments added later) take the
// time of the line before.
func arduinoRecords(lines []string) []record {
	var out []record
	var clk clockOf
	var last record
	for i, l := range lines {
		r := record{line: i + 1, text: l}
		if m := arduinoLine.FindStringSubmatch(l); m != nil {
			if t, ok := parseTimeOfDay(m[1]); ok {
				last.at, last.hasTime = clk.offset(t), true
				r.text = m[2]
			}
		}
		r.at, r.hasTime = last.at, last.hasTime
		out = append(out, r)
	}
	return out
}
