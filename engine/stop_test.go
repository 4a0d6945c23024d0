package engine

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

// Ctrl+C in the middle of an upload: the modem counts the declared bytes,
// so the engine sends the rest before it gives up, and the next command
// gets its own answer rather than being taken for file data.
func TestInterruptedUploadLeavesCommandMode(t *testing.T) {
	data := strings.Repeat("0123456789", 10)
	cmd := `AT+QFUPL="RAM:x.txt",100,10`
	sum := FormatChecksum(QFUPLChecksum([]byte(data)))
	for _, chunk := range chunkSizes {
		c, m := startFake(t, chunk,
			step{cmd + "\r", "\r\nCONNECT\r\n"},
			step{data, "\r\n+QFUPL: 100," + sum + "\r\n\r\nOK\r\n"},
			step{"AT\r", "AT\r\r\nOK\r\n"},
		)
		ctx, cancel := context.WithCancel(ctxT(t))
		_, err := c.Upload(ctx, cmd, []byte(data), ChunkSize(8), Progress(func(sent, _ int) {
			if sent >= 16 {
				cancel() // Ctrl+C after two chunks
			}
		}))
		var ce *CancelledError
		if !errors.As(err, &ce) {
			t.Fatalf("chunk %d: err = %v, want a *CancelledError", chunk, err)
		}
		resp, err := c.Send(ctxT(t), "AT", Timeout(2*time.Second))
		if err != nil || resp.Final != "OK" {
			t.Fatalf("chunk %d: the next command got %+v %v", chunk, resp, err)
		}
		if got := m.Wrote(); got != cmd+"\r"+data+"AT\r" {
			t.Fatalf("chunk %d: host wrote %q", chunk, got)
		}
	}
}

// Interrupted before the CONNECT came: the modem still enters data mode,
// so the engine waits for it briefly and sends the data.
func TestUploadInterruptedBeforeConnect(t *testing.T) {
	cmd := `AT+QFUPL="RAM:y.txt",5,10`
	c, m := startFake(t, 0,
		step{cmd + "\r", ""},
		step{"hello", "\r\n+QFUPL: 5,6b09\r\n\r\nOK\r\n"},
		step{"AT\r", "\r\nOK\r\n"},
	)
	ctx, cancel := context.WithCancel(ctxT(t))
	go func() {
		m.WaitWrote(t, cmd+"\r")
		cancel()
		m.Send("\r\nCONNECT\r\n")
	}()
	_, err := c.Upload(ctx, cmd, []byte("hello"))
	var ce *CancelledError
	if !errors.As(err, &ce) {
		t.Fatalf("err = %v, want a *CancelledError", err)
	}
	if resp, err := c.Send(ctxT(t), "AT", Timeout(2*time.Second)); err != nil || resp.Final != "OK" {
		t.Fatalf("the next command got %+v %v", resp, err)
	}
}

// An abort line while the upload waits for CONNECT fails it, but the modem
// still gets its bytes.
func TestUploadAbortedBeforeConnect(t *testing.T) {
	cmd := `AT+QFUPL="RAM:z.txt",2,10`
	c, m := startFake(t, 0,
		step{cmd + "\r", "\r\n+QMTSTAT: 0,1\r\n\r\nCONNECT\r\n"},
		step{"ab", "\r\n+QFUPL: 2,6162\r\n\r\nOK\r\n"},
		step{"AT\r", "\r\nOK\r\n"},
	)
	remove := c.AbortOn(Prefix("+QMTSTAT:"))
	defer remove()
	_, err := c.Upload(ctxT(t), cmd, []byte("ab"))
	var ae *AbortError
	if !errors.As(err, &ae) {
		t.Fatalf("err = %v, want an *AbortError", err)
	}
	if resp, err := c.Send(ctxT(t), "AT", Timeout(2*time.Second)); err != nil || resp.Final != "OK" {
		t.Fatalf("the next command got %+v %v (host wrote %q)", resp, err, m.Wrote())
	}
}

// An abort line fails the command under way when it comes before the
// command's answer, even in the same read as that answer (the upload
// above); one that comes after the answer leaves the command's success
// alone and fails the next wait instead.
func TestAbortAfterTheAnswerFailsTheNextWait(t *testing.T) {
	for _, chunk := range chunkSizes {
		c, _ := startFake(t, chunk, step{"AT+CSQ\r", "\r\n+CSQ: 19,99\r\n\r\nOK\r\n\r\n+QMTSTAT: 0,1\r\n"})
		c.AbortOn(Prefix("+QMTSTAT:"))
		if resp, err := c.Send(ctxT(t), "AT+CSQ"); err != nil || resp.Final != "OK" {
			t.Fatalf("chunk %d: the command answered before the abort got %+v %v", chunk, resp, err)
		}
		var ae *AbortError
		if err := c.Sleep(ctxT(t), time.Hour); !errors.As(err, &ae) || ae.Line != "+QMTSTAT: 0,1" {
			t.Fatalf("chunk %d: the next wait ended with %v", chunk, err)
		}
	}
}
