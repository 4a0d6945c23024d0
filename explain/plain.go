package explain

import (
	"regexp"
	"strings"
)

// bracketTime is the "[16:30:44.029]" prefix some serial terminals print.
var bracketTime = regexp.MustCompile(`^\[(\d{1,2}:\d{2}:\d{2}(?:\.\d{1,6})?)\]`)

// terminalMarks are the receive/send marks such terminals print after the
// time ("收←◆" received, "发→◇" sent); "???" is the receive mark after an
// encoding loss, direction unknown.
var terminalMarks = []struct {
	mark string
	dir  Dir
}{
	{"收←◆", Modem},
	{"发→◇", Host},
	{"???", ""},
}

// plainRecords reads terminal text: one record per line. A bracketed time
// of day stamps its line and the untimed lines after it.
func plainRecords(lines []string) []record {
	var out []record
	var clk clockOf
	var last record
	for i, l := range lines {
		r := record{line: i + 1, text: l}
		if m := bracketTime.FindStringSubmatch(l); m != nil {
			if t, ok := parseTimeOfDay(m[1]); ok {
				last.at, last.hasTime = clk.offset(t), true
				r.text, r.dir = cutMark(l[len(m[0]):])
			}
		}
		r.at, r.hasTime = last.at, last.hasTime
		out = append(out, r)
	}
	return out
}

// cutMark strips a terminal's direction mark after a bracketed time.
func cutMark(s string) (string, Dir) {
	for _, m := range terminalMarks {
		if rest, ok := strings.CutPrefix(s, m.mark); ok {
			return rest, m.dir
		}
	}
	return s, ""
}
