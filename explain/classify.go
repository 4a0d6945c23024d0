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
	// part is the start of an echo the log shows split over lines, while
	// the rest is still to come.
	part string
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
	emit   func(Entry) error // where entries go, in order
	err    error             // the first error emit returned
	shape  shape             // what the first pass learned of the log
	copies copyMarker        // tells the tool's copy of a command from the echo
	held   []Entry           // blind logs: lines that may yet prove a response
	hold   *record           // a line that may begin a split echo
	cmd    *pending
	data   bool              // after a prompt or CONNECT: payload until a result
	echoes bool              // the data mode began at a prompt: the payload shown is the modem's echo
	last   *pending          // the command answered last, whose result may yet come as a URC
	sent   map[string]string // async command by result name, to name the URC
	recent [4]string         // last modem texts, to spot prints that repeat them
	next   int               // where the next of them goes in recent
	rec    record            // the record being classified
}

func newClassifier(sh shape, emit func(Entry) error) *classifier {
	return &classifier{emit: emit, shape: sh, copies: copyMarker{doubled: sh.doubled, copies: sh.copies}, sent: map[string]string{}}
}

// classify turns records into entries; for tests of the classifier.
func classify(recs []record) []Entry {
	var sh shape
	for _, r := range recs {
		sh.see(r)
	}
	var out []Entry
	c := newClassifier(sh, func(e Entry) error { out = append(out, e); return nil })
	for _, r := range recs {
		c.record(r)
	}
	c.finish()
	return out
}

// finish classifies and emits what is held back.
func (c *classifier) finish() {
	if c.hold != nil {
		h := *c.hold
		c.hold = nil
		c.classify(h)
	}
	c.flushHeld()
}

// record classifies one record. A line that may be the start of an
// echo split over lines waits for the next one to tell.
func (c *classifier) record(r record) {
	if c.hold != nil {
		h := *c.hold
		c.hold = nil
		if c.joinEcho(h, r) {
			return
		}
		c.classify(h)
	}
	if c.mayBeEchoPiece(r) {
		c.hold = &r
		return
	}
	c.classify(r)
}

// classify classifies one record, in routing order.
func (c *classifier) classify(r record) {
	c.copies.mark(&r)
	c.rec = r
	if c.continueEcho(r) {
		return
	}
	switch {
	case r.print:
		c.add(Entry{Kind: KindNoise, Text: r.text, Meaning: r.note})
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
			if s := strings.TrimSpace(text); isATLine(s) {
				// A command keeps its trailing spaces: the modem got them.
				c.atLine(strings.TrimLeft(text, " \t"))
				return
			}
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
	c.put(e)
	if e.Kind != KindNoise && e.Kind != KindData && e.Text != "" {
		c.recent[c.next%len(c.recent)] = e.Text
		c.next++
	}
}

// host classifies a line the host wrote: a command, or payload.
func (c *classifier) host(text string) {
	if c.data || !isATLine(strings.TrimSpace(text)) {
		c.add(Entry{Kind: KindData, Dir: Host, Text: text, Command: c.command()})
		return
	}
	c.start(strings.TrimLeft(text, " \t"), KindCommand, Host)
}

// start makes text the pending command.
func (c *classifier) start(text string, kind Kind, dir Dir) {
	c.last = nil
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
	case s == ">" && !c.data, strings.HasPrefix(s, ">") && c.asksPrompt() && !strings.HasPrefix(s, ">>"):
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
	case c.cmd != nil && !c.cmd.echoed && (sameCommand(c.cmd.text, s) || c.rec.dir == Modem):
		// The log says the modem sent it: the echo of what it was sent,
		// even where the poster edited one of the two copies.
		c.cmd.echoed = true
		c.add(Entry{Kind: KindEcho, Dir: Modem, Text: s, Command: c.cmd.text})
	default:
		c.start(s, KindEcho, Modem)
	}
}

// prompt classifies a data prompt and the payload typed on its line.
func (c *classifier) prompt(rest string) {
	c.add(Entry{Kind: KindPrompt, Dir: Modem, Text: ">", Command: c.command(), Meaning: codes.Explain(">", "")})
	c.data, c.echoes = true, true
	if rest == "" {
		return
	}
	payload, final := splitTrailingFinal(rest)
	c.add(Entry{Kind: KindData, Dir: c.dataDir(), Text: payload, Command: c.command()})
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
	c.add(Entry{Kind: KindData, Dir: c.dataDir(), Text: raw, Command: c.command()})
}

// result classifies a line outside data mode, in routing order.
func (c *classifier) result(s string) {
	if f, ok := codes.ParseFinal(s); ok {
		c.final(f)
		return
	}
	if c.cmd != nil && vendorOK().MatchString(s) {
		c.final(codes.Final{Kind: "OK", Code: -1, Text: s, Success: true})
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
	if c.cmd != nil && !c.cmd.quiet && !noResponse(c.cmd.text) {
		c.response(s)
		return
	}
	if isModemShaped(s) || isUnsolicitedShape(s) {
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
		c.data, c.echoes = true, false
		return
	}
	if c.cmd != nil && c.cmd.async && f.Success {
		c.sent[resultName(c.cmd.prefix)] = cmd
	}
	if c.cmd != nil && f.Success && !strings.HasSuffix(c.cmd.text, "?") {
		c.last = c.cmd // its result may yet come on its own
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
	if cmd == "" && c.last != nil && c.last.prefix != "" && resultName(c.last.prefix) == resultName(name+":") {
		cmd = c.last.text // the result of the command just answered OK
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

// asksPrompt reports whether a ">" now is a data prompt: a command is
// waiting for its answer, and it is one that can take data (it has
// parameters; AT or ATI never prompt).
func (c *classifier) asksPrompt() bool {
	return c.cmd != nil && !c.data && strings.Contains(c.cmd.text, "=")
}

// mayBeEchoPiece reports whether r may begin the echo of the pending
// command, cut short by the tool that logged it.
func (c *classifier) mayBeEchoPiece(r record) bool {
	return c.cmd != nil && !c.cmd.echoed && !c.data && unknownATLine(r) && isEchoPiece(c.cmd.text, r.text)
}

// joinEcho takes h and r as the first two pieces of a split echo when r
// continues h, and reports whether it did.
func (c *classifier) joinEcho(h, r record) bool {
	if r.dir != "" || r.print || r.text == "" {
		return false
	}
	start := strings.TrimLeft(h.text, " \t")
	joined := start + r.text
	if !strings.HasPrefix(strings.ToUpper(c.cmd.text), strings.ToUpper(joined)) {
		return false
	}
	c.copies.copy = nil
	c.rec = h
	c.add(Entry{Kind: KindEcho, Dir: Modem, Text: start, Command: c.cmd.text, Part: true})
	c.cmd.part = start
	return c.continueEcho(r)
}

// continueEcho takes r as the next piece of an echo split over lines,
// and reports whether it was one.
func (c *classifier) continueEcho(r record) bool {
	if c.cmd == nil || c.cmd.part == "" || r.dir == Host || r.print || r.text == "" {
		return false
	}
	joined := c.cmd.part + r.text
	if !strings.HasPrefix(strings.ToUpper(c.cmd.text), strings.ToUpper(joined)) {
		c.cmd.part, c.cmd.echoed = "", true // the echo was cut short for good
		return false
	}
	c.cmd.part = joined
	c.rec = r
	c.add(Entry{Kind: KindEcho, Dir: Modem, Text: r.text, Command: c.cmd.text, Part: true})
	if len(joined) == len(c.cmd.text) {
		c.cmd.part, c.cmd.echoed = "", true
	}
	return true
}

// dataDir is who produced a payload line of unknown origin: after a
// prompt the modem echoes what it takes, after CONNECT it echoes nothing,
// so the text is the host's.
func (c *classifier) dataDir() Dir {
	switch {
	case c.rec.dir != "":
		return c.rec.dir
	case c.echoes:
		return Modem
	}
	return Host
}
