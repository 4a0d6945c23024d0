package engine

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"
)

// A file that holds what would end a line, a command or a download early.
var awkwardFile = []byte("line 1\r\n> \r\nOK\r\n\x00\xff+QFDWL: 3,0\r\nOK\r\nend")

func TestDownloadFileExact(t *testing.T) {
	size := strconv.Itoa(len(awkwardFile))
	sum := FormatChecksum(QFUPLChecksum(awkwardFile))
	for _, chunk := range chunkSizes {
		t.Run(fmt.Sprint("chunk", chunk), func(t *testing.T) {
			c, _ := startFake(t, chunk, step{`AT+QFDWL="UFS:f.bin"` + "\r",
				"\r\nCONNECT\r\n" + string(awkwardFile) + "\r\n+QFDWL: " + size + "," + sum + "\r\n\r\nOK\r\n\r\n+QIND: \"csq\",20,99\r\n"})
			resp, err := c.DownloadFile(ctxT(t), "UFS:f.bin")
			if err != nil {
				t.Fatal(err)
			}
			if string(resp.Data) != string(awkwardFile) || resp.Final != "OK" {
				t.Fatalf("data %q final %q", resp.Data, resp.Final)
			}
			if u, err := c.WaitURC(ctxT(t), Prefix("+QIND:"), time.Second); err != nil || u.Text != `+QIND: "csq",20,99` {
				t.Fatalf("the URC after the download: %+v %v", u, err)
			}
		})
	}
}

func TestDownloadFileChecked(t *testing.T) {
	data := "hello"
	tests := []struct{ trailer, want string }{
		{"+QFDWL: 5,0\r\n", "checksum mismatch"},
		{"+QFDWL: 5,zz\r\n", "cannot read"},
		{"+QFDWL: 6,1234\r\n", "received 5 bytes but the modem sent 6"},
	}
	for _, tt := range tests {
		c, _ := startFake(t, 0, step{`AT+QFDWL="f"` + "\r", "\r\nCONNECT\r\n" + data + "\r\n" + tt.trailer + "\r\nOK\r\n"})
		_, err := c.DownloadFile(ctxT(t), "f")
		var de *DownloadError
		if !errors.As(err, &de) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%q: err = %v, want a *DownloadError saying %q", tt.trailer, err, tt.want)
		}
	}
}

func TestDownloads(t *testing.T) {
	body := "<html>\r\n> OK\r\n\x00</html>"
	tests := []struct {
		name  string
		cmd   string
		opts  []Option
		reply string
		data  string
		lines []string
	}{
		{"HTTP body", "AT+QHTTPREAD=80", []Option{Download()},
			"\r\nCONNECT\r\n" + body + "\r\nOK\r\n\r\n+QHTTPREAD: 0\r\n", body, nil},
		{"HTTP body of a known length holding CR LF OK CR LF", "AT+QHTTPREAD=80", []Option{DownloadSize(8)},
			"\r\nCONNECT\r\nA\r\nOK\r\nB\r\nOK\r\n", "A\r\nOK\r\nB", nil},
		{"socket read", "AT+QIRD=0,1500", nil,
			"\r\n+QIRD: 9\r\n> OK\r\n\x00\xff\r\n\r\nOK\r\n", "> OK\r\n\x00\xff\r", []string{"+QIRD: 9"}},
		{"socket read, download asked", "AT+QIRD=0,1500", []Option{Download()},
			"\r\n+QIRD: 2\r\nOK\r\n\r\nOK\r\n", "OK", []string{"+QIRD: 2"}},
		{"socket read, nothing there", "AT+QIRD=0,1500", []Option{Download()},
			"\r\n+QIRD: 0\r\n\r\nOK\r\n", "", []string{"+QIRD: 0"}},
		{"SSL read", "AT+QSSLRECV=1,100", nil,
			"\r\n+QSSLRECV: 4\r\n\r\n>\r\n\r\nOK\r\n", "\r\n>\r", []string{"+QSSLRECV: 4"}},
		{"file read announces its count", "AT+QFREAD=3000,6", []Option{Download()},
			"\r\nCONNECT 6\r\nOK\r\n\x00>\r\nOK\r\n", "OK\r\n\x00>", nil},
		{"a file read is a download without asking", "AT+QFREAD=3000,6", nil,
			"\r\nCONNECT 6\r\nOK\r\n\x00>\r\nOK\r\n", "OK\r\n\x00>", nil},
		{"an HTTP read is a download without asking", "AT+QHTTPREAD=80", nil,
			"\r\nCONNECT\r\n" + body + "\r\nOK\r\n\r\n+QHTTPREAD: 0\r\n", body, nil},
		{"the test form of a data command is not a download", "AT+QHTTPREAD=?", nil,
			"\r\n+QHTTPREAD: (1-65535)\r\n\r\nOK\r\n", "", []string{"+QHTTPREAD: (1-65535)"}},
	}
	for _, tt := range tests {
		for _, chunk := range chunkSizes {
			t.Run(fmt.Sprintf("%s/chunk%d", tt.name, chunk), func(t *testing.T) {
				c, _ := startFake(t, chunk, step{tt.cmd + "\r", tt.reply})
				resp, err := c.Send(ctxT(t), tt.cmd, tt.opts...)
				if err != nil {
					t.Fatal(err)
				}
				if string(resp.Data) != tt.data || resp.Final != "OK" || fmt.Sprint(resp.Lines) != fmt.Sprint(tt.lines) {
					t.Fatalf("data %q lines %q final %q", resp.Data, resp.Lines, resp.Final)
				}
			})
		}
	}
}

// Over a real pseudo-terminal, in one write from the modem as a UART
// delivers it: the file's bytes come back exact, and the command after it
// gets its own answer.
func TestPTYDownload(t *testing.T) {
	size := strconv.Itoa(len(awkwardFile))
	sum := FormatChecksum(QFUPLChecksum(awkwardFile))
	c, _ := startPTY(t,
		step{`AT+QFDWL="UFS:f.bin"` + "\r", "\r\nCONNECT\r\n" + string(awkwardFile) + "\r\n+QFDWL: " + size + "," + sum + "\r\n\r\nOK\r\n"},
		step{"AT+CSQ\r", "\r\n+CSQ: 19,99\r\n\r\nOK\r\n"},
	)
	resp, err := c.DownloadFile(ctxT(t), "UFS:f.bin")
	if err != nil || string(resp.Data) != string(awkwardFile) {
		t.Fatalf("%q %v", resp.Data, err)
	}
	if resp, err := c.Send(ctxT(t), "AT+CSQ"); err != nil || resp.Lines[0] != "+CSQ: 19,99" {
		t.Fatalf("%+v %v", resp, err)
	}
}
