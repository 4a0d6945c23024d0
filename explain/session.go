package explain

import (
	"bytes"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/atrun/atrun/engine/codes"
)

// Event is one step of the conversation a log records: bytes the host
// wrote or bytes the modem sent, with the wire framing restored.
type Event struct {
	Dir    Dir           // Host wrote Data, or the Modem sent it
	Data   []byte        //
	Offset time.Duration // from the start of the log
	Line   int           // the log line it comes from
}

// Conversation parses a log and returns its conversation.
func Conversation(r io.Reader, opts Options) ([]Event, error) {
	entries, err := Parse(r, opts)
	if err != nil {
		return nil, err
	}
	return Events(entries), nil
}

// Events turns classified entries into the conversation: a command is
// written as "AT...\r", the modem's lines come back as "\r\n<text>\r\n",
// its echo as "<command>\r", a prompt as "\r\n> ", payload as written
// (closed by Ctrl+Z for the commands that end their data that way). Noise
// is left out. Offsets come from the log's times where it has them, and
// are otherwise made up from typical delays; they never go backwards.
func Events(entries []Entry) []Event {
	var out []Event
	b := newBuilder(func(ev Event) { out = append(out, ev) })
	for _, e := range entries {
		b.entry(e)
	}
	b.finish()
	return out
}

// builder turns entries into events as they come. Events are passed on
// at once, except from an open payload on: its write may still grow (the
// next line of the payload, the Ctrl+Z that ends it).
type builder struct {
	emit    func(Event)
	prompt  bool // the modem's last bytes were a prompt, or the echo of a payload after one
	out     []Event
	at      time.Duration
	written string // the command the host wrote last, until the modem speaks
	payload int    // index of the open payload event, when open
	command string // the command the payload belongs to
	open    bool
	echo    string // the pieces of a split echo so far
	// After a prompt for a payload of known length, the modem takes that
	// many bytes and drops the rest.
	limit, took int
	limited     bool
}

func newBuilder(emit func(Event)) *builder { return &builder{emit: emit} }

// finish ends the conversation, passing on what is held.
func (b *builder) finish() {
	b.closePayload()
	b.pass()
}

// pass hands on the events that can no longer change.
func (b *builder) pass() {
	if b.open {
		return
	}
	for _, ev := range b.out {
		b.emit(ev)
	}
	b.out = b.out[:0]
}

// entry converts one entry.
func (b *builder) entry(e Entry) {
	defer b.pass()
	switch e.Kind {
	case KindCommand:
		b.write(e, e.Text+"\r", commandGap)
	case KindEcho:
		if e.Part {
			b.echoPiece(e)
			return
		}
		if !sameCommand(b.written, e.Command) {
			b.write(e, e.Command+"\r", commandGap)
		}
		b.send(e, e.Text+"\r", echoGap)
	case KindResponse, KindFinal, KindURC:
		b.send(e, "\r\n"+e.Text+"\r\n", resultDelay(e))
	case KindPrompt:
		b.send(e, "\r\n> ", lineGap)
		b.prompt = true
		b.took, b.limit, b.limited = 0, 0, false
		if n, ok := payloadLength(e.Command); ok {
			b.limit, b.limited = n, true
		}
	case KindData:
		b.data(e)
	}
}

// write adds bytes the host wrote.
func (b *builder) write(e Entry, data string, gap time.Duration) {
	b.closePayload()
	b.add(Host, e, data, gap)
	b.written = e.Text
}

// send adds bytes the modem sent.
func (b *builder) send(e Entry, data string, gap time.Duration) {
	b.closePayload()
	b.add(Modem, e, data, gap)
	b.written, b.prompt = "", false
}

// echoPiece adds a piece of an echo the log shows split over lines: the
// command is written once, before its first piece.
func (b *builder) echoPiece(e Entry) {
	if b.echo == "" && !sameCommand(b.written, e.Command) {
		b.write(e, e.Command+"\r", commandGap)
	}
	b.echo += e.Text
	text := e.Text
	if len(b.echo) >= len(strings.TrimSpace(e.Command)) {
		text += "\r"
		b.echo = ""
	}
	written := b.written
	b.send(e, text, echoGap)
	b.written = written
}

// data adds payload. The host's payload lines are one write; the modem's
// are sent as they stand, and after a prompt they are its echo of what the
// host wrote, so the host wrote them first.
func (b *builder) data(e Entry) {
	if e.Dir == Modem && b.prompted() {
		b.echoed(e)
		return
	}
	if e.Dir == Modem {
		text := e.Text
		if text == "" {
			text = "\r\n" // an empty line the log shows the modem sending
		}
		b.send(e, text, echoGap)
		return
	}
	if b.open {
		b.out[b.payload].Data = append(b.out[b.payload].Data, "\n"+e.Text...)
		return
	}
	b.add(Host, e, e.Text, echoGap)
	b.payload, b.command, b.open = len(b.out)-1, e.Command, true
	b.written = ""
}

// closePayload ends an open payload, with Ctrl+Z when its command needs it.
func (b *builder) closePayload() {
	if !b.open {
		return
	}
	data := b.out[b.payload].Data
	if endsWithCtrlZ(b.command) && !bytes.HasSuffix(data, []byte{0x1a}) {
		b.out[b.payload].Data = append(data, 0x1a)
	}
	b.open = false
}

// add appends an event stamped with the entry's time, or gap after the
// previous event when the log has no time for it.
func (b *builder) add(dir Dir, e Entry, data string, gap time.Duration) {
	if e.HasTime {
		b.at = max(b.at, e.Offset)
	} else {
		b.at += gap
	}
	b.out = append(b.out, Event{Dir: dir, Data: []byte(data), Offset: b.at, Line: e.Line})
}

// endsWithCtrlZ reports whether a command's payload ends with Ctrl+Z: SMS
// text, an MQTT publish without a length, a socket send without a length.
func endsWithCtrlZ(command string) bool {
	c, ok := codes.ParseCommand(command)
	if !ok {
		return false
	}
	switch c.Name {
	case "+CMGS", "+CMGW":
		return true
	case "+QMTPUB":
		return countParams(c.Args) == 5
	case "+QISEND", "+QSSLSEND":
		return countParams(c.Args) == 1
	}
	return false
}

// countParams counts comma-separated parameters outside double quotes.
func countParams(args string) int {
	if strings.TrimSpace(args) == "" {
		return 0
	}
	n, quoted := 1, false
	for _, r := range args {
		switch {
		case r == '"':
			quoted = !quoted
		case r == ',' && !quoted:
			n++
		}
	}
	return n
}

// prompted reports whether the modem's last bytes were a prompt, or the
// echo of a payload after one.
func (b *builder) prompted() bool { return b.prompt }

// echoed adds a payload line the modem echoed after a prompt: the host
// wrote it, and the modem echoed the bytes it took (for a payload of
// known length, no more than that).
func (b *builder) echoed(e Entry) {
	text := e.Text
	if b.open {
		text = "\n" + text
	}
	if b.limited {
		text = text[:min(len(text), max(b.limit-b.took, 0))]
		b.took += len(text)
	}
	if text == "" {
		return
	}
	if b.open {
		b.out[b.payload].Data = append(b.out[b.payload].Data, text...)
	} else {
		b.add(Host, e, text, echoGap)
		b.payload, b.command, b.open = len(b.out)-1, e.Command, true
	}
	b.out = append(b.out, Event{Dir: Modem, Data: []byte(text), Offset: b.at, Line: e.Line})
}

// payloadLength is the byte count a command gives for the payload it
// prompts for: AT+QMTPUBEX's last parameter, the second of AT+QISEND,
// AT+QSSLSEND and AT+CASEND, AT+CIPSEND's last.
func payloadLength(command string) (int, bool) {
	c, ok := codes.ParseCommand(command)
	if !ok {
		return 0, false
	}
	params := splitParams(c.Args)
	var p string
	switch c.Name {
	case "+QMTPUBEX":
		if len(params) == 6 {
			p = params[5]
		}
	case "+QISEND", "+QSSLSEND", "+CASEND":
		if len(params) >= 2 {
			p = params[1]
		}
	case "+CIPSEND", "+CCERTDOWN":
		if len(params) > 0 {
			p = params[len(params)-1]
		}
	}
	n, err := strconv.Atoi(strings.TrimSpace(p))
	return n, err == nil && n >= 0
}

// splitParams splits parameters at commas outside double quotes.
func splitParams(args string) []string {
	var out []string
	start, quoted := 0, false
	for i := 0; i < len(args); i++ {
		switch {
		case args[i] == '"':
			quoted = !quoted
		case args[i] == ',' && !quoted:
			out = append(out, args[start:i])
			start = i + 1
		}
	}
	if strings.TrimSpace(args) != "" {
		out = append(out, args[start:])
	}
	return out
}
