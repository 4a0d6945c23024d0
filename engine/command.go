package engine

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/atrun/atrun/engine/codes"
)

// command is the state of one command line on the wire: what it claims as
// its own, and what it has received so far.
type command struct {
	text   string // as written, without the CR
	shown  string // as shown in errors: secrets redacted
	prefix string // the response prefix it claims ("+CSQ:"), "" for none

	wantPrompt  bool // it waits for a `>` prompt (SendPrompt)
	wantConnect bool // CONNECT is not its end but the start of data mode (Upload, Download)
	download    bool // after CONNECT the modem sends data (Download)
	size        int  // the download's size when the caller knows it, else 0

	started     time.Time
	armed       bool // fully written (or echoed): its answers may end a wait
	echoed      bool
	shadowed    bool // an orphan took a final result while this command waited
	prompted    bool
	connected   bool
	connectLine string // the CONNECT that started data mode ("CONNECT 10")
	done        bool
	final       string
	result      result
	lines       []string
	data        []byte
}

// newCommand prepares text for sending. urcs tells which response prefixes
// are unsolicited codes: a write command (AT+QMTOPEN=...) answers OK and
// reports its outcome later as a URC of its own name, so it must not claim
// that name; read, test and execute forms (AT+QMTOPEN?, AT+CSQ) do.
func newCommand(text, shown string, urcs *urcTable) *command {
	c := &command{text: text, shown: shown}
	parsed, _ := codes.ParseCommand(text)
	if p := codes.ResponsePrefix(text); p != "" && !(parsed.Form == codes.Write && urcs.matches(p)) {
		c.prefix = p
	}
	return c
}

// owns reports whether f is this command's own: its echo, its response
// prefix, its final result, its prompt or its CONNECT.
func (c *command) owns(f Frame) bool {
	switch f.Kind {
	case Prompt:
		return c.wantPrompt && !c.prompted
	case Data:
		return c.connected && c.download
	}
	switch {
	case c.isEcho(f):
		return true
	case finalOf(f.Text) != notFinal:
		return true
	case c.prefix != "" && len(f.Text) >= len(c.prefix) && strings.EqualFold(f.Text[:len(c.prefix)], c.prefix):
		return true
	}
	return false
}

// isEcho reports whether f is the modem repeating the command.
func (c *command) isEcho(f Frame) bool {
	return !c.echoed && f.Kind == Line && f.Text == c.text
}

// take records one of the command's frames and tells what it did.
func (c *command) take(f Frame) (event takeEvent) {
	switch {
	case f.Kind == Prompt:
		c.prompted = true
		return tookPrompt
	case f.Kind == Data:
		c.data = append(c.data, f.Text...)
		return tookData
	case c.isEcho(f):
		c.echoed = true
		return tookEcho
	}
	switch r := finalOf(f.Text); {
	case r == connect && c.wantConnect && !c.connected:
		c.connected, c.connectLine = true, f.Text
		return tookConnect
	case r != notFinal:
		c.final, c.result, c.done = f.Text, r, true
		if r == connect {
			c.result = success
		}
		return tookFinal
	}
	c.lines = append(c.lines, f.Text)
	c.data = append(c.data, f.Data...)
	return tookLine
}

type takeEvent uint8

const (
	tookLine takeEvent = iota
	tookEcho
	tookPrompt
	tookConnect
	tookData
	tookFinal
)

// validate refuses, before anything is written, a command the modem would
// only answer with ERROR, or that would break the framing: typographic
// quotes (pasted from a web page; the modem only knows ASCII ") and control
// bytes (a CR would end the line early, Ctrl+Z or ESC would end a prompt).
func validate(text string) error {
	if text == "" {
		return &CommandError{Command: text, Reason: "the command is empty"}
	}
	if !utf8.ValidString(text) {
		return nil // raw bytes are the caller's business; only decode valid text
	}
	for i, r := range text {
		switch {
		case r == '“' || r == '”' || r == '‘' || r == '’' || r == '„' || r == '«' || r == '»':
			return &CommandError{Command: text, Reason: fmt.Sprintf("typographic quote %q at byte %d; the modem only accepts ASCII \" (0x22) and answers ERROR (replace every “ ” ‘ ’ with \")", r, i)}
		case r < 0x20 || r == 0x7f:
			return &CommandError{Command: text, Reason: fmt.Sprintf("control byte 0x%02x at byte %d; the engine adds the CR itself", r, i)}
		}
	}
	return nil
}

// Response is what a command received: its information lines and its final
// result.
type Response struct {
	Command string        // as sent, secrets redacted
	Lines   []string      // information lines, in order (echo excluded)
	Final   string        // the final result line: OK, ERROR, +CME ERROR: 10, ...
	Data    []byte        // bytes received after CONNECT (Download), or announced by a line (+QIRD: <n>)
	Elapsed time.Duration // from the first byte written to the final result
}

// Value returns the text after prefix of the first line that starts with it
// (`r.Value("+CSQ:")` -> "19,99"), with the spaces after the prefix removed.
func (r *Response) Value(prefix string) (string, bool) {
	for _, l := range r.Lines {
		if rest, ok := strings.CutPrefix(l, prefix); ok {
			return strings.TrimLeft(rest, " "), true
		}
	}
	return "", false
}
