package explain

import (
	"strings"

	"github.com/atrun/atrun/engine/codes"
)

// pending is the command whose answer is being read.
type pending struct {
	text   string
	prefix string // its response prefix, "" for basic commands
	async  bool   // its result with that prefix arrives as a URC
	echoed bool
	// quiet is set once an application print interrupts the answer: text
	// with no prefix after it is no longer taken for this command's
	// response (an unanswered command typed into notes is followed by
	// the notes, not by its answer).
	quiet bool
}

// classifier routes each line the way the engine does: the pending
// command's echo, prefix and final result first, then known URCs, then
// anything else as the pending command's response.
type classifier struct {
	out    []Entry
	cmd    *pending
	data   bool              // after a prompt or CONNECT: payload until a result
	sent   map[string]string // async command by result name, to name the URC
	recent []string          // last modem texts, to spot prints that repeat them
	rec    record            // the record being classified
}

// classify turns records into entries.
func classify(recs []record) []Entry {
	markHostCopies(recs)
	c := &classifier{sent: map[string]string{}}
	for _, r := range recs {
		c.record(r)
	}
	if isBlind(recs) {
		inferCommands(c.out)
	}
	return c.out
}

// record classifies one record.
func (c *classifier) record(r record) {
	c.rec = r
	switch {
	case r.print:
		c.add(Entry{Kind: KindNoise, Text: r.text})
	case r.dir == Host:
		c.host(r.text)
	case r.prompt:
		c.prompt("")
	default:
		prefix, text := "", r.text
		if c.cmd != nil {
			prefix = c.cmd.prefix
		}
		if !c.data {
			text = strings.TrimSpace(text) // payload keeps its spaces
		}
		for _, part := range splitGlued(text, prefix, c.data) {
			c.modem(part)
		}
	}
}

// add appends an entry stamped with the current record's line and time.
func (c *classifier) add(e Entry) {
	e.Line, e.Offset, e.HasTime = c.rec.line, c.rec.at, c.rec.hasTime
	c.out = append(c.out, e)
	if e.Kind != KindNoise && e.Kind != KindData && e.Text != "" {
		c.recent = append(c.recent, e.Text)
		if len(c.recent) > 4 {
			c.recent = c.recent[1:]
		}
	}
}

// host classifies a line the host wrote: a command, or payload.
func (c *classifier) host(text string) {
	if c.data || !isATLine(strings.TrimSpace(text)) {
		c.add(Entry{Kind: KindData, Dir: Host, Text: text, Command: c.command()})
		return
	}
	c.start(strings.TrimSpace(text), KindCommand, Host)
}

// start makes text the pending command.
func (c *classifier) start(text string, kind Kind, dir Dir) {
	c.cmd = &pending{
		text:   text,
		prefix: codes.ResponsePrefix(text),
		async:  codes.AsyncResult(text),
		echoed: kind == KindEcho,
	}
	c.data = false
	meaning, hint := lint(text)
	c.add(Entry{Kind: kind, Dir: dir, Text: text, Command: text, Meaning: meaning, Hint: hint})
}

// command returns the pending command's text, or "".
func (c *classifier) command() string {
	if c.cmd == nil {
		return ""
	}
	return c.cmd.text
}

// modem classifies one piece of modem text (or text of unknown origin).
func (c *classifier) modem(raw string) {
	s := strings.TrimSpace(raw)
	switch {
	case s == "":
		c.blank(raw)
	case c.data:
		c.payload(s, raw)
	case isATLine(s):
		c.atLine(s)
	case strings.HasPrefix(s, ">"):
		c.prompt(strings.TrimPrefix(strings.TrimPrefix(s, ">"), " "))
	default:
		c.result(s)
	}
}

// blank classifies an empty line: framing, unless the log says the modem
// sent it in data mode (an empty line of a body, a payload of spaces).
func (c *classifier) blank(raw string) {
	if c.data && c.rec.dir == Modem {
		c.add(Entry{Kind: KindData, Dir: Modem, Text: raw, Command: c.command()})
		return
	}
	c.add(Entry{Kind: KindNoise, Text: raw})
}

// atLine classifies a command line: the tool's copy of what it wrote, the
// modem's echo of the pending command, or the echo of a command the log
// does not show being written.
func (c *classifier) atLine(s string) {
	switch {
	case c.rec.hostCopy:
		c.start(s, KindCommand, Host)
	case c.cmd != nil && !c.cmd.echoed && sameCommand(c.cmd.text, s):
		c.cmd.echoed = true
		c.add(Entry{Kind: KindEcho, Dir: Modem, Text: s, Command: c.cmd.text})
	default:
		c.start(s, KindEcho, Modem)
	}
}

// prompt classifies a data prompt and the payload typed on its line.
func (c *classifier) prompt(rest string) {
	c.add(Entry{Kind: KindPrompt, Dir: Modem, Text: ">", Command: c.command(), Meaning: codes.Explain(">", "")})
	c.data = true
	if rest == "" {
		return
	}
	payload, final := splitTrailingFinal(rest)
	c.add(Entry{Kind: KindData, Dir: Host, Text: payload, Command: c.command()})
	if f, ok := codes.ParseFinal(final); ok {
		c.final(f)
	}
}

// payload classifies a line in data mode: a result ends the data. s is
// the trimmed line, raw the line as written.
func (c *classifier) payload(s, raw string) {
	if f, ok := codes.ParseFinal(s); ok {
		c.final(f)
		return
	}
	if c.cmd != nil && hasPrefixFold(s, c.cmd.prefix) {
		c.data = false
		c.answer(s)
		return
	}
	if strings.HasPrefix(s, ">") {
		c.prompt(strings.TrimPrefix(strings.TrimPrefix(s, ">"), " "))
		return
	}
	if codes.IsURC(s) {
		c.urc(s)
		return
	}
	dir := c.rec.dir
	if dir == "" {
		dir = Host
	}
	c.add(Entry{Kind: KindData, Dir: dir, Text: raw, Command: c.command()})
}

// result classifies a line outside data mode, in routing order.
func (c *classifier) result(s string) {
	if f, ok := codes.ParseFinal(s); ok {
		c.final(f)
		return
	}
	if c.cmd != nil && hasPrefixFold(s, c.cmd.prefix) {
		c.answer(s)
		return
	}
	if codes.IsURC(s) {
		c.urc(s)
		return
	}
	if c.noise(s) {
		return
	}
	if c.cmd != nil && !c.cmd.quiet {
		c.response(s)
		return
	}
	if isModemShaped(s) {
		c.urc(s)
		return
	}
	c.add(Entry{Kind: KindNoise, Text: s})
}

// answer classifies a line carrying the pending command's prefix: its
// response, or for an asynchronous command its result URC.
func (c *classifier) answer(s string) {
	if c.cmd.async {
		c.urc(s)
		return
	}
	c.response(s)
}

// response adds an information line of the pending command.
func (c *classifier) response(s string) {
	n := codes.Decode(s, c.cmd.text)
	c.add(Entry{Kind: KindResponse, Dir: Modem, Text: s, Command: c.cmd.text, Meaning: n.Meaning, Hint: n.Hint})
}

// final adds a final result and ends the command, except CONNECT, after
// which the command goes on in data mode.
func (c *classifier) final(f codes.Final) {
	cmd := c.command()
	n := codes.Decode(f.Text, cmd)
	c.add(Entry{Kind: KindFinal, Dir: Modem, Text: f.Text, Command: cmd, Meaning: n.Meaning, Hint: n.Hint})
	if f.Kind == "CONNECT" {
		c.data = true
		return
	}
	if c.cmd != nil && c.cmd.async && f.Success {
		c.sent[resultName(c.cmd.prefix)] = cmd
	}
	c.cmd, c.data = nil, false
}

// urc adds an unsolicited line. A restart banner ends whatever was
// pending: the modem forgot it.
func (c *classifier) urc(s string) {
	name := infoName(s)
	cmd := c.sent[resultName(name+":")]
	if c.cmd != nil && c.cmd.async && hasPrefixFold(s, c.cmd.prefix) {
		cmd = c.cmd.text
	}
	n := codes.Decode(s, "")
	c.add(Entry{Kind: KindURC, Dir: Modem, Text: s, Command: cmd, Meaning: n.Meaning, Hint: n.Hint})
	if u := strings.ToUpper(s); u == "RDY" || u == "POWERED DOWN" {
		c.cmd, c.data = nil, false
	}
}

// resultName folds +QMTPUBEX onto +QMTPUB: firmware reports either after
// either command.
func resultName(prefix string) string {
	name := strings.ToUpper(strings.TrimSuffix(prefix, ":"))
	if name == "+QMTPUBEX" {
		return "+QMTPUB"
	}
	return name
}
