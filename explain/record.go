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
}

// splitLines splits text into lines on LF, dropping one trailing CR per
// line (logs saved on Windows) and the empty piece after a final newline.
func splitLines(s string) []string {
	lines := strings.Split(s, "\n")
	if len(lines) > 0 && lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	for i, l := range lines {
		lines[i] = strings.TrimSuffix(l, "\r")
	}
	return lines
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
	parts := strings.Split(s, ":")
	if len(parts) != 3 {
		return 0, false
	}
	h, err1 := strconv.Atoi(parts[0])
	m, err2 := strconv.Atoi(parts[1])
	sec, err3 := strconv.ParseFloat(parts[2], 64)
	if err1 != nil || err2 != nil || err3 != nil || h > 23 || m > 59 || sec >= 61 || sec < 0 {
		return 0, false
	}
	d := time.Duration(h)*time.Hour + time.Duration(m)*time.Minute
	return d + time.Duration(math.Round(sec*1e6))*time.Microsecond, true
}
