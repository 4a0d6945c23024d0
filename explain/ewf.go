package explain

import (
	"regexp"
	"strconv"
	"strings"
)

// ewfLine is one line of the Azure EWF trace: [SEND][   3][AT\r].
var ewfLine = regexp.MustCompile(`^\[([A-Z]+\^?)\]\[\s*(\d+)\]\[(.*)\]\s*$`)

// ewfReader turns an EWF trace into records. Host writes are gathered
// until their CR, or until the modem answers (a payload has no CR); the
// modem's bytes go through the framer, which may span several lines.
type ewfReader struct {
	out      []record
	host     strings.Builder
	hostLine int
	modem    *framer
}

func ewfRecords(lines []string) []record {
	r := &ewfReader{modem: newFramer(1, false)}
	for i, l := range lines {
		r.line(i+1, l)
	}
	r.flushHost()
	r.out = append(r.out, r.modem.flush()...)
	return r.out
}

// line handles one line of the trace.
func (r *ewfReader) line(n int, l string) {
	m := ewfLine.FindStringSubmatch(l)
	if m == nil {
		r.flushHost()
		r.out = append(r.out, r.modem.take(true)...)
		r.out = append(r.out, record{line: n, text: l})
		return
	}
	data := unescape(m[3])
	if m[1] == "SEND" {
		r.out = append(r.out, r.modem.take(true)...)
		r.write(n, data)
		return
	}
	r.flushHost()
	r.modem.feed([]byte(data), n)
	r.out = append(r.out, r.modem.take(false)...)
}

// write adds host bytes, emitting a command at each CR.
func (r *ewfReader) write(n int, data string) {
	for _, c := range []byte(data) {
		if r.host.Len() == 0 {
			r.hostLine = n
		}
		if c == '\r' {
			r.flushHost()
			continue
		}
		if c != '\n' || r.host.Len() > 0 {
			r.host.WriteByte(c)
		}
	}
}

// flushHost emits the host bytes gathered so far as one record.
func (r *ewfReader) flushHost() {
	if r.host.Len() == 0 {
		return
	}
	r.out = append(r.out, record{line: r.hostLine, dir: Host, text: r.host.String()})
	r.host.Reset()
}

// unescape decodes the trace's escapes: \r \n \t \\ \" \0 and \xHH.
func unescape(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' || i+1 == len(s) {
			b.WriteByte(s[i])
			continue
		}
		i++
		switch s[i] {
		case 'r':
			b.WriteByte('\r')
		case 'n':
			b.WriteByte('\n')
		case 't':
			b.WriteByte('\t')
		case '0':
			b.WriteByte(0)
		case 'x':
			if v, err := strconv.ParseUint(s[i+1:min(i+3, len(s))], 16, 8); err == nil && i+3 <= len(s) {
				b.WriteByte(byte(v))
				i += 2
				continue
			}
			b.WriteString(`\x`)
		default:
			b.WriteByte(s[i])
		}
	}
	return b.String()
}
