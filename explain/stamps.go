package explain

import (
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Time stamps that tools put in front of every line. Each gives a time of
// day; the text after it is the line.
var (
	// bracketTime is "[16:30:44.029] " (serial terminals, u-blox m-center)
	// or Zephyr's "[00:00:11.916,015] " with microseconds after a comma.
	bracketTime = regexp.MustCompile(`^\[(\d{1,2}:\d{2}:\d{2}(?:\.\d{1,6}(?:,\d{3})?)?)\] ?`)
	// arduinoTime is the Arduino IDE Serial Monitor's "hh:mm:ss.mmm -> ".
	arduinoTime = regexp.MustCompile(`^(\d{2}:\d{2}:\d{2}\.\d{3}) -> ?`)
	// traceTime is a library trace's "06:37:04.740 > " or "06:37:04 ".
	traceTime = regexp.MustCompile(`^(\d{2}:\d{2}:\d{2}(?:\.\d{1,6})?)(?: >)? `)
	// journalTime is a syslog or journald line: "Jan 03 15:35:42 host
	// daemon[1614]: ", indented or not.
	journalTime = regexp.MustCompile(`^\s*[A-Z][a-z]{2} +\d{1,2} (\d{2}:\d{2}:\d{2}(?:\.\d{1,6})?) \S+ [^\s\[\]:]+(?:\[\d+\])?: `)
	// millisClock is a library's millisecond counter after the text,
	// "-> OK (20736)".
	millisClock = regexp.MustCompile(` ?\((\d+)\)$`)
)

// stamp is the time a line carries, if any.
type stamp struct {
	at    time.Duration // time of day, or the library clock
	clock bool          // at is a free-running clock, not a time of day
	ok    bool
}

// cutTime removes a leading time stamp of any known shape from l.
func cutTime(l string) (string, stamp) {
	for _, re := range []*regexp.Regexp{bracketTime, arduinoTime, journalTime, traceTime} {
		if m := re.FindStringSubmatchIndex(l); m != nil {
			if t, ok := parseTimeOfDay(strings.Replace(l[m[2]:m[3]], ",", "", 1)); ok {
				return l[m[1]:], stamp{at: t, ok: true}
			}
		}
	}
	return l, stamp{}
}

// cutClock removes a trailing library clock ("(20736)"), in milliseconds.
func cutClock(l string) (string, stamp) {
	m := millisClock.FindStringSubmatchIndex(l)
	if m == nil {
		return l, stamp{}
	}
	n, err := strconv.ParseInt(l[m[2]:m[3]], 10, 64)
	if err != nil || n > int64(1<<62)/int64(time.Millisecond) {
		return l, stamp{}
	}
	return l[:m[0]], stamp{at: time.Duration(n) * time.Millisecond, clock: true, ok: true}
}

// hasTime reports whether l starts with a time stamp; detection counts
// them.
func hasTime(l string) bool {
	_, s := cutTime(l)
	return s.ok
}
