package engine

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/atrun/atrun/engine/enginetest"
	"github.com/atrun/atrun/engine/tap"
	"github.com/atrun/atrun/engine/transcript"
)

func TestSendAnswers(t *testing.T) {
	tests := []struct {
		name      string
		cmd       string
		reply     string
		wantLines []string
		wantFinal string
	}{
		{"echo on", "AT", "AT\r\r\nOK\r\n", nil, "OK"},
		{"echo off", "AT", "\r\nOK\r\n", nil, "OK"},
		{"echo with empty line before the response", "AT+CSQ", "AT+CSQ\r\r\n\r\n+CSQ: 28,99\r\n\r\nOK\r\n", []string{"+CSQ: 28,99"}, "OK"},
		{"multi-line information", "ATI", "ATI\r\r\nQuectel\r\nEC20F\r\nRevision: EC20CEFAR06A01M4G\r\n\r\nOK\r\n", []string{"Quectel", "EC20F", "Revision: EC20CEFAR06A01M4G"}, "OK"},
		{"read form claims its prefix", "AT+CPIN?", "\r\n+CPIN: READY\r\n\r\nOK\r\n", []string{"+CPIN: READY"}, "OK"},
		{"registration read answer", "AT+CREG?", "\r\n+CREG: 0,1\r\n\r\nOK\r\n", []string{"+CREG: 0,1"}, "OK"},
		{"lower-case response prefix", "at+cclk?", "\r\n+cclk: \"26/01/01,00:00:00+00\"\r\n\r\nOK\r\n", []string{`+cclk: "26/01/01,00:00:00+00"`}, "OK"},
		{"CONNECT ends a plain Send", "ATD*99#", "\r\nCONNECT 150000000\r\n", nil, "CONNECT 150000000"},
		{"SEND OK ends a socket send", "AT+QISEND=0,0", "\r\nSEND OK\r\n", nil, "SEND OK"},
		{"lone LF line ends", "AT+CGATT?", "+CGATT: 1\nOK\n", []string{"+CGATT: 1"}, "OK"},
	}
	for _, tt := range tests {
		for _, chunk := range chunkSizes {
			t.Run(fmt.Sprintf("%s/chunk%d", tt.name, chunk), func(t *testing.T) {
				c, m := startFake(t, chunk, step{tt.cmd + "\r", tt.reply})
				resp, err := c.Send(ctxT(t), tt.cmd)
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(resp.Lines, tt.wantLines) || resp.Final != tt.wantFinal {
					t.Fatalf("lines %q final %q, want %q %q", resp.Lines, resp.Final, tt.wantLines, tt.wantFinal)
				}
				if got := m.Wrote(); got != tt.cmd+"\r" {
					t.Fatalf("host wrote %q", got)
				}
				if len(c.Queued()) != 0 {
					t.Fatalf("stray URCs queued: %v", c.Queued())
				}
			})
		}
	}
}

func TestSendErrorResults(t *testing.T) {
	tests := []struct {
		reply       string
		kind        string
		code        int
		wantMeaning string
	}{
		{"ERROR", "ERROR", -1, ""},
		{"+CME ERROR: 10", "CME", 10, "SIM not inserted"},
		{"+CME ERROR: 407", "CME", 407, "exist"},
		{"+CME ERROR: SIM not inserted", "CME", 10, "SIM not inserted"},
		{"+CMS ERROR: 304", "CMS", 304, "PDU"},
		{"NO CARRIER", "NO CARRIER", -1, ""},
		{"BUSY", "BUSY", -1, ""},
		{"NO ANSWER", "NO ANSWER", -1, ""},
		{"NO DIALTONE", "NO DIALTONE", -1, ""},
		{"SEND FAIL", "SEND FAIL", -1, ""},
	}
	for _, tt := range tests {
		t.Run(tt.reply, func(t *testing.T) {
			c, _ := startFake(t, 1, step{"AT+X\r", "AT+X\r\r\n+X: 1\r\n\r\n" + tt.reply + "\r\n"})
			resp, err := c.Send(ctxT(t), "AT+X")
			var me *ModemError
			if !errors.As(err, &me) {
				t.Fatalf("err = %v, want *ModemError", err)
			}
			if me.Result != tt.reply || me.Kind != tt.kind || me.Code != tt.code || me.Command != "AT+X" {
				t.Fatalf("got %+v", me)
			}
			if !strings.Contains(strings.ToLower(me.Meaning), strings.ToLower(tt.wantMeaning)) {
				t.Fatalf("meaning %q does not mention %q", me.Meaning, tt.wantMeaning)
			}
			if resp == nil || resp.Final != tt.reply || len(resp.Lines) != 1 {
				t.Fatalf("response %+v", resp)
			}
			if !strings.Contains(err.Error(), tt.reply) {
				t.Fatalf("message %q does not quote the modem", err)
			}
		})
	}
}

func TestRefusedCommandsWriteNothing(t *testing.T) {
	for _, cmd := range []string{
		`AT+QMTCFG=“SSL”,0,1,2`,
		`AT+QMTCONN=0,‘id’`,
		"AT\r",
		"AT+X\x1a",
		"",
	} {
		t.Run(cmd, func(t *testing.T) {
			c, m := startFake(t, 0)
			_, err := c.Send(ctxT(t), cmd)
			var ce *CommandError
			if !errors.As(err, &ce) {
				t.Fatalf("err = %v, want *CommandError", err)
			}
			if m.Wrote() != "" {
				t.Fatalf("wrote %q", m.Wrote())
			}
		})
	}
	c, _ := startFake(t, 0)
	_, err := c.Send(ctxT(t), `AT+QMTCFG=“SSL”,0,1,2`)
	if !strings.Contains(err.Error(), "typographic") {
		t.Fatalf("message %q does not say what is wrong", err)
	}
}

// lateAnswer: the modem echoes AT+COPS=? and answers only after the
// host has given up on it (50 ms) and sent AT.
const lateAnswer = `atrun-transcript v1
start 2026-03-02T09:15:04Z

0.000000 host  "AT+COPS=?\r"
0.010000 modem "AT+COPS=?\r"
0.050000 host  "AT\r"
0.060000 modem "\r\n+COPS: (1,\"X\",\"X\",\"00101\",7)\r\n\r\nOK\r\nAT\r\r\nOK\r\n"
0.070000 end
`

// A timed-out command's late answer must not be taken for the next
// command's. The exchange runs on virtual time, so the timeout fires after
// the whole echo was read however slow the machine is (on the wall clock a
// busy machine let 50 ms pass before the first byte).
func TestTimeoutThenLateAnswer(t *testing.T) {
	tr, err := transcript.Parse([]byte(lateAnswer), "late.atr")
	if err != nil {
		t.Fatal(err)
	}
	for _, chunk := range []int{1, 2, 64} {
		rp := transcript.NewReplay(tr, transcript.Options{Chunk: chunk})
		clk := rp.Clock()
		clk.Busy() // this goroutine is the script (see the transcript package)
		c := New(rp, Config{Name: "replay", Clock: clk})
		_, err := c.Send(ctxT(t), "AT+COPS=?", Timeout(50*time.Millisecond))
		var te *TimeoutError
		if !errors.As(err, &te) {
			t.Fatalf("chunk %d: err = %v, want timeout", chunk, err)
		}
		if string(te.Received) != "AT+COPS=?\r" || te.Awaited != "AT+COPS=?" {
			t.Fatalf("chunk %d: timeout %+v", chunk, te)
		}
		resp, err := c.Send(ctxT(t), "AT")
		if err != nil {
			t.Fatalf("chunk %d: %v", chunk, err)
		}
		if len(resp.Lines) != 0 || resp.Final != "OK" {
			t.Fatalf("chunk %d: AT got %+v: the orphan's answer leaked", chunk, resp)
		}
		if err := rp.Finish(); err != nil {
			t.Errorf("chunk %d: %v", chunk, err)
		}
		clk.Idle()
		c.Close()
	}
}

func TestSilentModemTimeoutMessage(t *testing.T) {
	c, _ := startFake(t, 0)
	_, err := c.Send(ctxT(t), "AT", Timeout(20*time.Millisecond))
	var te *TimeoutError
	if !errors.As(err, &te) || len(te.Received) != 0 {
		t.Fatalf("err = %v", err)
	}
	if !strings.Contains(err.Error(), "sent nothing") {
		t.Fatalf("message %q", err)
	}
}

// URCs that arrive inside a command's answer are queued, not taken as its
// lines, and the asynchronous result that comes with the OK is not lost.
func TestURCRouting(t *testing.T) {
	for _, chunk := range chunkSizes {
		t.Run(fmt.Sprint("chunk", chunk), func(t *testing.T) {
			c, _ := startFake(t, chunk,
				step{"AT+QMTOPEN=0,\"h\",8883\r", "\r\n+QIND: \"csq\",20,99\r\n\r\nOK\r\n\r\n+QMTOPEN: 0,0\r\n"},
				step{"AT+CPIN?\r", "\r\n+CPIN: READY\r\n\r\n+CREG: 1\r\n\r\nOK\r\n\r\n+CPIN: NOT READY\r\n"},
			)
			ctx := ctxT(t)
			resp, err := c.Send(ctx, `AT+QMTOPEN=0,"h",8883`)
			if err != nil || len(resp.Lines) != 0 {
				t.Fatalf("QMTOPEN: %+v %v", resp, err)
			}
			u, err := c.WaitURC(ctx, Prefix("+QMTOPEN:"), time.Second)
			if err != nil || u.Text != "+QMTOPEN: 0,0" {
				t.Fatalf("WaitURC = %+v, %v", u, err)
			}
			resp, err = c.Send(ctx, "AT+CPIN?")
			if err != nil || !reflect.DeepEqual(resp.Lines, []string{"+CPIN: READY"}) {
				t.Fatalf("CPIN: %+v %v", resp, err)
			}
			u, err = c.WaitURC(ctx, Prefix("+CPIN:"), time.Second)
			if err != nil || u.Text != "+CPIN: NOT READY" {
				t.Fatalf("+CPIN URC = %+v, %v", u, err)
			}
			var texts []string
			for _, q := range c.Queued() {
				texts = append(texts, q.Text)
			}
			if !reflect.DeepEqual(texts, []string{`+QIND: "csq",20,99`, "+CREG: 1"}) {
				t.Fatalf("queue %q", texts)
			}
		})
	}
}

// AT+QMTCONN? reads the state; its +QMTCONN: line is its own. The write
// form's result is a URC.
func TestReadFormClaimsAsyncPrefix(t *testing.T) {
	c, _ := startFake(t, 3,
		step{"AT+QMTCONN?\r", "\r\n+QMTCONN: 0,3\r\n\r\nOK\r\n"},
		step{"AT+QMTCONN=0,\"id\"\r", "\r\nOK\r\n\r\n+QMTCONN: 0,0,0\r\n"},
	)
	ctx := ctxT(t)
	resp, err := c.Send(ctx, "AT+QMTCONN?")
	if err != nil || !reflect.DeepEqual(resp.Lines, []string{"+QMTCONN: 0,3"}) {
		t.Fatalf("%+v %v", resp, err)
	}
	resp, err = c.Send(ctx, `AT+QMTCONN=0,"id"`)
	if err != nil || len(resp.Lines) != 0 {
		t.Fatalf("%+v %v", resp, err)
	}
	if u, err := c.WaitURC(ctx, Prefix("+QMTCONN:"), time.Second); err != nil || u.Text != "+QMTCONN: 0,0,0" {
		t.Fatalf("%+v %v", u, err)
	}
}

func TestWaitURCQueuedFirstThenFuture(t *testing.T) {
	c, m := startFake(t, 1,
		step{"", "\r\nRDY\r\n\r\n+QMTRECV: 0,1,\"t\",2,\"a1\"\r\n"},
		step{"AT\r", "\r\nOK\r\n"},
		step{"AT+X\r", "\r\n+QMTRECV: 0,2,\"t\",2,\"a2\"\r\n"},
	)
	ctx := ctxT(t)
	if _, err := c.Send(ctx, "AT"); err != nil {
		t.Fatal(err)
	}
	u, err := c.WaitURC(ctx, Prefix("+QMTRECV:"), time.Second)
	if err != nil || !strings.Contains(u.Text, "a1") {
		t.Fatalf("%+v %v", u, err)
	}
	if err := c.WriteRaw(ctx, []byte("AT+X\r")); err != nil {
		t.Fatal(err)
	}
	u, err = c.WaitURC(ctx, Prefix("+QMTRECV:"), 5*time.Second)
	if err != nil || !strings.Contains(u.Text, "a2") {
		t.Fatalf("%+v %v", u, err)
	}
	if u.At.IsZero() {
		t.Fatal("URC has no arrival time")
	}
	m.Finished(t)
	if q := c.Queued(); len(q) != 1 || q[0].Text != "RDY" {
		t.Fatalf("queue %v", q)
	}
}

func TestWaitURCTimeout(t *testing.T) {
	c, _ := startFake(t, 0, step{"", "\r\n+QIND: SMS DONE\r\n"})
	_, err := c.WaitURC(ctxT(t), Prefix("+QMTOPEN:"), 30*time.Millisecond)
	var te *TimeoutError
	if !errors.As(err, &te) || te.Awaited != "URC +QMTOPEN:" {
		t.Fatalf("err = %v", err)
	}
}

func TestAbortFailsPendingWait(t *testing.T) {
	c, m := startFake(t, 2,
		step{"AT+QMTPUB=0,1,1,0,\"t\",2\r", "\r\n> "},
		step{"ab", "\r\nOK\r\n\r\n+QMTSTAT: 0,1\r\n"},
	)
	ctx := ctxT(t)
	remove := c.AbortOn(Prefix("+QMTSTAT:"))
	if _, err := c.SendPrompt(ctx, `AT+QMTPUB=0,1,1,0,"t",2`, []byte("ab"), FixedLength()); err != nil {
		t.Fatal(err)
	}
	_, err := c.WaitURC(ctx, Prefix("+QMTPUB:"), 5*time.Second)
	var ae *AbortError
	if !errors.As(err, &ae) || ae.Line != "+QMTSTAT: 0,1" || ae.Awaited != "URC +QMTPUB:" {
		t.Fatalf("err = %v", err)
	}
	m.Finished(t)
	remove()
}

// An abort line that came while nothing waited fails the next wait.
func TestAbortWhileIdleFailsNextWait(t *testing.T) {
	c, m := startFake(t, 0,
		step{"AT\r", "\r\nOK\r\n\r\n+QMTSTAT: 0,7\r\n"},
	)
	ctx := ctxT(t)
	c.AbortOn(Prefix("+QMTSTAT:"))
	if _, err := c.Send(ctx, "AT"); err != nil {
		t.Fatal(err)
	}
	m.Finished(t)
	// The abort line may still be on its way; the wait sees it either way.
	_, err := c.WaitURC(ctx, Prefix("+QMTRECV:"), 5*time.Second)
	var ae *AbortError
	if !errors.As(err, &ae) {
		t.Fatalf("err = %v", err)
	}
}

func TestOnURCRunsOnWaitingGoroutine(t *testing.T) {
	c, _ := startFake(t, 1,
		step{"AT+X\r", "\r\n+QMTRECV: 0,1,\"t\",1,\"a\"\r\n\r\n+QMTRECV: 0,2,\"t\",1,\"b\"\r\n\r\nOK\r\n"},
	)
	var got []string
	var mu sync.Mutex
	remove := c.OnURC(Prefix("+QMTRECV:"), func(u URC) {
		mu.Lock()
		got = append(got, u.Text)
		mu.Unlock()
	})
	defer remove()
	if _, err := c.Send(ctxT(t), "AT+X"); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(got) != 2 || !strings.Contains(got[1], `"b"`) {
		t.Fatalf("handler saw %q", got)
	}
	if len(c.Queued()) != 0 {
		t.Fatal("handled URCs were also queued")
	}
}

func TestHandlerCannotSend(t *testing.T) {
	c, _ := startFake(t, 0, step{"AT\r", "\r\nRING\r\n\r\nOK\r\n"})
	var inner error
	c.OnURC(Prefix("RING"), func(URC) { _, inner = c.Send(context.Background(), "ATA") })
	if _, err := c.Send(ctxT(t), "AT"); err != nil {
		t.Fatal(err)
	}
	if inner == nil || !strings.Contains(inner.Error(), "in progress") {
		t.Fatalf("send from a handler: %v", inner)
	}
}

func TestQueueOverflowDropsOldest(t *testing.T) {
	host, modem := Pipe()
	c := New(host, Config{QueueSize: 3})
	defer c.Close()
	c.AbortOn(Prefix("RDY")) // marks the end of the storm
	go func() {
		for i := 0; i < 10; i++ {
			fmt.Fprintf(modem, "\r\n+QIND: %d\r\n", i)
		}
		fmt.Fprint(modem, "\r\nRDY\r\n")
	}()
	var ae *AbortError
	if err := c.Sleep(ctxT(t), 10*time.Second); !errors.As(err, &ae) {
		t.Fatalf("the storm did not end: %v", err)
	}
	q := c.Queued()
	if len(q) != 3 || q[0].Text != "+QIND: 7" || q[2].Text != "+QIND: 9" {
		t.Fatalf("queue %v", q)
	}
	if c.Dropped() != 7 {
		t.Fatalf("dropped %d", c.Dropped())
	}
}

func TestSendPrompt(t *testing.T) {
	payload := `{"params":{"IndoorTemperature":55,"mhumi":55}}`
	for _, chunk := range chunkSizes {
		t.Run(fmt.Sprint("chunk", chunk), func(t *testing.T) {
			c, m := startFake(t, chunk,
				step{"AT+QMTPUB=0,1,1,0,\"up\"\r", "AT+QMTPUB=0,1,1,0,\"up\"\r\r\n+QMTRECV: 0,0,\"down\",2,\"hi\"\r\n\r\n> "},
				step{payload + "\x1a", "\r\nOK\r\n\r\n+QMTPUB: 0,1,0\r\n"},
			)
			ctx := ctxT(t)
			resp, err := c.SendPrompt(ctx, `AT+QMTPUB=0,1,1,0,"up"`, []byte(payload))
			if err != nil || resp.Final != "OK" || len(resp.Lines) != 0 {
				t.Fatalf("%+v %v", resp, err)
			}
			if u, err := c.WaitURC(ctx, Prefix("+QMTRECV:"), time.Second); err != nil || !strings.Contains(u.Text, "down") {
				t.Fatalf("URC before the prompt: %+v %v", u, err)
			}
			if u, err := c.WaitURC(ctx, Prefix("+QMTPUB:"), time.Second); err != nil || u.Text != "+QMTPUB: 0,1,0" {
				t.Fatalf("%+v %v", u, err)
			}
			m.Finished(t)
		})
	}
}

func TestSendPromptFixedLength(t *testing.T) {
	c, m := startFake(t, 1,
		step{"AT+QMTPUBEX=0,0,0,0,\"t\",3\r", "\r\n>"},
		step{"a\x1ab", "\r\nOK\r\n"},
	)
	if _, err := c.SendPrompt(ctxT(t), `AT+QMTPUBEX=0,0,0,0,"t",3`, []byte("a\x1ab"), FixedLength()); err != nil {
		t.Fatal(err)
	}
	m.Finished(t)
	if m.Wrote() != "AT+QMTPUBEX=0,0,0,0,\"t\",3\ra\x1ab" {
		t.Fatalf("wrote %q", m.Wrote())
	}
}

func TestSendPromptRefusesCtrlZInPayload(t *testing.T) {
	c, m := startFake(t, 0)
	_, err := c.SendPrompt(ctxT(t), `AT+QMTPUB=0,0,0,0,"t"`, []byte("a\x1ab"))
	var ce *CommandError
	if !errors.As(err, &ce) || m.Wrote() != "" {
		t.Fatalf("err = %v, wrote %q", err, m.Wrote())
	}
}

func TestSendPromptErrorInsteadOfPrompt(t *testing.T) {
	c, _ := startFake(t, 0, step{"AT+QMTPUB=0,0,0,0,\"t\"\r", "\r\n+CME ERROR: 3\r\n"})
	_, err := c.SendPrompt(ctxT(t), `AT+QMTPUB=0,0,0,0,"t"`, []byte("x"))
	var me *ModemError
	if !errors.As(err, &me) || me.Code != 3 {
		t.Fatalf("err = %v", err)
	}
}

// A prompt that never comes, or a cancel while waiting for it, leaves the
// modem with an ESC so it does not stay in data entry.
func TestSendPromptEscapesOnTimeoutAndCancel(t *testing.T) {
	t.Run("timeout", func(t *testing.T) {
		c, m := startFake(t, 0, step{"AT+QMTPUB=0,0,0,0,\"t\"\r", ""}, step{"\x1b", "\r\nOK\r\n"})
		_, err := c.SendPrompt(ctxT(t), `AT+QMTPUB=0,0,0,0,"t"`, []byte("x"), Timeout(30*time.Millisecond))
		var te *TimeoutError
		if !errors.As(err, &te) || !strings.Contains(te.Awaited, "prompt") {
			t.Fatalf("err = %v", err)
		}
		m.Finished(t)
	})
	t.Run("cancel", func(t *testing.T) {
		c, m := startFake(t, 0, step{"AT+QMTPUB=0,0,0,0,\"t\"\r", ""}, step{"\x1b", ""})
		ctx, cancel := context.WithCancel(ctxT(t))
		go func() {
			m.WaitWrote(t, "AT+QMTPUB")
			cancel()
		}()
		_, err := c.SendPrompt(ctx, `AT+QMTPUB=0,0,0,0,"t"`, []byte("x"), Timeout(time.Hour))
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v", err)
		}
		m.Finished(t)
	})
}

func TestExpectSeesPromptAndLines(t *testing.T) {
	c, _ := startFake(t, 1, step{"+++", "\r\nOK\r\n\r\n> "})
	ctx := ctxT(t)
	if err := c.WriteRaw(ctx, []byte("+++")); err != nil {
		t.Fatal(err)
	}
	if u, err := c.Expect(ctx, Prefix("OK"), time.Second); err != nil || u.Kind != Line {
		t.Fatalf("%+v %v", u, err)
	}
	if u, err := c.Expect(ctx, Prefix(">"), time.Second); err != nil || u.Kind != Prompt {
		t.Fatalf("%+v %v", u, err)
	}
}

func TestCancelReturnsPromptly(t *testing.T) {
	c, _ := startFake(t, 0)
	ctx, cancel := context.WithCancel(ctxT(t))
	errc := make(chan error)
	go func() {
		_, err := c.Send(ctx, "AT", Timeout(time.Hour))
		errc <- err
	}()
	cancel()
	select {
	case err := <-errc:
		var ce *CancelledError
		if !errors.Is(err, context.Canceled) || !errors.As(err, &ce) || err.Error() != "interrupted while waiting for AT" {
			t.Fatalf("err = %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Send did not return after cancel")
	}
}

func TestFarEndClosedIsPortError(t *testing.T) {
	c, m := startFake(t, 0)
	errc := make(chan error)
	go func() {
		_, err := c.Send(context.Background(), "AT", Timeout(time.Hour))
		errc <- err
	}()
	if !m.Await("AT\r") {
		t.Fatal("no command")
	}
	m.Close()
	select {
	case err := <-errc:
		var pe *PortError
		if !errors.As(err, &pe) || pe.Op != "read" {
			t.Fatalf("err = %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Send hung after the port vanished")
	}
	if _, err := c.Send(context.Background(), "AT"); err == nil {
		t.Fatal("Send on a dead port succeeded")
	}
}

func TestCloseDuringWait(t *testing.T) {
	c, _ := startFake(t, 0)
	errc := make(chan error)
	go func() {
		_, err := c.WaitURC(context.Background(), Prefix("+X"), time.Hour)
		errc <- err
	}()
	// Close wakes the wait whether it has begun or not.
	c.Close()
	select {
	case err := <-errc:
		if !errors.Is(err, ErrClosed) {
			t.Fatalf("err = %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("wait hung after Close")
	}
}

func TestConcurrentOperationRefused(t *testing.T) {
	c, m := startFake(t, 0, step{"AT\r", ""})
	errc := make(chan error)
	go func() {
		_, err := c.Send(context.Background(), "AT", Timeout(time.Hour))
		errc <- err
	}()
	m.WaitWrote(t, "AT\r")
	_, err := c.Send(context.Background(), "ATI")
	if err == nil || !strings.Contains(err.Error(), "in progress") {
		t.Fatalf("second Send: %v", err)
	}
	c.Close()
	<-errc
}

func TestTapSeesBothWaysInOrder(t *testing.T) {
	host, modem := Pipe()
	var mu sync.Mutex
	var log []string
	c := New(host, Config{Tap: tapFunc(func(dir, s string) {
		mu.Lock()
		log = append(log, dir+s)
		mu.Unlock()
	})})
	defer c.Close()
	go func() {
		buf := make([]byte, 64)
		n, _ := modem.Read(buf)
		modem.Write([]byte(string(buf[:n]) + "\r\nOK\r\n"))
	}()
	if _, err := c.Send(ctxT(t), "AT"); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if strings.Join(log, "|") != "w:AT\r|r:AT\r\r\nOK\r\n" {
		t.Fatalf("tap log %q", log)
	}
}

// A command the modem never answers must not shift every later answer by
// one: with echo on the next command's echo settles it at once; with echo
// off the next command loses its answer to the orphan once, then all is
// aligned again.
func TestLostAnswerDoesNotShiftLaterAnswers(t *testing.T) {
	t.Run("echo on", func(t *testing.T) {
		c, _ := startFake(t, 1,
			step{"AT+A\r", ""},
			step{"AT+B\r", "AT+B\r\r\n+B: 2\r\n\r\nOK\r\n"},
		)
		ctx := ctxT(t)
		if _, err := c.Send(ctx, "AT+A", Timeout(20*time.Millisecond)); err == nil {
			t.Fatal("AT+A answered")
		}
		resp, err := c.Send(ctx, "AT+B")
		if err != nil || !reflect.DeepEqual(resp.Lines, []string{"+B: 2"}) {
			t.Fatalf("AT+B: %+v %v", resp, err)
		}
	})
	t.Run("echo off", func(t *testing.T) {
		c, _ := startFake(t, 1,
			step{"AT+A\r", ""},
			step{"AT+B\r", "\r\nOK\r\n"},
			step{"AT+C\r", "\r\n+C: 3\r\n\r\nOK\r\n"},
			step{"AT+D\r", "\r\nOK\r\n"},
		)
		ctx := ctxT(t)
		if _, err := c.Send(ctx, "AT+A", Timeout(20*time.Millisecond)); err == nil {
			t.Fatal("AT+A answered")
		}
		if _, err := c.Send(ctx, "AT+B", Timeout(50*time.Millisecond)); err == nil {
			t.Fatal("AT+B answered: the orphan should have taken its OK")
		}
		resp, err := c.Send(ctx, "AT+C")
		if err != nil || !reflect.DeepEqual(resp.Lines, []string{"+C: 3"}) {
			t.Fatalf("AT+C: %+v %v", resp, err)
		}
		if _, err := c.Send(ctx, "AT+D"); err != nil {
			t.Fatal(err)
		}
	})
}

func TestSleepRunsHandlersAndAborts(t *testing.T) {
	c, m := startFake(t, 0, step{"AT\r", "\r\nOK\r\n\r\n+QMTRECV: 0,1,\"t\",1,\"a\"\r\n\r\n+QMTSTAT: 0,1\r\n"})
	ctx := ctxT(t)
	got := make(chan string, 1)
	c.OnURC(Prefix("+QMTRECV:"), func(u URC) { got <- u.Text })
	if err := c.Sleep(ctx, time.Millisecond); err != nil {
		t.Fatal(err)
	}
	c.AbortOn(Prefix("+QMTSTAT:"))
	if _, err := c.Send(ctx, "AT"); err != nil {
		t.Fatal(err)
	}
	m.Finished(t)
	err := c.Sleep(ctx, time.Hour)
	var ae *AbortError
	if !errors.As(err, &ae) {
		t.Fatalf("sleep err = %v", err)
	}
	select {
	case s := <-got:
		if !strings.Contains(s, "+QMTRECV") {
			t.Fatal(s)
		}
	default:
		t.Fatal("handler did not run during the waits")
	}
}

// A password a command carries never shows in its error.
func TestCommandSecretsRedactedInErrors(t *testing.T) {
	c, _ := startFake(t, 0, step{"AT+QMTCONN=0,\"id\",\"u\",\"hunter22\"\r", "\r\nERROR\r\n"})
	_, err := c.Send(ctxT(t), `AT+QMTCONN=0,"id","u","hunter22"`)
	var me *ModemError
	if !errors.As(err, &me) {
		t.Fatalf("err = %v", err)
	}
	if strings.Contains(err.Error(), "hunter22") || strings.Contains(me.Command, "hunter22") {
		t.Fatalf("password in %q", err)
	}
}

// An abort line that came while nothing waited stops being an abort, and
// is kept as a URC, when the script removes the abort before its next wait.
func TestRemovedAbortReleasesItsLine(t *testing.T) {
	c := New(&blockingPort{closed: make(chan struct{})}, Config{})
	defer c.Close()
	remove := c.AbortOn(Prefix("+QMTSTAT:"))
	c.receive([]byte("\r\n+QMTSTAT: 0,1\r\n")) // routed now: nothing waits
	remove()
	if err := c.Sleep(ctxT(t), time.Millisecond); err != nil {
		t.Fatalf("the removed abort still failed a wait: %v", err)
	}
	if u, err := c.WaitURC(ctxT(t), Prefix("+QMTSTAT:"), time.Millisecond); err != nil || u.Text != "+QMTSTAT: 0,1" {
		t.Fatalf("the abort line was lost: %+v %v", u, err)
	}
	// Still set, it fails the next wait.
	c.AbortOn(Prefix("+QMTSTAT:"))
	c.receive([]byte("\r\n+QMTSTAT: 0,2\r\n"))
	var ae *AbortError
	if err := c.Sleep(ctxT(t), time.Millisecond); !errors.As(err, &ae) || ae.Line != "+QMTSTAT: 0,2" {
		t.Fatalf("err = %v", err)
	}
}

// Lines a handler matches that came before the line a WaitURC takes from
// the queue reach the handler before WaitURC returns: a script reading the
// summary after the replies has seen every reply.
func TestHandlersRunBeforeAQueuedLineIsTaken(t *testing.T) {
	// The replies come while nothing waits (after a raw write the script
	// does not wait on), so they are pending when WaitURC is called.
	replies := "\r\n+QPING: 0,\"h\",32,41,255\r\n\r\n+QPING: 0,\"h\",32,38,255\r\n\r\n+QPING: 0,2,2,0,38,41,39\r\n"
	host, _ := enginetest.Start(t, 0, enginetest.Step{Expect: "go", Reply: replies})
	var mu sync.Mutex
	got, in := 0, make(chan struct{})
	c := New(host, Config{Name: "pipe", Tap: tap.Func(func(d tap.Dir, _ time.Time, p []byte) {
		mu.Lock()
		defer mu.Unlock()
		if d == tap.FromModem {
			if got += len(p); got == len(replies) {
				close(in)
			}
		}
	})})
	defer c.Close()
	var seen []string
	remove := c.OnURC(Prefix(`+QPING: 0,"`), func(u URC) { seen = append(seen, u.Text) })
	defer remove()
	if err := c.WriteRaw(ctxT(t), []byte("go")); err != nil {
		t.Fatal(err)
	}
	<-in // every reply and the summary have been read
	if _, err := c.WaitURC(ctxT(t), Prefix("+QPING: 0,2"), time.Second); err != nil {
		t.Fatal(err)
	}
	if len(seen) != 2 {
		t.Fatalf("the handler saw %q before the summary was returned", seen)
	}
}

// A fixed-length prompt (AT+CMQTTPAYLOAD=0,5, AT+QISEND=0,5) takes exactly
// its declared bytes, ESC among them. One interrupted before its prompt
// came (here the link dropped first) is finished when the prompt comes,
// with the payload, so that the modem is back in command mode; an ESC
// would have been taken for data and the next command swallowed.
const droppedBeforePrompt = `atrun-transcript v1
start 2026-03-02T09:15:04Z

0.000000 host  "AT+CMQTTPAYLOAD=0,5\r"
0.001000 modem "AT+CMQTTPAYLOAD=0,5\r\r\n+CMQTTCONNLOST: 0,1\r\n"
0.100000 modem "\r\n>"
0.101000 host  "hello"
0.102000 modem "\r\nOK\r\n"
0.103000 host  "AT\r"
0.104000 modem "AT\r\r\nOK\r\n"
0.110000 end
`

func TestFixedPromptInterruptedGetsItsBytes(t *testing.T) {
	tr, err := transcript.Parse([]byte(droppedBeforePrompt), "dropped.atr")
	if err != nil {
		t.Fatal(err)
	}
	for _, chunk := range []int{1, 3, 64} {
		rp := transcript.NewReplay(tr, transcript.Options{Chunk: chunk})
		clk := rp.Clock()
		clk.Busy() // this goroutine is the script (see the transcript package)
		c := New(rp, Config{Name: "replay", Clock: clk})
		c.AbortOn(Prefix("+CMQTTCONNLOST:"))
		_, err := c.SendPrompt(ctxT(t), "AT+CMQTTPAYLOAD=0,5", []byte("hello"), FixedLength())
		var ae *AbortError
		if !errors.As(err, &ae) {
			t.Fatalf("chunk %d: err = %v, want the abort", chunk, err)
		}
		if resp, err := c.Send(ctxT(t), "AT"); err != nil || resp.Final != "OK" {
			t.Fatalf("chunk %d: the next command got %+v %v", chunk, resp, err)
		}
		if err := rp.Finish(); err != nil {
			t.Errorf("chunk %d: %v", chunk, err)
		}
		clk.Idle()
		c.Close()
	}
}
