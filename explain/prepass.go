package explain

import (
	"strings"
	"time"
)

// markHostCopies finds logs whose tool prints each command it writes before
// the modem's echo of it: two identical command lines in a row. In such a
// log the first of a pair is the host's copy, and a command line standing
// alone is a write the modem did not echo (echo off, or a module still
// booting).
func markHostCopies(recs []record) {
	doubled := false
	for i := 0; i+1 < len(recs); i++ {
		if isDoubled(recs[i], recs[i+1]) {
			doubled = true
			break
		}
	}
	if !doubled {
		return
	}
	for i := 0; i < len(recs); i++ {
		if !unknownATLine(recs[i]) {
			continue
		}
		recs[i].hostCopy = true
		if i+1 < len(recs) && isDoubled(recs[i], recs[i+1]) {
			i++ // the second of the pair is the modem's echo
		}
	}
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
	return r.dir == "" && isATLine(strings.TrimSpace(r.text))
}

// isBlind reports whether the log shows no command at all (echo off and no
// direction markers): then responses can only be told from URCs by what
// follows them.
func isBlind(recs []record) bool {
	for _, r := range recs {
		if r.dir == Host || isATLine(strings.TrimSpace(r.text)) {
			return false
		}
	}
	return true
}
