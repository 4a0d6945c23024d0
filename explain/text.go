package explain

import (
	"strings"
	"time"

	"github.com/atrun/atrun/internal/lazyre"
)

// textReader turns the lines of a text log into records: it removes the
// time stamps, reads the direction markers the format has, and strips the
// decoration people add when they paste a log (Markdown, comments).
type textReader struct {
	format Format
	clk    clockOf       // times of day
	first  time.Duration // the first value of a library clock
	clock  bool          // a library clock was seen
	at     time.Duration // time of the last stamped line
	timed  bool
	quoted bool // inside a quoted receive buffer that spans lines
	emit   func(record)
	info   *Info // gets the log's first time
}

// textRecords reads a text log.
func textRecords(data string, format Format, info *Info, emit func(record)) {
	r := &textReader{format: format, emit: emit, info: info}
	eachLine(data, r.line)
}

// line reads one line of the log.
func (r *textReader) line(n int, l string) {
	text, st := cutTime(l)
	r.stamp(st)
	var dir Dir
	if st.ok {
		text, dir = cutTerminalMark(text)
	}
	switch r.format {
	case FormatArrows:
		r.arrows(n, text)
	case FormatLabels:
		r.labels(n, text)
	default:
		r.plain(n, text, dir)
	}
}

// stamp notes the time a line carries.
func (r *textReader) stamp(st stamp) {
	if st.ok && !r.info.HasStart {
		r.info.Start, r.info.HasStart, r.info.Clock = st.at, true, st.clock
	}
	switch {
	case !st.ok:
	case st.clock:
		if !r.clock {
			r.first, r.clock = st.at, true
		}
		r.at, r.timed = max(r.at, st.at-r.first), true
	default:
		r.at, r.timed = r.clk.offset(st.at), true
	}
}

// add appends a record stamped with the current time.
func (r *textReader) add(rec record) {
	rec.at, rec.hasTime = r.at, r.timed
	r.emit(rec)
}

// plain reads a line with no direction marker, stripping what people add
// around pasted logs; a terminal's own direction mark is kept.
func (r *textReader) plain(n int, text string, dir Dir) {
	text = undecorate(text)
	if isFence(text) {
		r.add(record{line: n, text: text, print: true})
		return
	}
	if print, cmd, ok := cutGluedPrint(text); ok && dir == "" {
		r.add(record{line: n, text: print, print: true})
		text = cmd
	}
	r.add(record{line: n, dir: dir, text: text})
}

// arrows reads a line of a trace that marks direction with arrows. A
// line without a marker is the library's own print, unless it reads as
// modem output (a library that marks only an answer's first line).
func (r *textReader) arrows(n int, text string) {
	m, ok := cutArrow(text)
	if !ok {
		r.unmarked(n, text)
		return
	}
	body, st := cutClock(m.text)
	r.stamp(st)
	if m.before != "" {
		r.add(record{line: n, text: m.before, print: true})
	}
	r.add(record{line: n, dir: m.dir, text: body})
}

// labels reads a line of a library that names the direction in words.
func (r *textReader) labels(n int, text string) {
	if r.quoted {
		if strings.HasPrefix(strings.TrimSpace(text), `"`) {
			r.quoted = false
			r.add(record{line: n, text: text, print: true})
			return
		}
		r.add(record{line: n, dir: Modem, text: text})
		return
	}
	if m := quotedReceive().FindStringSubmatch(text); m != nil {
		r.quoted = true
		r.add(record{line: n, dir: Modem, text: m[1]})
		return
	}
	m, ok := cutLabel(text)
	switch {
	case !ok:
		r.unmarked(n, text)
	case m.dir == Host:
		r.add(record{line: n, dir: Host, text: m.text})
	default:
		for _, part := range splitEscapedLines(m.text) {
			r.add(record{line: n, dir: Modem, text: part})
		}
	}
}

// unmarked reads a line without a marker in a log that marks direction.
func (r *textReader) unmarked(n int, text string) {
	text = undecorate(text)
	s := strings.TrimSpace(text)
	r.add(record{line: n, text: text, print: s != "" && !isModemShaped(s)})
}

// escapedLineEnd is a CR or LF written as text, as daemons fold a
// multi-line answer onto one log line.
var escapedLineEnd = strings.NewReplacer(`\r\n`, "\n", `\n`, "\n", `\r`, "\n")

// splitEscapedLines cuts text at its escaped line ends.
func splitEscapedLines(s string) []string {
	return strings.Split(escapedLineEnd.Replace(s), "\n")
}

// terminalMarks are the receive/send marks some serial terminals print
// after the time ("收←◆" received, "发→◇" sent); "???" is the receive
// mark after an encoding loss, direction unknown.
var terminalMarks = []struct {
	mark string
	dir  Dir
}{
	{"收←◆", Modem},
	{"发→◇", Host},
	{"???", ""},
}

// cutTerminalMark strips a terminal's direction mark.
func cutTerminalMark(s string) (string, Dir) {
	for _, m := range terminalMarks {
		if rest, ok := strings.CutPrefix(s, m.mark); ok {
			return rest, m.dir
		}
	}
	return s, ""
}

// comment is a note the poster appended after the log text: a TAB or two
// spaces, then "//".
var comment = lazyre.New(`(?:\t|  )\s*//.*$`)

// undecorate removes what Markdown and posters add to a pasted line:
// inline-code backticks and bold marks around it, appended comments.
func undecorate(s string) string {
	if strings.Contains(s, "//") {
		s = comment().ReplaceAllString(s, "")
	}
	t := strings.TrimSpace(s)
	if t == "" || isFence(t) {
		return s
	}
	u := strings.Trim(t, "`")
	if v, ok := strings.CutPrefix(u, "**"); ok && !strings.HasPrefix(v, "*") {
		u = strings.TrimSuffix(v, "**")
	}
	if u == t {
		return s
	}
	return u
}

// isFence reports a Markdown code fence line ("```c").
func isFence(s string) bool { return strings.HasPrefix(strings.TrimSpace(s), "```") }

// gluedPrint is an application print that ends without a line break, so
// the next command runs into it: "Modem starting...AT".
var gluedPrint = lazyre.New(`^([^+].*[.!])(AT\S*)$`)

// cutGluedPrint splits such a line into the print and the command.
func cutGluedPrint(s string) (print, cmd string, ok bool) {
	if !strings.Contains(s, ".AT") && !strings.Contains(s, "!AT") && !strings.Contains(s, ".at") && !strings.Contains(s, "!at") {
		return "", "", false
	}
	m := gluedPrint().FindStringSubmatch(strings.TrimSpace(s))
	if m == nil || !isATLine(m[2]) {
		return "", "", false
	}
	return m[1], m[2], true
}
