package engine

import (
	"errors"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/atrun/atrun/engine/enginetest"
	"github.com/atrun/atrun/engine/tap"
)

var fastResync = ResyncOptions{Quiet: 100 * time.Millisecond, Attempt: 300 * time.Millisecond, Budget: 3 * time.Second}

// What an earlier program left unread is discarded, not taken for the
// first command's answer; a clean first AT reports nothing.
func TestResyncDrainsLeftovers(t *testing.T) {
	stale := "\r\n+QIND: \"csq\",20,99\r\n\r\n+CSQ: 5,99\r\n\r\nOK\r\n\r\nPOWERED"
	host, _ := enginetest.Start(t, 1,
		enginetest.Step{Reply: stale},
		enginetest.Step{Expect: "AT\r", Reply: "\r\nOK\r\n"},
		enginetest.Step{Expect: "AT+CSQ\r", Reply: "\r\n+CSQ: 19,99\r\n\r\nOK\r\n"},
	)
	// The test waits until the stale bytes are in, as they would be when
	// an earlier program left them.
	var mu sync.Mutex
	got, in := 0, make(chan struct{})
	c := New(host, Config{Name: "pipe", Tap: tap.Func(func(d tap.Dir, _ time.Time, p []byte) {
		mu.Lock()
		defer mu.Unlock()
		if got += len(p); d == tap.FromModem && got == len(stale) {
			close(in)
		}
	})})
	defer c.Close()
	<-in
	rep, err := c.Resync(ctxT(t), fastResync)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{`+QIND: "csq",20,99`, "+CSQ: 5,99", "OK", "POWERED"}
	if !reflect.DeepEqual(rep.Drained, want) || rep.Attempts != 1 || len(rep.Leftovers) != 0 {
		t.Fatalf("report %+v", rep)
	}
	resp, err := c.Send(ctxT(t), "AT+CSQ")
	if err != nil || !reflect.DeepEqual(resp.Lines, []string{"+CSQ: 19,99"}) {
		t.Fatalf("AT+CSQ got %+v %v", resp, err)
	}
	if len(c.Queued()) != 0 {
		t.Fatalf("stale URCs still queued: %v", c.Queued())
	}
}

func TestResyncClean(t *testing.T) {
	c, _ := startFake(t, 0, step{"AT\r", "AT\r\r\nOK\r\n"})
	rep, err := c.Resync(ctxT(t), fastResync)
	if err != nil || !rep.Clean() || rep.String() != "" {
		t.Fatalf("%+v %v", rep, err)
	}
}

// A modem left in AT+QFUPL="RAM:x.txt",5,...: the first AT is file data
// and gets no answer; the second completes the 5 bytes, and the upload's
// result comes. Resync tells so, and the next command gets its own answer.
func TestResyncFindsUnfinishedUpload(t *testing.T) {
	c, _ := startFake(t, 0,
		step{"AT\rAT", "\r\n+QFUPL: 5,e17\r\n\r\nOK\r\n"},
		step{"\r", ""},
		step{"AT\r", "\r\nOK\r\n"},
		step{"AT+CSQ\r", "\r\n+CSQ: 19,99\r\n\r\nOK\r\n"},
	)
	rep, err := c.Resync(ctxT(t), fastResync)
	if err != nil {
		t.Fatal(err)
	}
	if !rep.InUpload || rep.Silent == 0 || !strings.Contains(rep.String(), "file upload (AT+QFUPL)") {
		t.Fatalf("report %+v: %s", rep, rep.String())
	}
	resp, err := c.Send(ctxT(t), "AT+CSQ")
	if err != nil || resp.Lines[0] != "+CSQ: 19,99" {
		t.Fatalf("AT+CSQ got %+v %v", resp, err)
	}
}

func TestResyncGivesUp(t *testing.T) {
	c, _ := startFake(t, 0)
	_, err := c.Resync(ctxT(t), ResyncOptions{Quiet: time.Millisecond, Attempt: 50 * time.Millisecond, Budget: 200 * time.Millisecond})
	var re *ResyncError
	if !errors.As(err, &re) || !strings.Contains(err.Error(), "no clean OK to AT") {
		t.Fatalf("err = %v", err)
	}
}

// A run started at power-on may be waiting for the RDY the modem sent while
// the port was opened: with KeepURCs the known URCs stay queued, while a
// stale answer (a +CSQ: line, an OK) is still discarded.
func TestResyncKeepsURCs(t *testing.T) {
	stale := "\r\nRDY\r\n\r\n+CSQ: 5,99\r\n\r\nOK\r\n\r\n+CPIN: READY\r\n"
	host, _ := enginetest.Start(t, 1,
		enginetest.Step{Reply: stale},
		enginetest.Step{Expect: "AT\r", Reply: "\r\nOK\r\n"},
	)
	var mu sync.Mutex
	got, in := 0, make(chan struct{})
	c := New(host, Config{Name: "pipe", Tap: tap.Func(func(d tap.Dir, _ time.Time, p []byte) {
		mu.Lock()
		defer mu.Unlock()
		if got += len(p); d == tap.FromModem && got == len(stale) {
			close(in)
		}
	})})
	defer c.Close()
	<-in
	o := fastResync
	o.KeepURCs = true
	rep, err := c.Resync(ctxT(t), o)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"+CSQ: 5,99", "OK"}; !reflect.DeepEqual(rep.Drained, want) {
		t.Fatalf("drained %q, want %q", rep.Drained, want)
	}
	var kept []string
	for _, u := range c.Queued() {
		kept = append(kept, u.Text)
	}
	if want := []string{"RDY", "+CPIN: READY"}; !reflect.DeepEqual(kept, want) {
		t.Fatalf("queued %q, want %q", kept, want)
	}
}
