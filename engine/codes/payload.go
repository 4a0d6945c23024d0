package codes

import (
	"strconv"
	"strings"
	"sync"
)

// Some answers and URCs carry bytes that are not lines: a payload whose
// length the line announces, or a text line that belongs to the line before
// it. A framer must read those bytes by their count, whatever they hold (a
// CR LF, a `>`, an OK, a NUL), or it would cut the payload into lines, take a
// `> ` in it for a prompt, or an `OK` in it for a final result. The functions
// below tell a framer where such bytes are; they look only at the line's
// head, so a framer may call them on a line it has not finished reading.

// MaxPayload bounds an announced length the framer will trust: a larger
// number is noise, not a payload (the modems' buffers are a few KB; a file
// read is at most what the file system holds).
const MaxPayload = 16 << 20

// InlinePayload recognises a line whose payload sits inside it, between
// quotes, after its announced length: `+QMTRECV: <client>,<msgid>,"<topic>",
// <len>,"<payload>"` (AT+QMTCFG="recv/mode",<client>,0,1, and the answer to
// AT+QMTRECV=<client>,<id> in buffer mode). It returns the offset of the
// payload's first byte in head and its length; head may stop anywhere after
// the payload's opening quote.
func InlinePayload(head string) (start, n int, ok bool) {
	rest, ok := cutPayloadName(head, "+QMTRECV:")
	if !ok {
		return ubloxInlinePayload(head)
	}
	s := scanner{s: rest}
	s.spaces()
	if !s.number() || !s.byte(',') || !s.number() || !s.byte(',') || !s.quoted() || !s.byte(',') {
		return 0, 0, false
	}
	return lengthThenPayload(&s, head, rest)
}

// lengthThenPayload reads the tail the inline-payload URCs share,
// <length>,"<payload>: the length, a comma and the payload's opening
// quote. start is where the payload begins in head; s scans rest, the
// line after its name.
func lengthThenPayload(s *scanner, head, rest string) (start, n int, ok bool) {
	lenAt := s.i
	if !s.number() {
		return 0, 0, false
	}
	n, err := strconv.Atoi(rest[lenAt:s.i])
	if err != nil || n > MaxPayload || !s.byte(',') || !s.byte('"') {
		return 0, 0, false
	}
	return len(head) - len(rest) + s.i, n, true
}

// PayloadAfter recognises a line whose payload follows it: n bytes right
// after the line's end (CR LF), then the modem's next line.
//
//	+QIRD: <n>                          AT+QIRD=<id>,<len> (TCP)
//	+QIRD: <n>,"<ip>",<port>            AT+QIRD (UDP)
//	+QSSLRECV: <n>                      AT+QSSLRECV=<id>,<len>
//	+QIURC: "recv",<id>,<n>[,...]       a socket in direct push mode
//	+QSSLURC: "recv",<id>,<n>           an SSL socket in direct push mode
//
// `+QIRD: <total>,<read>,<unread>` (AT+QIRD=<id>,0) and `+QIURC: "recv",<id>`
// (buffer mode) carry no payload, nor does a length of 0.
func PayloadAfter(line string) (n int, ok bool) {
	if len(line) < 7 || line[0] != '+' {
		return 0, false
	}
	var fields []string
	switch {
	case hasName(line, "+QIRD:"):
		fields = SplitPayloadHead(line)
		if len(fields) == 3 && !strings.HasPrefix(fields[1], `"`) {
			return 0, false // <total>,<read>,<unread>
		}
		if len(fields) != 1 && len(fields) != 3 {
			return 0, false
		}
		return count(fields[0])
	case hasName(line, "+QSSLRECV:"):
		if fields = SplitPayloadHead(line); len(fields) != 1 {
			return 0, false
		}
		return count(fields[0])
	case hasName(line, "+QIURC:"), hasName(line, "+QSSLURC:"):
		if fields = SplitPayloadHead(line); len(fields) < 3 || !strings.EqualFold(fields[0], `"recv"`) {
			return 0, false
		}
		return count(fields[2])
	}
	return simcomPayloadAfter(line)
}

// TakesNextLine recognises a URC whose next line is part of it: `+CMT:`
// (an SMS delivered to the terminal: its text, or its PDU in hex), `+CBM:`
// (a cell broadcast) and `+CDS: <length>` (a status report in PDU mode;
// in text mode +CDS: is one line).
func TakesNextLine(line string) bool {
	switch {
	case hasName(line, "+CMT:"), hasName(line, "+CBM:"):
		return true
	case hasName(line, "+CDS:"):
		f := SplitPayloadHead(line)
		return len(f) == 1 && isDigits(f[0])
	}
	return false
}

// SplitPayloadHead splits the fields of a `+NAME: a,b,...` line on commas
// outside quotes, keeping quotes; it allocates only the slice.
func SplitPayloadHead(line string) []string {
	i := strings.IndexByte(line, ':')
	if i < 0 {
		return nil
	}
	rest := strings.TrimSpace(line[i+1:])
	if rest == "" {
		return nil
	}
	var out []string
	start, quoted := 0, false
	for j := 0; j < len(rest); j++ {
		switch rest[j] {
		case '"':
			quoted = !quoted
		case ',':
			if !quoted {
				out = append(out, strings.TrimSpace(rest[start:j]))
				start = j + 1
			}
		}
	}
	return append(out, strings.TrimSpace(rest[start:]))
}

func count(s string) (int, bool) {
	if !isDigits(s) || len(s) > 9 {
		return 0, false
	}
	n, _ := strconv.Atoi(s)
	if n <= 0 || n > MaxPayload {
		return 0, false
	}
	return n, true
}

// hasName reports whether line starts with name ("+QIRD:"), in any case.
func hasName(line, name string) bool {
	return len(line) >= len(name) && strings.EqualFold(line[:len(name)], name)
}

func cutPayloadName(line, name string) (string, bool) {
	if !hasName(line, name) {
		return "", false
	}
	return line[len(name):], true
}

// scanner reads the head of a line one token at a time.
type scanner struct {
	s string
	i int
}

func (s *scanner) spaces() {
	for s.i < len(s.s) && s.s[s.i] == ' ' {
		s.i++
	}
}

func (s *scanner) byte(b byte) bool {
	if s.i < len(s.s) && s.s[s.i] == b {
		s.i++
		return true
	}
	return false
}

func (s *scanner) number() bool {
	start := s.i
	for s.i < len(s.s) && s.s[s.i] >= '0' && s.s[s.i] <= '9' {
		s.i++
	}
	return s.i > start && s.i-start <= 9
}

// quoted reads a "..." token; the text inside holds no quote.
func (s *scanner) quoted() bool {
	if !s.byte('"') {
		return false
	}
	end := strings.IndexByte(s.s[s.i:], '"')
	if end < 0 {
		return false
	}
	s.i += end + 1
	return true
}

// dataCommands() answer CONNECT and then send data rather than lines.
var dataCommands = sync.OnceValue(func() map[string]bool {
	return map[string]bool{
		"+QFDWL":     true, // a file: CONNECT, the bytes, +QFDWL: <size>,<checksum>, OK
		"+QFREAD":    true, // part of an open file: CONNECT <n>, n bytes, OK
		"+QHTTPREAD": true, // an HTTP body: CONNECT, the body, OK, then +QHTTPREAD: <err>
	}
})

// SendsData reports whether cmd's CONNECT starts data the modem sends
// (AT+QFDWL=..., AT+QFREAD=..., AT+QHTTPREAD[=...]), so that a framer reads
// it as data, not as lines.
func SendsData(cmd string) bool {
	c, ok := ParseCommand(cmd)
	return ok && dataCommands()[c.Name] && (c.Form == Write || c.Form == Exec)
}
