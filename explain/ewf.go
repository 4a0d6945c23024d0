package explain

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/atrun/atrun/internal/lazyre"
)

// ewfLine is one line of the Azure EWF trace: [SEND][   3][AT\r].
var ewfLine = lazyre.New(`^\[([A-Z]+\^?)\]\[\s*(\d+)\]\[(.*)\]\s*$`)

// ewfReader turns an EWF trace into records. Host writes are gathered
// until their CR, or until the modem answers (a payload has no CR); the
// modem's bytes go through the framer, which may span several lines.
type ewfReader struct {
	emit     func(record)
	host     strings.Builder
	hostLine int
	modem    *framer
}

// ewfRecords reads an EWF trace. A line whose byte count is not the
// number of bytes it holds gets a note.
func ewfRecords(data string, emit func(record)) {
	r := &ewfReader{emit: emit, modem: newFramer(1, false)}
	eachLine(data, r.line)
	r.flushHost()
	r.emitAll(r.modem.flush())
}

func (r *ewfReader) emitAll(recs []record) {
	for _, rec := range recs {
		r.emit(rec)
	}
}

// line handles one line of the trace.
func (r *ewfReader) line(n int, l string) {
	m := ewfLine().FindStringSubmatch(l)
	if m == nil {
		r.flushHost()
		r.emitAll(r.modem.take(true))
		r.emit(record{line: n, text: l, print: strings.TrimSpace(l) != ""})
		return
	}
	data := unescape(m[3])
	if count, err := strconv.Atoi(m[2]); err != nil || count != len(data) {
		// An edited trace (an address masked by the poster): the bytes
		// are kept as they stand, and the line says so.
		r.emit(record{line: n, print: true, note: fmt.Sprintf("the trace says %s bytes but the line holds %d: edited by hand?", m[2], len(data))})
	}
	if m[1] == "SEND" {
		r.emitAll(r.modem.take(true))
		r.write(n, data)
		return
	}
	r.flushHost()
	r.modem.feed([]byte(data), n)
	r.emitAll(r.modem.take(false))
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
	r.emit(record{line: r.hostLine, dir: Host, text: r.host.String()})
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
