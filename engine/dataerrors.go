package engine

import "fmt"

// DownloadError is a download whose bytes differ from what the modem says
// it sent (AT+QFDWL reports the size and checksum after the data).
type DownloadError struct {
	Command                    string
	Got, ModemSize             int
	GotChecksum, ModemChecksum string
	Reason                     string // set when the modem's report could not be read
}

func (e *DownloadError) Error() string {
	switch {
	case e.Reason != "":
		return fmt.Sprintf("%s: %s", e.Command, e.Reason)
	case e.Got != e.ModemSize:
		return fmt.Sprintf("%s: received %d bytes but the modem sent %d (bytes were lost or added on the line: check flow control and the baud rate)", e.Command, e.Got, e.ModemSize)
	}
	return fmt.Sprintf("%s: checksum mismatch: the data received has %s, the modem computed %s (bytes were corrupted on the line: check flow control and the baud rate)", e.Command, e.GotChecksum, e.ModemChecksum)
}
