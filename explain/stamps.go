package explain

import (
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/atrun/atrun/internal/lazyre"
)

// Time stamps that tools put in front of every line. Each gives a time of
// day; the text after it is the line.
var (
	// bracketTime is "[16:30:44.029] " (serial terminals, u-blox m-center)
	// or Zephyr's "[00:00:11.916,015] " with microseconds after a comma.
	bracketTime = lazyre.New(`^\[(\d{1,2}:\d{2}:\d{2}(?:\.\d{1,6}(?:,\d{3})?)?)\] ?`)
	// arduinoTime is the Arduino IDE Serial Monitor's "hh:mm:ss.mmm -> ".
	arduinoTime = lazyre.New(`^(\d{2}:\d{2}:\d{2}\.\d{3}) -> ?`)
	// traceTime is a library trace's "06:37:04.740 > " or "06:37:04 ".
	traceTime = lazyre.New(`^(\d{2}:\d{2}:\d{2}(?:\.\d{1,6})?)(?: >)? `)
	// journalTime is a syslog or journald line: "Jan 03 15:35:42 host
	// daemon[1614]: ", indented or not.
	journalTime = lazyre.New(`^\s*[A-Z][a-z]{2} +\d{1,2} (\d{2}:\d{2}:\d{2}(?:\.\d{1,6})?) \S+ [^\s\[\]:]+(?:\[\d+\])?: `)
	// millisClock is a library's millisecond counter after the text,
	// "-> OK (20736)".
	millisClock = lazyre.New(` ?\((\d+)\)$`)
)

// stamp is the time a line carries, if any.
type stamp struct {
	at    time.Duration // time of day, or the library clock
	clock bool          // at is a free-running clock, not a time of day
	ok    bool
}

// cutTime removes a leading time stamp of any known shape from l.
func cutTime(l string) (string, stamp) {
	if !mayHaveTime(l) {
		return l, stamp{}
	}
	if l[0] == '[' {
		return cutBracketTime(l)
	}
	for _, re := range timeShapes(l[0]) {
		if m := re().FindStringSubmatchIndex(l); m != nil {
			if t, ok := parseTimeOfDay(strings.Replace(l[m[2]:m[3]], ",", "", 1)); ok {
				return l[m[1]:], stamp{at: t, ok: true}
			}
		}
	}
	return l, stamp{}
}

// cutBracketTime reads "[16:30:44.029] " or "[00:00:11.916,015] "
// without a regular expression: most lines of such logs carry one.
func cutBracketTime(l string) (string, stamp) {
	end := strings.IndexByte(l[:min(len(l), 24)], ']')
	if end < 0 || !bracketTime().MatchString(l[:end+1]) {
		return l, stamp{}
	}
	t, ok := parseTimeOfDay(strings.Replace(l[1:end], ",", "", 1))
	if !ok {
		return l, stamp{}
	}
	rest := l[end+1:]
	return strings.TrimPrefix(rest, " "), stamp{at: t, ok: true}
}

// timeShapes are the stamp patterns a line starting with c may carry.
func timeShapes(c byte) []func() *regexp.Regexp {
	switch {
	case c >= '0' && c <= '9':
		return digitShapes
	}
	return journalShapes
}

var (
	digitShapes   = []func() *regexp.Regexp{arduinoTime, traceTime}
	journalShapes = []func() *regexp.Regexp{journalTime}
)

// mayHaveTime is a cheap test that rules out most lines before the
// time-stamp patterns run: every stamp has a ':' in its first 30 bytes.
func mayHaveTime(l string) bool {
	return len(l) >= 8 && strings.IndexByte(l[:min(len(l), 30)], ':') >= 0
}

// cutClock removes a trailing library clock ("(20736)"), in milliseconds.
func cutClock(l string) (string, stamp) {
	if !strings.HasSuffix(l, ")") {
		return l, stamp{}
	}
	m := millisClock().FindStringSubmatchIndex(l)
	if m == nil {
		return l, stamp{}
	}
	n, err := strconv.ParseInt(l[m[2]:m[3]], 10, 64)
	if err != nil || n > int64(1<<62)/int64(time.Millisecond) {
		return l, stamp{}
	}
	return l[:m[0]], stamp{at: time.Duration(n) * time.Millisecond, clock: true, ok: true}
}
