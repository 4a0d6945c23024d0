package transcript

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"
)

// ReadFile parses the transcript at path.
func ReadFile(path string) (*Transcript, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return Parse(data, path)
}

// Read parses a transcript from r; name is the file name used in messages.
func Read(r io.Reader, name string) (*Transcript, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	return Parse(data, name)
}

// Parse parses a transcript held in data; name is the file name used in
// messages. A transcript with no end event (a recording cut short) is valid.
// Errors are *FormatError or *VersionError.
func Parse(data []byte, name string) (*Transcript, error) {
	if name == "" {
		name = "transcript"
	}
	p := &parser{t: &Transcript{Name: name}, seen: map[string]int{}}
	// Some editors start a file with a byte order mark; it is not data.
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	for len(data) > 0 {
		p.line++
		var line []byte
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			line, data = data[:i], data[i+1:]
		} else {
			line, data = data, nil
		}
		// A checkout that turned LF into CRLF changes nothing: raw CRs
		// never appear inside quoted data.
		line = bytes.TrimSuffix(line, []byte("\r"))
		if err := p.parseLine(string(line)); err != "" {
			return nil, &FormatError{File: name, Line: p.line, Msg: err}
		}
		if p.versionErr != nil {
			return nil, p.versionErr
		}
	}
	if !p.sawMagic {
		return nil, &FormatError{File: name, Line: max(p.line, 1),
			Msg: fmt.Sprintf("not a transcript: no %q line", fmt.Sprintf("%s v%d", magic, Version))}
	}
	return p.t, nil
}

type parser struct {
	t          *Transcript
	line       int
	sawMagic   bool
	seen       map[string]int // header field or param name -> line
	last       time.Duration  // time of the previous event
	endLine    int            // line of the end event, 0 before it
	versionErr *VersionError
}

// parseLine handles one line and returns what is wrong with it, or "".
func (p *parser) parseLine(line string) string {
	line = strings.Trim(line, " \t")
	if line == "" || line[0] == '#' {
		return ""
	}
	word, rest := cut(line)
	switch {
	case !p.sawMagic:
		return p.parseMagic(word, rest)
	case '0' <= word[0] && word[0] <= '9':
		return p.parseEvent(word, rest)
	case len(p.t.Events) > 0:
		return fmt.Sprintf("header field %q after the first event", word)
	}
	return p.parseField(word, rest)
}

// cut splits off the first space-separated word.
func cut(s string) (word, rest string) {
	i := strings.IndexAny(s, " \t")
	if i < 0 {
		return s, ""
	}
	return s[:i], strings.TrimLeft(s[i:], " \t")
}

func (p *parser) parseMagic(word, rest string) string {
	want := fmt.Sprintf("%s v%d", magic, Version)
	if word != magic {
		return fmt.Sprintf("not a transcript: the first line must be %q", want)
	}
	v, extra := cut(rest)
	switch {
	case v == "":
		return fmt.Sprintf("missing format version: want %q", want)
	case extra != "":
		return fmt.Sprintf("unexpected %q after the format version", extra)
	}
	n, err := strconv.Atoi(strings.TrimPrefix(v, "v"))
	if err != nil || !strings.HasPrefix(v, "v") || !slices.Contains(supported(), n) || v != fmt.Sprintf("v%d", n) {
		p.versionErr = &VersionError{File: p.t.Name, Line: p.line, Found: v, Supported: supported()}
		return ""
	}
	p.sawMagic = true
	p.t.Header.Version = n
	return ""
}

func (p *parser) parseField(key, rest string) string {
	h := &p.t.Header
	seenKey := key
	if key == "param" {
		name, _ := cut(rest)
		seenKey = "param " + name
	}
	if first, dup := p.seen[seenKey]; dup {
		return fmt.Sprintf("%s given twice (first on line %d)", seenKey, first)
	}
	p.seen[seenKey] = p.line
	if rest == "" {
		return fmt.Sprintf("%s needs a value", key)
	}
	switch key {
	case "script":
		return plainField(&h.Script, key, rest)
	case "port":
		return plainField(&h.Port, key, rest)
	case "atrun":
		return plainField(&h.Atrun, key, rest)
	case "baud":
		n, err := strconv.Atoi(rest)
		if err != nil || n <= 0 || len(rest) > 10 {
			return fmt.Sprintf("baud %q is not a positive whole number", rest)
		}
		h.Baud = n
	case "resync":
		if rest != "on" {
			return fmt.Sprintf("resync %q: the only value is on", rest)
		}
		if h.Version < 2 {
			return fmt.Sprintf("resync needs format v2 (the version line says v%d)", h.Version)
		}
		h.Resync = true
	case "start":
		t, err := time.Parse(time.RFC3339Nano, rest)
		if err != nil {
			return fmt.Sprintf("start %q is not an RFC 3339 time such as 2026-03-02T09:15:04.250000Z", rest)
		}
		if !startInRange(t) {
			return fmt.Sprintf("start %q is outside the years 0000 to 9999 in UTC", rest)
		}
		// Event times have microsecond resolution; so has the start.
		h.Start = t.Truncate(timeUnit)
	case "param":
		name, value := cut(rest)
		if !validName(name) {
			return fmt.Sprintf("parameter name %q is not a word of letters, digits, _ . -", name)
		}
		if value == "" {
			return fmt.Sprintf("param %s needs a value", name)
		}
		v, err := parseText(value)
		if err != "" {
			return err
		}
		h.Params = append(h.Params, Param{Name: name, Value: v})
	default:
		return fmt.Sprintf("unknown header field %q (want script, port, baud, atrun, resync, start or param)", key)
	}
	return ""
}

// plainField parses a header value that is one quoted string.
func plainField(dst *string, key, rest string) string {
	v, err := parseText(rest)
	if err != "" {
		return err
	}
	if len(v.Holes) > 0 {
		return fmt.Sprintf("%s cannot hold a redacted span", key)
	}
	*dst = string(v.Bytes)
	return ""
}

func (p *parser) parseEvent(ts, rest string) string {
	at, err := parseTime(ts)
	if err != "" {
		return err
	}
	if p.endLine > 0 {
		return fmt.Sprintf("event after the end on line %d", p.endLine)
	}
	if at < p.last {
		return fmt.Sprintf("time %s is before the previous event's %s", ts, appendTime(nil, p.last))
	}
	p.last = at
	kind, data := cut(rest)
	e := Event{At: at, Line: p.line}
	switch kind {
	case "host":
		e.Kind = Host
	case "modem":
		e.Kind = Modem
	case "end":
		// An end may carry how the session ended: a word (v2) and the
		// run's message.
		if word, more := cut(data); data != "" && data[0] != '"' && data[0] != '<' {
			k, ok := endKind(word)
			switch {
			case !ok:
				return fmt.Sprintf("unknown end %q: want failed, interrupted, timeout or port-lost, or a quoted message", word)
			case p.t.Header.Version < 2:
				return fmt.Sprintf("end %s needs format v2 (the version line says v%d)", word, p.t.Header.Version)
			}
			e.EndKind, data = k, more
		}
		if data != "" {
			if e.Data, err = parseText(data); err != "" {
				return err
			}
		}
		e.Kind = End
		e.EndKind = e.Ending().Kind
		p.endLine = p.line
		p.t.Events = append(p.t.Events, e)
		return ""
	case "file":
		if p.t.Header.Version < 2 {
			return fmt.Sprintf("file events need format v2 (the version line says v%d)", p.t.Header.Version)
		}
		return p.parseFile(e, data)
	case "mark":
		if p.t.Header.Version < 3 {
			return fmt.Sprintf("mark events need format v3 (the version line says v%d)", p.t.Header.Version)
		}
		return p.parseMark(e, data)
	case "":
		return "event has no direction: want host, modem or end after the time"
	default:
		return fmt.Sprintf("unknown direction %q: want host, modem or end", kind)
	}
	if data == "" {
		return fmt.Sprintf("%s event has no data", kind)
	}
	if e.Data, err = parseText(data); err != "" {
		return err
	}
	if e.Data.IsEmpty() {
		return fmt.Sprintf("%s event carries no bytes", kind)
	}
	p.t.Events = append(p.t.Events, e)
	return ""
}

// parseFile reads the rest of a file event: the quoted name, then data,
// which may be empty (an empty file).
func (p *parser) parseFile(e Event, rest string) string {
	if rest == "" || rest[0] != '"' {
		return "file event needs a quoted file name"
	}
	var name []byte
	n, err := unquote(&name, rest)
	if err != "" {
		return err
	}
	if len(name) == 0 {
		return "file event has an empty file name"
	}
	e.Kind, e.Name = File, string(name)
	if e.Data, err = parseText(rest[n:]); err != "" {
		return err
	}
	p.t.Events = append(p.t.Events, e)
	return ""
}

// parseMark reads the rest of a mark event: its quoted name, alone.
func (p *parser) parseMark(e Event, rest string) string {
	if rest == "" || rest[0] != '"' {
		return "mark event needs a quoted name, such as \"drained\""
	}
	var name []byte
	n, err := unquote(&name, rest)
	if err != "" {
		return err
	}
	if len(name) == 0 {
		return "mark event has an empty name"
	}
	if more := strings.TrimLeft(rest[n:], " \t"); more != "" {
		return fmt.Sprintf("unexpected %q after the mark's name", more)
	}
	e.Kind, e.Name = Mark, string(name)
	p.t.Events = append(p.t.Events, e)
	return ""
}

// parseTime reads seconds with up to six decimals.
func parseTime(s string) (time.Duration, string) {
	whole, frac, dot := strings.Cut(s, ".")
	bad := len(whole) == 0 || len(whole) > 9 || !digits(whole) ||
		dot && (len(frac) == 0 || len(frac) > 6 || !digits(frac))
	if bad {
		return 0, fmt.Sprintf("bad time %q: want seconds since the start with up to six decimals, such as 12.003500", s)
	}
	sec, _ := strconv.ParseInt(whole, 10, 64)
	us := sec * 1e6
	if dot {
		f, _ := strconv.ParseInt(frac+strings.Repeat("0", 6-len(frac)), 10, 64)
		us += f
	}
	return time.Duration(us) * timeUnit, ""
}

func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// parseText reads a sequence of quoted strings and <redacted> tokens.
func parseText(s string) (Text, string) {
	var t Text
	for i := 0; i < len(s); {
		switch {
		case s[i] == ' ' || s[i] == '\t':
			i++
		case s[i] == '"':
			n, err := unquote(&t.Bytes, s[i:])
			if err != "" {
				return Text{}, err
			}
			i += n
		case strings.HasPrefix(s[i:], hole):
			t.addHole()
			i += len(hole)
		default:
			word, _ := cut(s[i:])
			return Text{}, fmt.Sprintf("unexpected %q: data is written as quoted strings and %s", word, hole)
		}
	}
	return t, ""
}

// unquote decodes the quoted string at the start of s, appending its bytes
// to dst, and returns how much of s it used. It accepts what appendQuoted
// writes and the other one-letter escapes of Go; it refuses raw control and
// non-ASCII bytes so that a file's bytes are always visible.
func unquote(dst *[]byte, s string) (int, string) {
	for i := 1; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"':
			return i + 1, ""
		case c < 0x20 || c >= 0x7f:
			return 0, fmt.Sprintf("raw byte 0x%02x in a quoted string: write it as \\x%02x", c, c)
		case c != '\\':
			*dst = append(*dst, c)
			continue
		}
		i++
		if i == len(s) {
			break
		}
		if b, ok := simpleEscape(s[i]); ok {
			*dst = append(*dst, b)
			continue
		}
		if s[i] != 'x' {
			return 0, fmt.Sprintf("unknown escape \\%s in a quoted string", s[i:i+1])
		}
		if i+2 >= len(s) || unhex(s[i+1]) < 0 || unhex(s[i+2]) < 0 {
			return 0, "\\x must be followed by two hex digits"
		}
		*dst = append(*dst, byte(unhex(s[i+1])<<4|unhex(s[i+2])))
		i += 2
	}
	return 0, "quoted string not closed before the end of the line"
}

func simpleEscape(c byte) (byte, bool) {
	switch c {
	case 'a':
		return '\a', true
	case 'b':
		return '\b', true
	case 'f':
		return '\f', true
	case 'n':
		return '\n', true
	case 'r':
		return '\r', true
	case 't':
		return '\t', true
	case 'v':
		return '\v', true
	case '\\', '"':
		return c, true
	}
	return 0, false
}

func unhex(c byte) int {
	switch {
	case '0' <= c && c <= '9':
		return int(c - '0')
	case 'a' <= c && c <= 'f':
		return int(c-'a') + 10
	case 'A' <= c && c <= 'F':
		return int(c-'A') + 10
	}
	return -1
}
