package engine

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"
)

func TestQFUPLChecksumVectors(t *testing.T) {
	tests := []struct {
		data []byte
		want string
	}{
		{[]byte("A"), "4100"},
		{[]byte("AB"), "4142"},
		{[]byte("ABC"), "242"},
		{[]byte("hello"), "6b09"},
		{[]byte{1, 2, 3, 4}, "206"},
		{[]byte{0x12, 0x34, 0x12, 0x34}, "0"},
		{nil, "0"},
	}
	for _, tt := range tests {
		if got := FormatChecksum(QFUPLChecksum(tt.data)); got != tt.want {
			t.Errorf("checksum(%q) = %s, want %s", tt.data, got, tt.want)
		}
	}
}

// The Amazon Root CA 1 PEM, as a modem reported it: 1188 bytes, 2d13.
func TestQFUPLChecksumRealCertificate(t *testing.T) {
	pem, err := os.ReadFile("/usr/share/ca-certificates/mozilla/Amazon_Root_CA_1.crt")
	if err != nil {
		t.Skip("Debian's ca-certificates is not installed:", err)
	}
	if len(pem) != 1188 || FormatChecksum(QFUPLChecksum(pem)) != "2d13" {
		t.Fatalf("size %d checksum %s, want 1188 2d13", len(pem), FormatChecksum(QFUPLChecksum(pem)))
	}
}

func TestUploadFile(t *testing.T) {
	data := []byte(strings.Repeat("-----BEGIN CERTIFICATE-----\n", 100) + "x") // odd length, several chunks
	sum := FormatChecksum(QFUPLChecksum(data))
	cmd := fmt.Sprintf("AT+QFUPL=\"RAM:ca.pem\",%d,60\r", len(data))
	for _, chunk := range []int{0, 1, 5} {
		t.Run(fmt.Sprint("chunk", chunk), func(t *testing.T) {
			c, m := startFake(t, chunk,
				step{cmd, "\r\nCONNECT\r\n"},
				step{string(data), fmt.Sprintf("\r\n+QFUPL: %d,%s\r\n\r\nOK\r\n", len(data), sum)},
			)
			var progress []int
			resp, err := c.UploadFile(ctxT(t), "RAM:ca.pem", data, time.Minute, ChunkSize(1000), Progress(func(sent, total int) {
				if total != len(data) {
					t.Errorf("total %d", total)
				}
				progress = append(progress, sent)
			}))
			if err != nil {
				t.Fatal(err)
			}
			if resp.Final != "OK" || len(progress) != 3 || progress[2] != len(data) {
				t.Fatalf("resp %+v progress %v", resp, progress)
			}
			m.Finished(t)
		})
	}
}

func TestUploadFileExists(t *testing.T) {
	c, m := startFake(t, 2, step{"AT+QFUPL=\"ca.pem\",3,5\r", "AT+QFUPL=\"ca.pem\",3,5\r\r\n+CME ERROR: 407\r\n"})
	_, err := c.UploadFile(ctxT(t), "ca.pem", []byte("abc"), 5*time.Second)
	var me *ModemError
	if !errors.As(err, &me) || me.Code != 407 {
		t.Fatalf("err = %v", err)
	}
	m.Finished(t)
	if m.Wrote() != "AT+QFUPL=\"ca.pem\",3,5\r" {
		t.Fatalf("data was sent after 407: %q", m.Wrote())
	}
}

func TestUploadFileMismatch(t *testing.T) {
	tests := []struct {
		name  string
		reply string
		want  string
	}{
		{"checksum", "\r\n+QFUPL: 3,6163\r\n\r\nOK\r\n", "checksum"},
		{"size", "\r\n+QFUPL: 2,6162\r\n\r\nOK\r\n", "stored 2"},
		{"equal", "\r\n+QFUPL: 3,262\r\n\r\nOK\r\n", ""},
		{"zero-padded but equal", "\r\n+QFUPL: 3,0262\r\n\r\nOK\r\n", ""},
		{"no result line", "\r\nOK\r\n", "without the +QFUPL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, _ := startFake(t, 0, step{"AT+QFUPL=\"f\",3,5\r", "\r\nCONNECT\r\n"}, step{"abc", tt.reply})
			_, err := c.UploadFile(ctxT(t), "f", []byte("abc"), 5*time.Second)
			if tt.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want it to mention %q", err, tt.want)
			}
			var ue *UploadError
			if tt.name != "no result line" && !errors.As(err, &ue) {
				t.Fatalf("err %T is not *UploadError", err)
			}
		})
	}
}

func TestExpectDataAfterConnect(t *testing.T) {
	c, _ := startFake(t, 1, step{"AT+QFDWL=\"f\"\r", "\r\nCONNECT\r\nab\r\nOK\r\n+QFDWL: 6,2323\r\n\r\nOK\r\n"})
	resp, err := c.Send(ctxT(t), `AT+QFDWL="f"`, ExpectData(6))
	if err != nil {
		t.Fatal(err)
	}
	if string(resp.Data) != "ab\r\nOK" || len(resp.Lines) != 1 || resp.Lines[0] != "+QFDWL: 6,2323" {
		t.Fatalf("resp %+v", resp)
	}
}
