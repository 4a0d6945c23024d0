package transcript

import "fmt"

// EndKind says how a recorded session ended.
type EndKind int

const (
	// Unrecorded: the transcript has no end line. A recording cut short (a
	// crash, a kill, a power cut) or a log whose outcome is unknown.
	Unrecorded EndKind = iota
	// Succeeded: the script ran to its end.
	Succeeded
	// Failed: the script failed (a modem error, a timeout, an error it
	// raised, fail()); the message is its error.
	Failed
	// Interrupted: the run was stopped by Ctrl+C or SIGTERM.
	Interrupted
	// TimedOut: the run was stopped by its time limit (atrun run --timeout).
	TimedOut
	// PortLost: the port failed under the session (a USB modem unplugged,
	// a ser2net connection closed).
	PortLost
)

// endWords are the words of an end line, as written; Succeeded has none.
var endWords = map[EndKind]string{
	Failed:      "failed",
	Interrupted: "interrupted",
	TimedOut:    "timeout",
	PortLost:    "port-lost",
}

func (k EndKind) String() string {
	switch k {
	case Unrecorded:
		return "unrecorded"
	case Succeeded:
		return "ok"
	}
	if w, ok := endWords[k]; ok {
		return w
	}
	return fmt.Sprintf("endkind(%d)", int(k))
}

// Stops reports whether the session was stopped from outside the script
// (an interruption, the time limit, the port lost) at the end's time,
// rather than ending by itself. A replay makes the same stop happen.
func (k EndKind) Stops() bool { return k == Interrupted || k == TimedOut || k == PortLost }

// endKind reads the word of an end line.
func endKind(word string) (EndKind, bool) {
	for k, w := range endWords {
		if w == word {
			return k, true
		}
	}
	return 0, false
}

// Ending is how a session ended: its kind and the message the run
// reported (secrets redacted), "" for a success.
type Ending struct {
	Kind    EndKind
	Message string
}

// Ended reports whether the ending was recorded at all.
func (e Ending) Ended() bool { return e.Kind != Unrecorded }

// Describe says in words how the session ended, for verdicts and
// `atrun transcript show`.
func (e Ending) Describe() string {
	msg := ""
	if e.Message != "" {
		msg = ": " + e.Message
	}
	switch e.Kind {
	case Unrecorded:
		return "no outcome recorded (no end line)"
	case Succeeded:
		return "the session succeeded"
	case Failed:
		return "the session failed" + msg
	case Interrupted:
		return "the session was interrupted (Ctrl+C or SIGTERM)" + msg
	case TimedOut:
		return "the session was stopped by its time limit" + msg
	case PortLost:
		return "the session lost its port" + msg
	}
	return e.Kind.String() + msg
}

// Ending returns how the end event e says the session ended. An End event
// built in code with no EndKind is a success, or a failure when it carries
// a message.
func (e Event) Ending() Ending {
	if e.Kind != End {
		return Ending{}
	}
	k := e.EndKind
	if k == Unrecorded {
		k = Succeeded
		if !e.Data.IsEmpty() {
			k = Failed
		}
	}
	return Ending{Kind: k, Message: string(e.Data.Bytes)}
}

// Ending tells how the recorded session ended; Kind is Unrecorded when the
// transcript has no end line.
func (t *Transcript) Ending() Ending {
	if n := len(t.Events); n > 0 && t.Events[n-1].Kind == End {
		return t.Events[n-1].Ending()
	}
	return Ending{}
}
