package explain

import "regexp"

// Library traces mark direction: ">>" sent and "<<" received, optionally
// after a time and a tag ("06:37:04.740 > bgxx: >> AT"), or "<-" sent and
// "->" received at the start of the line.
var (
	chevronLine = regexp.MustCompile(`^(?:(\d{2}:\d{2}:\d{2}(?:\.\d+)?)\s*>?\s*)?(?:[\w.-]+:\s*)?(>>|<<) ?(.*)$`)
	arrowLine   = regexp.MustCompile(`^(<-|->) ?(.*)$`)
)

// arrowDirs maps a marker to the side that produced the line.
var arrowDirs = map[string]Dir{">>": Host, "<-": Host, "<<": Modem, "->": Modem}

// arrowRecords reads a direction-marked trace. Lines without a marker are
// the library's own prints; they keep no direction.
func arrowRecords(lines []string) []record {
	var out []record
	var clk clockOf
	var last record
	for i, l := range lines {
		r := record{line: i + 1, text: l}
		if m := chevronLine.FindStringSubmatch(l); m != nil {
			if t, ok := parseTimeOfDay(m[1]); ok {
				last.at, last.hasTime = clk.offset(t), true
			}
			r.dir, r.text = arrowDirs[m[2]], m[3]
		} else if m := arrowLine.FindStringSubmatch(l); m != nil {
			r.dir, r.text = arrowDirs[m[1]], m[2]
		}
		r.at, r.hasTime = last.at, last.hasTime
		out = append(out, r)
	}
	return out
}
