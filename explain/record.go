package explain

import (
	"math"
	"strconv"
	"strings"
	"time"
)

// record is one line of modem or host text after its wrapper is removed.
type record struct {
	line    int
	dir     Dir // Host, Modem, or "" when the log does not say
	text    string
	at      time.Duration
	hasTime bool
	// Set by byte framing (raw captures, EWF): the frame ended with a CR
	// alone, as an echo does, or it is a prompt with no line end.
	crOnly bool
	prompt bool
	// hostCopy marks the first of two identical command lines in a log
	// whose tool prints every command it writes before the modem's echo.
	hostCopy bool
	// print is text the log's tool or application added: noise.
	print bool
	// note says what is wrong with a line, for a print that stands for a
	// problem of the log rather than a line of it.
	note string
}

// splitLines splits text into its lines (see eachLine), for tests and
// callers that hold a small log.
func splitLines(s string) []string {
	var lines []string
	eachLine(s, func(_ int, l string) { lines = append(lines, l) })
	return lines
}

// eachLine calls fn with every line of data and its 1-based number. Lines
// end at LF; one CR before the LF is dropped (logs saved on Windows). A
// lone CR inside a line also ends a line, numbered like the line it is
// in; in a log with no LF at all (CR line ends) each CR ends a line. The
// empty piece after a final line end is no line.
func eachLine(data string, fn func(n int, line string)) {
	crOnly := strings.IndexByte(data, '\n') < 0
	n := 0
	for len(data) > 0 {
		var l string
		if crOnly {
			l, data, _ = strings.Cut(data, "\r")
			n++
			fn(n, l)
			continue
		}
		l, data, _ = strings.Cut(data, "\n")
		n++
		l = strings.TrimSuffix(l, "\r")
		for {
			head, rest, found := strings.Cut(l, "\r")
			fn(n, head)
			if !found {
				break
			}
			l = rest
		}
	}
}

// clockOf turns wall-clock times of day ("17:13:30.563") into offsets from
// the first one seen, counting a day for each wrap past midnight.
type clockOf struct {
	first, prev time.Duration
	days        time.Duration
	started     bool
}

// offset returns the offset of a time of day.
func (c *clockOf) offset(t time.Duration) time.Duration {
	if !c.started {
		c.first, c.prev, c.started = t, t, true
	}
	if t+12*time.Hour < c.prev {
		c.days += 24 * time.Hour
	}
	c.prev = t
	return t + c.days - c.first
}

// parseTimeOfDay parses "hh:mm:ss" with an optional fraction.
func parseTimeOfDay(s string) (time.Duration, bool) {
	hs, rest, ok1 := strings.Cut(s, ":")
	ms, ss, ok2 := strings.Cut(rest, ":")
	if !ok1 || !ok2 || strings.Contains(ss, ":") {
		return 0, false
	}
	h, err1 := strconv.Atoi(hs)
	m, err2 := strconv.Atoi(ms)
	sec, err3 := strconv.ParseFloat(ss, 64)
	if err1 != nil || err2 != nil || err3 != nil || h < 0 || h > 23 || m < 0 || m > 59 || sec >= 61 || sec < 0 {
		return 0, false
	}
	d := time.Duration(h)*time.Hour + time.Duration(m)*time.Minute
	return d + time.Duration(math.Round(sec*1e6))*time.Microsecond, true
}
