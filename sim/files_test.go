package sim

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"time"
)

// Vectors of reference §3.2 (derived from the algorithm, for unit tests).
func TestChecksumVectors(t *testing.T) {
	tests := []struct {
		data []byte
		want string
	}{
		{[]byte("A"), "4100"},
		{[]byte("AB"), "4142"},
		{[]byte("ABC"), "242"},
		{[]byte("hello"), "6b09"},
		{[]byte{0x01, 0x02, 0x03, 0x04}, "206"},
		{[]byte{0x12, 0x34, 0x12, 0x34}, "0"},
		{nil, "0"},
	}
	for _, tc := range tests {
		if got := ChecksumString(tc.data); got != tc.want {
			t.Errorf("checksum of % x = %s, want %s", tc.data, got, tc.want)
		}
	}
}

// amazonRootCA1 is the file a BG96 and an EC25 uploaded in logs 02/03 and
// reference §3.2 (+QFUPL: 1188,2d13). Debian ships it in ca-certificates.
const amazonRootCA1 = "/usr/share/ca-certificates/mozilla/Amazon_Root_CA_1.crt"

// The real modem printed +QFUPL: 1188,2d13 for this exact file (log 03).
func TestChecksumAmazonRootCA(t *testing.T) {
	data, err := os.ReadFile(amazonRootCA1)
	if err != nil {
		t.Skipf("Amazon Root CA 1 not installed: %v", err)
	}
	if len(data) != 1188 || ChecksumString(data) != "2d13" {
		t.Fatalf("got %d bytes, checksum %s; the modem printed 1188,2d13", len(data), ChecksumString(data))
	}
	h := newHarness(t, Options{})
	h.bootDone()
	h.echoOff()
	h.send(`AT+QFUPL="RAM:cacert.pem",1188,100` + "\r")
	h.expect("\r\nCONNECT\r\n")
	h.send(string(data))
	h.expect("\r\n+QFUPL: 1188,2d13\r\n\r\nOK\r\n")
}

func TestUpload(t *testing.T) {
	h := newHarness(t, Options{})
	h.bootDone()
	h.echoOff()
	payload := strings.Repeat("0123456789abcdef", 100) + "xyz" // odd length
	h.send(fmt.Sprintf(`AT+QFUPL="ca.pem",%d,5`, len(payload)) + "\r")
	h.expect("\r\nCONNECT\r\n")
	// The data arrives in pieces; CR, LF, Ctrl+Z inside are just data.
	h.send(payload[:7])
	h.send(payload[7:1000])
	h.send(payload[1000:])
	h.expect(fmt.Sprintf("\r\n+QFUPL: %d,%s\r\n\r\nOK\r\n", len(payload), ChecksumString([]byte(payload))))

	for _, tc := range []struct{ line, want string }{
		{`AT+QFUPL="ca.pem",10`, "\r\n+CME ERROR: 407\r\n"}, // exists (log 01)
		{`AT+QFUPL="UFS:ca.pem",10`, "\r\n+CME ERROR: 407\r\n"},
		{`AT+QFLST`, fmt.Sprintf("\r\n+QFLST: \"ca.pem\",%d\r\n\r\nOK\r\n", len(payload))},
		{`AT+QFLST="RAM:*"`, "\r\nOK\r\n"},
		{`AT+QFLST="nope.pem"`, "\r\n+CME ERROR: 405\r\n"},
		{`AT+QFDEL="nope.pem"`, "\r\n+CME ERROR: 405\r\n"},
		{`AT+QFDEL="ca.pem"`, "\r\nOK\r\n"},
		{`AT+QFLST`, "\r\nOK\r\n"},
		{`AT+QFDEL="*"`, "\r\nOK\r\n"},
		{`AT+QFUPL=""`, "\r\n+CME ERROR: 406\r\n"},
	} {
		if got := h.cmd(tc.line); got != tc.want {
			t.Errorf("%s: got %q, want %q", tc.line, got, tc.want)
		}
	}
}

// RAM: files are listed with their prefix and lost at reboot; UFS files stay.
func TestRAMFiles(t *testing.T) {
	h := newHarness(t, Options{})
	h.bootDone()
	h.echoOff()
	for _, name := range []string{"RAM:a.pem", "b.pem"} {
		h.send(fmt.Sprintf(`AT+QFUPL="%s",3`, name) + "\r")
		h.expect("\r\nCONNECT\r\n")
		h.send("abc")
		h.expect("\r\n+QFUPL: 3," + ChecksumString([]byte("abc")) + "\r\n\r\nOK\r\n")
	}
	if got := h.cmd(`AT+QFLST="RAM:*"`); got != "\r\n+QFLST: \"RAM:a.pem\",3\r\n\r\nOK\r\n" {
		t.Fatalf("RAM listing: %q", got)
	}
	h.send("AT+CFUN=1,1\r")
	h.expect("\r\nOK\r\n\r\nPOWERED DOWN\r\n")
	h.advance(0, 1)
	h.bootDone()
	h.echoOff()
	if got := h.cmd(`AT+QFLST="*"`); got != "\r\n+QFLST: \"b.pem\",3\r\n\r\nOK\r\n" {
		t.Fatalf("UFS after reboot: %q", got)
	}
	if got := h.cmd(`AT+QFLST="RAM:*"`); got != "\r\nOK\r\n" {
		t.Fatalf("RAM after reboot: %q", got)
	}
}

// Data that does not all come within <timeout>: +CME ERROR: 421, no file.
func TestUploadTimeout(t *testing.T) {
	h := newHarness(t, Options{})
	h.bootDone()
	h.echoOff()
	// ackmode 1, so the 'A' shows the modem has taken the first block
	// before time moves.
	h.send(`AT+QFUPL="slow.pem",2000,7,1` + "\r")
	h.expect("\r\nCONNECT\r\n")
	h.send(strings.Repeat("z", 1024))
	h.expect("A")
	h.advance(7*time.Second, 1)
	h.expect("\r\n+CME ERROR: 421\r\n")
	if got := h.cmd(`AT+QFLST="slow.pem"`); got != "\r\n+CME ERROR: 405\r\n" {
		t.Fatalf("a timed-out upload left a file: %q", got)
	}
}

// ackmode 1: one 'A' after every 1024 bytes received.
func TestUploadAckMode(t *testing.T) {
	h := newHarness(t, Options{})
	h.bootDone()
	h.echoOff()
	data := strings.Repeat("x", 2500)
	h.send(fmt.Sprintf(`AT+QFUPL="big.bin",%d,10,1`, len(data)) + "\r")
	h.expect("\r\nCONNECT\r\n")
	h.send(data[:1024])
	h.expect("A")
	h.send(data[1024:2048])
	h.expect("A")
	h.send(data[2048:])
	h.expect(fmt.Sprintf("\r\n+QFUPL: %d,%s\r\n\r\nOK\r\n", len(data), ChecksumString([]byte(data))))
}

// Bytes after the announced size go back to command mode.
func TestUploadThenCommandInOneWrite(t *testing.T) {
	h := newHarness(t, Options{})
	h.bootDone()
	h.echoOff()
	h.send(`AT+QFUPL="t.txt",2` + "\r")
	h.expect("\r\nCONNECT\r\n")
	h.send("hiAT+CSQ\r")
	h.expect("\r\n+QFUPL: 2," + ChecksumString([]byte("hi")) + "\r\n\r\nOK\r\n\r\n+CSQ: 24,99\r\n\r\nOK\r\n")
}
