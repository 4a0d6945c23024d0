package engine

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// QFUPLChecksum is the checksum a Quectel modem reports after AT+QFUPL: the
// XOR of the data taken as big-endian 16-bit words, an odd last byte being
// the high byte of a final word.
func QFUPLChecksum(data []byte) uint16 {
	var sum uint16
	for i := 0; i < len(data); i += 2 {
		w := uint16(data[i]) << 8
		if i+1 < len(data) {
			w |= uint16(data[i+1])
		}
		sum ^= w
	}
	return sum
}

// FormatChecksum writes a checksum as the modem does: lowercase hex with no
// padding ("2d13", "372", "0").
func FormatChecksum(sum uint16) string { return strconv.FormatUint(uint64(sum), 16) }

// UploadFile uploads data as the file name (RAM:, UFS: or no prefix) with
// AT+QFUPL, and checks the size and checksum the modem reports against the
// data sent: a mismatch is an *UploadError. `+CME ERROR: 407` means the file
// exists (delete it with AT+QFDEL first); it is a *ModemError with Code 407.
// The modem is told to wait up to modemWait for the data (1 s at least).
func (c *Conn) UploadFile(ctx context.Context, name string, data []byte, modemWait time.Duration, opts ...Option) (*Response, error) {
	if strings.ContainsAny(name, "\"\r\n") {
		return nil, &CommandError{Command: name, Reason: "a file name cannot hold a double quote or a line end"}
	}
	secs := max(int(modemWait.Round(time.Second)/time.Second), 1)
	cmd := fmt.Sprintf("AT+QFUPL=%q,%d,%d", name, len(data), secs)
	resp, err := c.Upload(ctx, cmd, data, opts...)
	if err != nil {
		return resp, err
	}
	return resp, checkUpload(resp, data)
}

// checkUpload compares the `+QFUPL: <size>,<checksum>` line with the data.
// The checksum is compared as a number, so that padding or case could not
// make equal values differ.
func checkUpload(resp *Response, data []byte) error {
	want := &UploadError{Command: resp.Command, SentSize: len(data), SentChecksum: FormatChecksum(QFUPLChecksum(data))}
	v, ok := resp.Value("+QFUPL:")
	if !ok {
		return fmt.Errorf("%s: the modem answered %s without the +QFUPL: <size>,<checksum> line", resp.Command, resp.Final)
	}
	sizeText, sumText, _ := strings.Cut(v, ",")
	size, err1 := strconv.Atoi(strings.TrimSpace(sizeText))
	sum, err2 := strconv.ParseUint(strings.TrimSpace(sumText), 16, 16)
	if err1 != nil || err2 != nil {
		return fmt.Errorf("%s: cannot read the modem's +QFUPL: %s (want <size>,<hex checksum>)", resp.Command, v)
	}
	want.ModemSize, want.ModemCheck = size, strings.TrimSpace(sumText)
	if size != len(data) || uint16(sum) != QFUPLChecksum(data) {
		return want
	}
	return nil
}
