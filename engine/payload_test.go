package engine

import (
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/atrun/atrun/engine/tap"
	"github.com/atrun/atrun/engine/transcript"
)

// framesData is frames with each line's attached data shown after a "|".
func framesData(f *framer, chunks ...string) []string {
	var out []string
	for _, c := range chunks {
		f.feed([]byte(c), func(fr Frame) {
			s := fr.Kind.String() + ":" + fr.Text
			if fr.Data != "" {
				s += "|" + fr.Data
			}
			out = append(out, s)
		})
	}
	return out
}

// Payloads hold what would otherwise end a line, make a prompt or end a
// command: CR LF, "> ", OK, NUL. Each is read by its count, on every split.
func TestFramerPayloadsByLength(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []string
	}{
		{"QMTRECV payload with CRLF and a prompt", "\r\n\r\n+QMTRECV: 0,0,\"d\",9,\"hi\r\n> you\"\r\n\r\n",
			[]string{"line:+QMTRECV: 0,0,\"d\",9,\"hi\r\n> you\""}},
		{"QMTRECV payload with OK and NUL", "\r\n+QMTRECV: 1,7,\"a/b\",9,\"\r\nOK\r\n\x00\"\"\r\nOK\r\n",
			[]string{"line:+QMTRECV: 1,7,\"a/b\",9,\"\r\nOK\r\n\x00\"\"", "line:OK"}},
		{"QMTRECV payload ending in CR", "+QMTRECV: 0,1,\"t\",3,\"ab\r\"\r\n",
			[]string{"line:+QMTRECV: 0,1,\"t\",3,\"ab\r\""}},
		{"QMTRECV without length is a line", "+QMTRECV: 0,1,\"t\",\"a\"\r\n",
			[]string{"line:+QMTRECV: 0,1,\"t\",\"a\""}},
		{"QIRD data", "\r\n+QIRD: 9\r\nOK\r\n> \x00\r\n\r\n\r\nOK\r\n",
			[]string{"line:+QIRD: 9|OK\r\n> \x00\r\n", "line:OK"}},
		{"QIRD UDP data", "\r\n+QIRD: 4,\"10.0.0.1\",5000\r\n\r\n>\r\n\r\nOK\r\n",
			[]string{"line:+QIRD: 4,\"10.0.0.1\",5000|\r\n>\r", "line:OK"}},
		{"QIRD query carries no data", "\r\n+QIRD: 10,4,6\r\n\r\nOK\r\n",
			[]string{"line:+QIRD: 10,4,6", "line:OK"}},
		{"QIRD nothing to read", "\r\n+QIRD: 0\r\n\r\nOK\r\n",
			[]string{"line:+QIRD: 0", "line:OK"}},
		{"QSSLRECV data", "\r\n+QSSLRECV: 5\r\nOK\r\n\r\n\r\nOK\r\n",
			[]string{"line:+QSSLRECV: 5|OK\r\n\r", "line:OK"}},
		{"socket push URC", "\r\n+QIURC: \"recv\",0,4\r\n> OK\r\n",
			[]string{"line:+QIURC: \"recv\",0,4|> OK"}},
		{"socket buffer-mode URC carries none", "\r\n+QIURC: \"recv\",0\r\n",
			[]string{"line:+QIURC: \"recv\",0"}},
		{"SMS with its text line", "\r\n+CMT: \"+4912345\",,\"24/01/01,10:00:00+04\"\r\n> OK see you\r\n",
			[]string{"line:+CMT: \"+4912345\",,\"24/01/01,10:00:00+04\"|> OK see you"}},
		{"status report PDU", "\r\n+CDS: 25\r\n0791947106004034\r\n",
			[]string{"line:+CDS: 25|0791947106004034"}},
		{"status report text mode is one line", "\r\n+CDS: 6,1,\"+49\",145\r\n",
			[]string{"line:+CDS: 6,1,\"+49\",145"}},
	}
	for _, tt := range tests {
		for _, chunks := range splits(tt.in) {
			var f framer
			if got := framesData(&f, chunks...); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("%s, split %q:\n got %q\nwant %q", tt.name, chunks, got, tt.want)
			}
		}
	}
}

func TestFramerDownloadEnds(t *testing.T) {
	file := "x\r\n+QFDWL: 9,0\r\nOK\r\n\x00>" // holds a false trailer
	sum := FormatChecksum(QFUPLChecksum([]byte(file)))
	size := strconv.Itoa(len(file))
	tests := []struct {
		name string
		d    download
		in   string
		want []string
	}{
		{"QFDWL ends at the trailer that counts the data", download{end: qfdwlEnd},
			"\r\nCONNECT\r\n" + file + "\r\n+QFDWL: " + size + "," + sum + "\r\n\r\nOK\r\n",
			[]string{"line:CONNECT", "data:" + file, "line:+QFDWL: " + size + "," + sum, "line:OK"}},
		{"HTTP body ends at CR LF OK CR LF", download{end: okEnd},
			"\r\nCONNECT\r\n<p>\r\n> hi\x00</p>\r\nOK\r\n\r\n+QHTTPREAD: 0\r\n",
			[]string{"line:CONNECT", "data:<p>\r\n> hi\x00</p>", "line:OK", "line:+QHTTPREAD: 0"}},
		{"counted", download{n: 4},
			"\r\nCONNECT 4\r\nOK\r\n\r\nOK\r\n",
			[]string{"line:CONNECT 4", "data:OK\r\n", "line:OK"}},
	}
	for _, tt := range tests {
		for _, chunks := range splits(tt.in) {
			var f framer
			var got []string
			for _, c := range chunks {
				f.feed([]byte(c), func(fr Frame) {
					if fr.Kind == Line && strings.HasPrefix(fr.Text, "CONNECT") {
						f.startDownload(tt.d)
					}
					got = append(got, fr.Kind.String()+":"+fr.Text)
				})
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("%s, split %q:\n got %q\nwant %q", tt.name, chunks, got, tt.want)
			}
		}
	}
}

// The transcript: a fixed-length publish while a message whose
// payload holds "\r\n> " arrives. The payload must be written after the
// real prompt (0.5 s), and the URC must carry all 9 bytes.
const promptInPayload = `atrun-transcript v1
start 2026-03-02T09:15:04Z

0.000000 host  "AT+QMTPUB=0,0,0,0,\"t\",2\r"
0.010000 modem "\r\n\r\n+QMTRECV: 0,0,\"d\",9,\"hi\r\n> you\"\r\n\r\n"
0.500000 modem "\r\n> "
0.510000 host  "ok"
0.520000 modem "\r\nOK\r\n\r\n+QMTPUB: 0,0,0\r\n"
0.530000 end
`

func TestPromptInsidePayloadReplays(t *testing.T) {
	tr, err := transcript.Parse([]byte(promptInPayload), "prompt.atr")
	if err != nil {
		t.Fatal(err)
	}
	for _, chunk := range []int{1, 3, 7, 64} {
		rp := transcript.NewReplay(tr, transcript.Options{Chunk: chunk})
		clk := rp.Clock()
		clk.Busy() // this goroutine is the script (see the transcript package)
		var mu sync.Mutex
		var wroteAt time.Duration = -1
		c := New(rp, Config{Name: "replay", Clock: clk, Tap: tap.Func(func(d tap.Dir, at time.Time, p []byte) {
			mu.Lock()
			defer mu.Unlock()
			if d == tap.ToModem && string(p) == "ok" {
				wroteAt = at.Sub(tr.Header.Start)
			}
		})})
		resp, err := c.SendPrompt(ctxT(t), `AT+QMTPUB=0,0,0,0,"t",2`, []byte("ok"), FixedLength())
		if err != nil || resp.Final != "OK" {
			t.Fatalf("chunk %d: %+v %v", chunk, resp, err)
		}
		mu.Lock()
		at := wroteAt
		mu.Unlock()
		if at < 500*time.Millisecond {
			t.Errorf("chunk %d: payload written at %v, before the real prompt at 0.5s", chunk, at)
		}
		u, err := c.WaitURC(ctxT(t), Prefix("+QMTRECV:"), time.Second)
		if err != nil || u.Text != "+QMTRECV: 0,0,\"d\",9,\"hi\r\n> you\"" {
			t.Errorf("chunk %d: URC %q %v", chunk, u.Text, err)
		}
		if err := rp.Finish(); err != nil {
			t.Errorf("chunk %d: %v", chunk, err)
		}
		clk.Idle()
		c.Close()
	}
}

// Over a real pseudo-terminal: the message with a prompt in its payload
// arrives before the real prompt; the payload is written only after it.
func TestPTYPromptInsidePayload(t *testing.T) {
	urc := "\r\n\r\n+QMTRECV: 0,0,\"d\",9,\"hi\r\n> you\"\r\n\r\n"
	master, path := enginetestPTY(t)
	var mu sync.Mutex
	var read strings.Builder
	var readBeforeWrite string
	m := enginetestRun(t, master,
		step{"AT+QMTPUB=0,0,0,0,\"t\",2\r", urc},
		step{"", "\r\n> "},
		step{"ok", "\r\nOK\r\n\r\n+QMTPUB: 0,0,0\r\n"},
	)
	port, err := Open(ctxT(t), path, SerialConfig{Baud: 115200})
	if err != nil {
		t.Fatal(err)
	}
	c := New(port, Config{Name: path, Tap: tap.Func(func(d tap.Dir, _ time.Time, p []byte) {
		mu.Lock()
		defer mu.Unlock()
		switch {
		case d == tap.FromModem:
			read.Write(p)
		case string(p) == "ok":
			readBeforeWrite = read.String()
		}
	})})
	defer c.Close()
	if _, err := c.SendPrompt(ctxT(t), `AT+QMTPUB=0,0,0,0,"t",2`, []byte("ok"), FixedLength()); err != nil {
		t.Fatal(err)
	}
	m.Finished(t)
	mu.Lock()
	got := readBeforeWrite
	mu.Unlock()
	if got != urc+"\r\n> " {
		t.Errorf("the payload was written after the modem sent %q; want it after the real prompt", got)
	}
	u, err := c.WaitURC(ctxT(t), Prefix("+QMTRECV:"), time.Second)
	if err != nil || !strings.HasSuffix(u.Text, "9,\"hi\r\n> you\"") {
		t.Errorf("URC %q %v", u.Text, err)
	}
}
