package explain

import (
	"strings"
	"time"

	"github.com/atrun/atrun/internal/lazyre"
)

// shape is what a first pass over the records learns of the whole log,
// which the classification of a line may depend on.
type shape struct {
	// doubled: the log's tool prints each command it writes before the
	// modem's echo of it, so two identical command lines follow each
	// other somewhere.
	doubled bool
	// copies: command lines still show after the modem was told to stop
	// echoing (ATE0 answered OK), so the log's tool prints what it writes.
	copies  bool
	echoOff bool // an ATE0 was answered OK
	offCmd  bool // an ATE0 line was seen, its OK not yet
	// blind: the log shows no command at all (echo off and no direction
	// markers); responses can then only be told from URCs by what follows
	// them.
	blind bool
	seen  bool   // a record was seen
	prev  record // the record before, to spot a doubled command
	hasAT bool   // a command line was seen
}

// see notes one record.
func (s *shape) see(r record) {
	if !s.doubled && s.seen && isDoubled(s.prev, r) && (!isProbe(r.text) || r.hasTime) {
		s.doubled = true
	}
	s.seeEcho(r)
	if r.dir == Host || (!r.print && isATLine(strings.TrimSpace(r.text))) {
		s.hasAT = true
	}
	s.blind = !s.hasAT
	s.prev, s.seen = r, true
}

// seeEcho follows whether the modem still echoes.
func (s *shape) seeEcho(r record) {
	t := strings.TrimSpace(r.text)
	switch {
	case r.print || t == "":
	case s.echoOff && unknownATLine(r):
		s.copies = true
	case isATLine(t):
		s.offCmd = echoOffCommand().MatchString(t)
	case s.offCmd && strings.EqualFold(t, "OK"):
		s.echoOff, s.offCmd = true, false
	}
}

// echoOffCommand turns the modem's echo off: ATE0, AT&FZE0, ATE0V1.
var echoOffCommand = lazyre.New(`(?i)^AT(?:[A-Z&]\d?)*?E0(?:[A-Z&]\d?)*$`)

// isProbe reports a bare "AT": tools send it again and again while a
// module boots, so two in a row without times say nothing about doubling.
func isProbe(s string) bool { return strings.EqualFold(strings.TrimSpace(s), "AT") }

// copyMarker marks, in a doubled log, the tool's copy of each command: the
// first of a pair of identical command lines, or a command line standing
// alone (a write the modem did not echo: echo off, or a module still
// booting). The second of a pair, or the pieces of an echo split over
// lines, are the modem's.
type copyMarker struct {
	doubled bool
	copies  bool    // every command line of unknown origin is the tool's copy
	copy    *record // the host copy just before, while its echo may follow
}

// mark sets r.hostCopy where r is the tool's copy of a command.
func (m *copyMarker) mark(r *record) {
	if !m.doubled && !m.copies {
		return
	}
	if !unknownATLine(*r) {
		if !r.print && strings.TrimSpace(r.text) != "" {
			m.copy = nil
		}
		return
	}
	if m.copy != nil && isDoubled(*m.copy, *r) {
		m.copy = nil // the modem's echo of that copy
		return
	}
	r.hostCopy = true
	c := *r
	m.copy = &c
}

// isEchoPiece reports whether line is the start of cmd's echo, cut short.
func isEchoPiece(cmd, line string) bool {
	cmd, line = strings.TrimSpace(cmd), strings.TrimLeft(line, " \t")
	return len(line) >= 2 && len(line) < len(cmd) && strings.EqualFold(cmd[:len(line)], line)
}

// isDoubled reports whether b repeats the command line a. When the log
// has times, the copy and the echo are printed together: a command
// repeated later is a new write (a boot probe the modem did not answer).
func isDoubled(a, b record) bool {
	if !unknownATLine(a) || !unknownATLine(b) || strings.TrimSpace(a.text) != strings.TrimSpace(b.text) {
		return false
	}
	return !a.hasTime || !b.hasTime || b.at-a.at <= doubleWindow
}

// doubleWindow is how far apart a tool's copy of a command and the modem's
// echo of it may be stamped.
const doubleWindow = 50 * time.Millisecond

// unknownATLine reports whether r is a command line of unknown origin.
func unknownATLine(r record) bool {
	return r.dir == "" && !r.print && isATLine(strings.TrimSpace(r.text))
}
