package engine

import (
	"bytes"
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/atrun/atrun/engine/codes"
)

// Download makes the command's CONNECT the start of data the modem sends:
// the bytes up to the data's end are returned, exact, in Response.Data, and
// the lines after them (+QFDWL: <size>,<checksum>, OK) as usual. Commands
// known to send data (AT+QFDWL, AT+QFREAD, AT+QHTTPREAD: see
// codes.SendsData) are downloads without it. Where the data ends:
//
//   - after n bytes when the CONNECT says so (`CONNECT <n>`, AT+QFREAD), or
//     the caller does (DownloadSize);
//   - for AT+QFDWL, before the `+QFDWL: <size>,<checksum>` line whose size
//     is the count of the bytes before it;
//   - otherwise before the `CR LF OK CR LF` that ends the command (AT+QHTTPREAD).
//
// Answers that announce their length on a line (`+QIRD: <n>`,
// `+QSSLRECV: <n>`) need no option: their bytes always go to Response.Data.
func Download() Option { return func(o *options) { o.download = true } }

// DownloadSize is Download with the data's size known (an HTTP body's
// length from +QHTTPGET: 0,200,<length>): exactly n bytes are read after
// CONNECT, whatever they hold.
func DownloadSize(n int) Option { return func(o *options) { o.download, o.size = true, n } }

// startDownload tells the framer where the data after cmd's CONNECT ends.
// Called with c.mu held, from route, so it applies to the next byte.
func (c *Conn) startDownload(cmd *command) {
	d := download{n: cmd.size}
	if d.n <= 0 {
		d.n, _ = codes.ConnectCount(cmd.connectLine)
	}
	if d.n <= 0 {
		if isQFDWL(cmd.text) {
			d.end = qfdwlEnd
		} else {
			d.end = okEnd
		}
	}
	c.fr.startDownload(d)
}

var crlfOK = []byte("\r\nOK\r\n")

// okEnd finds the data's end before the CR LF OK CR LF that ends the
// command (Quectel's HTTP application note frames a body so).
func okEnd(buf []byte) (int, bool) {
	if bytes.HasSuffix(buf, crlfOK) {
		return len(buf) - len(crlfOK), true
	}
	return 0, false
}

// qfdwlEnd finds the data's end before a `+QFDWL: <size>,<checksum>` line
// (sent after CR LF) whose size counts exactly the bytes before it, so that
// the same text inside a file is not taken for the end. A report that does
// not count the bytes received (bytes lost on the line) or cannot be read
// still ends the data once the OK after it has come, so that CheckDownload
// can say what differs. (A file holding such a report, followed by an empty
// line and OK, would end the data early; the size check then fails, so it
// is never silent.)
func qfdwlEnd(buf []byte) (int, bool) {
	if start, ok := lastLineStart(buf, "+QFDWL:"); ok {
		size, _, ok := parseQFDWL(string(trimLineEnd(buf[start:])))
		switch {
		case !ok:
		case start >= 2 && string(buf[start-2:start]) == "\r\n" && start-2 == size:
			return start - 2, true
		case start == size:
			return start, true
		}
	}
	// The report as the modem frames it: CR LF +QFDWL: ... CR LF CR LF OK CR LF.
	rest, ok := bytes.CutSuffix(buf, []byte("\r\n\r\nOK\r\n"))
	if !ok {
		return 0, false
	}
	start, ok := lastLineStart(append(rest[:len(rest):len(rest)], '\n'), "+QFDWL:")
	if !ok {
		return 0, false
	}
	if start >= 2 && string(buf[start-2:start]) == "\r\n" {
		return start - 2, true
	}
	return start, true
}

// lastLineStart returns where the last line of buf (which ends in LF)
// starts, if it starts with prefix.
func lastLineStart(buf []byte, prefix string) (int, bool) {
	body := trimLineEnd(buf)
	start := bytes.LastIndexByte(body, '\n') + 1
	return start, bytes.HasPrefix(body[start:], []byte(prefix))
}

func trimLineEnd(b []byte) []byte {
	return bytes.TrimSuffix(bytes.TrimSuffix(b, []byte("\n")), []byte("\r"))
}

// parseQFDWL reads `+QFDWL: <size>,<checksum>`.
func parseQFDWL(line string) (size int, sum uint16, ok bool) {
	v, found := strings.CutPrefix(line, "+QFDWL:")
	if !found {
		return 0, 0, false
	}
	sizeText, sumText, found := strings.Cut(strings.TrimSpace(v), ",")
	n, err1 := strconv.Atoi(strings.TrimSpace(sizeText))
	s, err2 := strconv.ParseUint(strings.TrimPrefix(strings.ToLower(strings.TrimSpace(sumText)), "0x"), 16, 16)
	if !found || err1 != nil || err2 != nil || n < 0 {
		return 0, 0, false
	}
	return n, uint16(s), true
}

// DownloadFile reads the file name (RAM:, UFS: or no prefix) with AT+QFDWL
// and checks its size and checksum against the `+QFDWL: <size>,<checksum>`
// line the modem sends after the data: a mismatch is a *DownloadError. The
// data is in Response.Data.
func (c *Conn) DownloadFile(ctx context.Context, name string, opts ...Option) (*Response, error) {
	if strings.ContainsAny(name, "\"\r\n") {
		return nil, &CommandError{Command: name, Reason: "a file name cannot hold a double quote or a line end"}
	}
	return c.Send(ctx, fmt.Sprintf("AT+QFDWL=%q", name), append([]Option{Download()}, opts...)...)
}

func isQFDWL(cmd string) bool {
	return strings.EqualFold(codes.ResponsePrefix(cmd), "+QFDWL:")
}

// CheckDownload compares the data of an AT+QFDWL answer with the size and
// checksum the modem reported after it.
func CheckDownload(resp *Response) error {
	v, ok := resp.Value("+QFDWL:")
	if !ok {
		return &DownloadError{Command: resp.Command, Got: len(resp.Data), Reason: "the modem answered " + resp.Final + " without the +QFDWL: <size>,<checksum> line"}
	}
	size, sum, ok := parseQFDWL("+QFDWL: " + v)
	if !ok {
		return &DownloadError{Command: resp.Command, Got: len(resp.Data), Reason: "cannot read the modem's +QFDWL: " + v + " (want <size>,<hex checksum>)"}
	}
	e := &DownloadError{Command: resp.Command, Got: len(resp.Data), ModemSize: size,
		GotChecksum: FormatChecksum(QFUPLChecksum(resp.Data)), ModemChecksum: FormatChecksum(sum)}
	if size != len(resp.Data) || sum != QFUPLChecksum(resp.Data) {
		return e
	}
	return nil
}
