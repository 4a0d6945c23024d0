package engine

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// ModemError is a command the modem answered with an error result: ERROR,
// +CME ERROR, +CMS ERROR, NO CARRIER, BUSY, NO ANSWER or NO DIALTONE.
type ModemError struct {
	Command string   // the command as sent, secrets redacted
	Result  string   // the final result line, e.g. "+CME ERROR: 407"
	Kind    string   // "ERROR", "CME", "CMS", "NO CARRIER", ...
	Code    int      // the numeric code of +CME/+CMS ERROR, or -1
	Meaning string   // the decoded meaning, "" when unknown
	Hint    string   // what to check, "" when there is nothing specific
	Lines   []string // information lines received before the result
}

func (e *ModemError) Error() string {
	msg := fmt.Sprintf("%s: modem answered %s", e.Command, e.Result)
	words := strings.TrimSpace(e.Result[strings.IndexByte(e.Result, ':')+1:])
	switch {
	case e.Meaning != "" && !strings.EqualFold(e.Meaning, words):
		msg += " (" + e.Meaning + ")"
	case e.Code >= 0 && words != strconv.Itoa(e.Code):
		// A verbose error (AT+CMEE=2): give the number it stands for.
		msg += fmt.Sprintf(" (error %d)", e.Code)
	}
	return msg
}

// TimeoutError is a wait that ran out of time.
type TimeoutError struct {
	Awaited  string        // what was awaited: a command, a prompt, a URC pattern
	After    time.Duration // how long it waited
	Received []byte        // what the modem sent meanwhile (the last bytes, if many)
	// Unsolicited is true for a wait for a URC or a frame the script
	// expects (WaitURC, Expect): one that may simply not have come, which
	// says nothing about the link.
	Unsolicited bool
}

func (e *TimeoutError) Error() string {
	if e.Unsolicited {
		msg := fmt.Sprintf("%s did not come within %v", e.Awaited, e.After)
		if len(e.Received) > 0 {
			msg += "; meanwhile the modem sent " + Escape(e.Received)
		}
		return msg
	}
	if len(e.Received) == 0 {
		return fmt.Sprintf("%s: no answer within %v (the modem sent nothing; check the port, the baud rate and that the modem is powered)", e.Awaited, e.After)
	}
	return fmt.Sprintf("%s: no answer within %v; the modem sent %s", e.Awaited, e.After, Escape(e.Received))
}

// Timeout reports true, for callers that test errors for a Timeout method.
func (e *TimeoutError) Timeout() bool { return true }

// PortError is a port that could not be opened, failed a read or a write, or
// vanished (a USB modem re-enumerating after a reset).
type PortError struct {
	Port string // the port as given: /dev/ttyUSB2, tcp://host:port, ...
	Op   string // "open", "read", "write"
	Err  error
}

func (e *PortError) Error() string {
	msg := fmt.Sprintf("port %s: %s: %v", e.Port, e.Op, e.Err)
	if hint := e.Hint(); hint != "" {
		msg += " (" + hint + ")"
	}
	return msg
}

func (e *PortError) Unwrap() error { return e.Err }

// Hint says what to check. It names no program or flag: the CLI adds
// its own advice (which subcommand lists the ports).
func (e *PortError) Hint() string {
	text := ""
	if e.Err != nil {
		text = strings.ToLower(e.Err.Error())
	}
	a, _ := ParsePort(e.Port)
	open := e.Op == "open"
	switch {
	case open && a.Scheme == SchemeTCP:
		return "check the address, and that the serial server (ser2net, in raw mode) listens there"
	case open && a.Scheme == SchemeRFC2217:
		return "check the address, and that the serial server (ser2net's telnet(rfc2217) accepter, a labgrid exporter) listens there"
	case a.Network():
		return "the serial server closed the connection: it stopped, lost the device, or another client took the port over"
	case open && strings.Contains(text, "permission denied"):
		return "no permission on the device: add your user to the dialout group (sudo usermod -aG dialout $USER, then log in again)"
	case open && (strings.Contains(text, "no such file") || strings.Contains(text, "not found")):
		return "no such device: check the name; a USB modem that is resetting is gone for a few seconds"
	case open && strings.Contains(text, "busy"):
		return "another program holds the port: close minicom, ModemManager or the other session"
	case open && strings.Contains(text, "no response after"):
		return "a USB modem that is resetting can hang an open; try again once it is back"
	case open:
		return ""
	}
	return "the device went away: a modem that resets re-enumerates on USB"
}

// AbortError is a wait failed by a line the script said must abort it (for
// example +QMTSTAT: while waiting for a publish result).
type AbortError struct {
	Awaited string // what the failed wait was for
	Line    string // the line that aborted it
	Meaning string // its decoded meaning, "" when unknown
}

func (e *AbortError) Error() string {
	msg := e.Line
	if e.Meaning != "" {
		msg += " (" + e.Meaning + ")"
	}
	return fmt.Sprintf("%s, while waiting for %s", msg, e.Awaited)
}

// CancelledError is a wait its context ended: Ctrl+C, or a time limit on
// the whole run.
type CancelledError struct {
	Awaited string
	Err     error // context.Canceled or context.DeadlineExceeded
}

func (e *CancelledError) Error() string {
	if errors.Is(e.Err, context.DeadlineExceeded) {
		return fmt.Sprintf("time limit reached while waiting for %s", e.Awaited)
	}
	return fmt.Sprintf("interrupted while waiting for %s", e.Awaited)
}

func (e *CancelledError) Unwrap() error { return e.Err }

// CommandError is a command refused before anything was written.
type CommandError struct {
	Command string
	Reason  string
}

func (e *CommandError) Error() string {
	return fmt.Sprintf("refusing to send %s: %s", Escape([]byte(e.Command)), e.Reason)
}

// UploadError is an upload whose size or checksum, as the modem reports
// them, differ from what was sent.
type UploadError struct {
	Command                  string
	SentSize, ModemSize      int
	SentChecksum, ModemCheck string
}

func (e *UploadError) Error() string {
	if e.SentSize != e.ModemSize {
		return fmt.Sprintf("%s: sent %d bytes but the modem stored %d (a byte was lost or added on the line: check flow control and the baud rate)", e.Command, e.SentSize, e.ModemSize)
	}
	return fmt.Sprintf("%s: checksum mismatch: sent data has %s, the modem computed %s (bytes were corrupted on the line: check flow control and the baud rate)", e.Command, e.SentChecksum, e.ModemCheck)
}

// ErrClosed is returned by operations on a closed Conn.
var ErrClosed = errors.New("connection closed")

// Escape renders bytes with control characters made visible: <CR>, <LF>,
// <SUB> (Ctrl+Z), <ESC>, and \xNN for other control or non-ASCII bytes.
func Escape(p []byte) string {
	var b strings.Builder
	for _, c := range p {
		switch {
		case c == '\r':
			b.WriteString("<CR>")
		case c == '\n':
			b.WriteString("<LF>")
		case c == 0x1a:
			b.WriteString("<SUB>")
		case c == 0x1b:
			b.WriteString("<ESC>")
		case c < 0x20 || c >= 0x7f:
			fmt.Fprintf(&b, "\\x%02x", c)
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}
