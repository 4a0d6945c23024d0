package transcript

import (
	"fmt"
	"strings"
	"time"
)

// FormatError is a syntax error in a transcript file.
type FormatError struct {
	File string
	Line int
	Msg  string // what is wrong with the line
}

func (e *FormatError) Error() string { return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg) }

// VersionError is a transcript written in a format version this package
// does not read.
type VersionError struct {
	File      string
	Line      int
	Found     string // the version as written in the file, such as "v2"
	Supported []int  // the versions this package reads
}

func (e *VersionError) Error() string {
	vs := make([]string, len(e.Supported))
	for i, v := range e.Supported {
		vs[i] = fmt.Sprintf("v%d", v)
	}
	return fmt.Sprintf("%s:%d: transcript format %q is not supported: this atrun reads %s; record the session again or use the atrun that wrote it",
		e.File, e.Line, e.Found, strings.Join(vs, ", "))
}

// Mismatch says how a replayed script strayed from its transcript.
type Mismatch int

const (
	// WrongBytes: the script wrote bytes other than the recorded ones.
	WrongBytes Mismatch = iota + 1
	// ExtraWrite: the script wrote after the transcript's last recorded write.
	ExtraWrite
	// EndedEarly: the script ended while recorded writes remained.
	EndedEarly
	// Stalled: the script waits with no timeout where the transcript
	// expects it to write, so the replay can never go on.
	Stalled
	// OvertookPrompt: the script wrote before a prompt (`>` or CONNECT)
	// that the modem sent before this write in the recording: it did not
	// wait for it.
	OvertookPrompt
)

func (m Mismatch) String() string {
	switch m {
	case WrongBytes:
		return "the script wrote other bytes than the transcript holds"
	case ExtraWrite:
		return "the script wrote more than the transcript holds"
	case EndedEarly:
		return "the script ended before this write of the transcript"
	case Stalled:
		return "the script waits with no timeout, but the transcript expects it to write"
	case OvertookPrompt:
		return "the script wrote before the modem's prompt (> or CONNECT) that came before this write in the recording"
	}
	return fmt.Sprintf("mismatch(%d)", int(m))
}

// MismatchError reports where a replay and its transcript part. Expected
// and Got never hold a secret: redacted spans and values the replay knows
// to be secret are holes.
type MismatchError struct {
	Kind     Mismatch
	File     string
	Line     int           // the line of the expected write; for ExtraWrite, the transcript's last line
	At       time.Duration // virtual time since the transcript's start
	Expected Text          // the recorded write; empty for ExtraWrite
	Got      Text          // what the script wrote in its place, from the same position; empty if nothing
	Recent   []Event       // the events just before, oldest first
	// Where is the script position of the call that made the write
	// ("ec20_mqtts.lua:57"), or the one it waited in; "" when unknown.
	Where string
	// Script is the error the script stopped with, when it ended early;
	// "" when it succeeded or is still running. Secrets are redacted.
	Script string
}

func (e *MismatchError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s:%d: replay mismatch at %ss: %v", e.File, e.Line, appendTime(nil, e.At), e.Kind)
	exp, got := e.Expected.String(), e.Got.String()
	// A script that ended or waits in the middle of a write shows what it
	// wrote of it, marked where it stopped.
	caret := e.Kind != ExtraWrite && !e.Got.IsEmpty()
	switch {
	case e.Kind == ExtraWrite:
		exp = "nothing: no write is recorded after this line"
	case e.Kind == EndedEarly && !caret:
		got = "nothing: the script ended"
	case e.Kind == Stalled && !caret:
		got = "nothing: the script waits"
	}
	fmt.Fprintf(&b, "\n\texpected: %s\n\tgot:      %s", exp, got)
	if caret {
		col := commonPrefix(exp, got)
		fmt.Fprintf(&b, "\n\t          %s^ first difference", strings.Repeat(" ", col))
	}
	if e.Where != "" {
		verb := "written at"
		switch e.Kind {
		case EndedEarly:
			verb = "the script's last call to the modem was at"
		case Stalled:
			verb = "the script waits at"
		}
		fmt.Fprintf(&b, "\n\t%s %s", verb, e.Where)
	}
	if e.Script != "" {
		fmt.Fprintf(&b, "\n\tthe script stopped with: %s", e.Script)
	}
	if len(e.Recent) > 0 {
		b.WriteString("\n\tthe transcript just before:")
		for _, ev := range e.Recent {
			fmt.Fprintf(&b, "\n\t%s:%d: %s", e.File, ev.Line, ev)
		}
	}
	return b.String()
}

// commonPrefix is the length of the longest common prefix of a and b. Both
// are rendered with the same escaping, so the first rendered difference
// marks the first differing byte.
func commonPrefix(a, b string) int {
	n := 0
	for n < len(a) && n < len(b) && a[n] == b[n] {
		n++
	}
	return n
}

// OverrunError is a replay stopped because the script went on waiting on
// the virtual clock well past the end of the recording (a loop of sleeps,
// a wait far longer than anything recorded), or waits with no timeout once
// the recording is over: nothing more will ever come.
type OverrunError struct {
	File    string
	At      time.Duration // virtual time since the start when it was stopped
	Last    time.Duration // the time of the recording's last event
	Forever bool          // the script waits with no timeout at all
}

func (e *OverrunError) Error() string {
	if e.Forever {
		return fmt.Sprintf("%s: the script waits with no timeout after the recording's last event (at %ss): nothing more will come, so the replay stopped it",
			e.File, appendTime(nil, e.Last))
	}
	return fmt.Sprintf("%s: the script still waits at %ss of session, well past the recording's last event (at %ss): the replay stopped it",
		e.File, appendTime(nil, e.At), appendTime(nil, e.Last))
}
