package transcript

import (
	"bytes"
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/atrun/atrun/engine/clock"
)

// fakeEngine is the least a replay needs from the engine: one reader
// goroutine that cuts what Read returns into lines (and "> " prompts), and a
// script that writes commands and waits for lines with clock.Waiter.
type fakeEngine struct {
	rp  *Replay
	clk *clock.Virtual

	mu      sync.Mutex
	lines   []arrival              // arrived, not yet awaited
	waiter  *clock.Waiter[arrival] // the script's pending wait
	forever chan arrival           // the script's pending wait with no timeout
	readErr error                  // why the reader stopped

	readerDone chan struct{}
}

// arrival is a line the script saw, with the virtual time it arrived at.
type arrival struct {
	line string
	at   time.Duration
	err  error
}

// startEngine counts the script busy first, so that the reader blocking in
// its first Read never makes the session look idle before the script runs.
func startEngine(rp *Replay) *fakeEngine {
	e := &fakeEngine{rp: rp, clk: rp.Clock(), readerDone: make(chan struct{})}
	e.clk.Busy()
	go e.read()
	return e
}

func (e *fakeEngine) since() time.Duration { return e.clk.Now().Sub(e.rp.start) }

func (e *fakeEngine) read() {
	defer close(e.readerDone)
	var line []byte
	buf := make([]byte, 64)
	for {
		n, err := e.rp.Read(buf)
		if err != nil {
			e.hand(arrival{err: err})
			return
		}
		for _, c := range buf[:n] {
			line = append(line, c)
			text := bytes.Trim(line, "\r\n")
			switch {
			case string(text) == "> ":
				e.hand(arrival{line: ">", at: e.since()})
			case c != '\n':
				continue
			case len(text) > 0:
				e.hand(arrival{line: string(text), at: e.since()})
			}
			line = line[:0]
		}
	}
}

// hand gives a to the waiting script, or queues it.
func (e *fakeEngine) hand(a arrival) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if ch := e.forever; ch != nil {
		e.forever = nil
		e.clk.Busy() // on the script's behalf, as Waiter.Wake does
		ch <- a
		return
	}
	if w := e.waiter; w != nil {
		e.waiter = nil
		if w.Wake(a) {
			return
		}
	}
	if a.err != nil {
		e.readErr = a.err
		return
	}
	e.lines = append(e.lines, a)
}

// await waits for the next line for at most d; d == 0 waits with no timeout.
func (e *fakeEngine) await(d time.Duration) (arrival, clock.Reason) {
	e.mu.Lock()
	switch {
	case len(e.lines) > 0:
		a := e.lines[0]
		e.lines = e.lines[1:]
		e.mu.Unlock()
		return a, clock.Woken
	case e.readErr != nil:
		e.mu.Unlock()
		return arrival{err: e.readErr}, clock.Woken
	case d == 0:
		ch := make(chan arrival, 1)
		e.forever = ch
		e.clk.Idle()
		e.mu.Unlock()
		return <-ch, clock.Woken
	}
	w := clock.NewWaiter[arrival](e.clk)
	e.waiter = w
	e.mu.Unlock()
	a, r := w.Wait(context.Background(), d)
	e.mu.Lock()
	if e.waiter == w {
		e.waiter = nil
	}
	e.mu.Unlock()
	return a, r
}

// step is one move of a test script: write send, then, if expect or
// timeout is set, wait up to within (0: forever) for the line expect, or for
// the wait to time out. at >= 0 is when that must happen, in virtual time.
type step struct {
	send    string
	expect  string
	timeout bool
	within  time.Duration
	at      time.Duration
}

func send(s string) step { return step{send: s, at: -1} }

// expect waits up to 10 virtual seconds for a line.
func expect(line string) step { return step{expect: line, within: 10 * time.Second, at: -1} }

func expectAt(line string, at time.Duration) step {
	return step{expect: line, within: 10 * time.Minute, at: at}
}

func timeoutAt(within, at time.Duration) step {
	return step{timeout: true, within: within, at: at}
}

func waitForever() step { return step{expect: "anything", at: -1} }

// play runs steps as a script; a failed Write's error is returned as is.
func (e *fakeEngine) play(steps []step) error {
	for i, s := range steps {
		if s.send != "" {
			if _, err := e.rp.Write([]byte(s.send)); err != nil {
				return err
			}
		}
		if s.expect == "" && !s.timeout {
			continue
		}
		a, r := e.await(s.within)
		switch {
		case a.err != nil:
			return a.err
		case s.timeout && r != clock.TimedOut:
			return fmt.Errorf("step %d: got %q at %v, want a timeout", i, a.line, a.at)
		case s.timeout:
			a.at = e.since()
		case r != clock.Woken:
			return fmt.Errorf("step %d: wait for %q %v at %v", i, s.expect, r, e.since())
		case a.line != s.expect:
			return fmt.Errorf("step %d: got %q, want %q", i, a.line, s.expect)
		}
		if s.at >= 0 && a.at != s.at {
			return fmt.Errorf("step %d (%q): at %v, want %v", i, s.expect, a.at, s.at)
		}
	}
	return nil
}

// runScript plays steps against rp as the engine and a runner would, and
// returns the script's error and Finish's verdict. A watchdog turns a hung
// replay into a test failure instead of a hung test.
func runScript(t testing.TB, rp *Replay, steps []step) (scriptErr, finishErr error) {
	t.Helper()
	e := startEngine(rp)
	done := make(chan struct{})
	go func() {
		defer close(done)
		scriptErr = e.play(steps)
		finishErr = rp.Finish()
		e.clk.Idle()
	}()
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		t.Fatal("replay hung")
	}
	rp.Close()
	<-e.readerDone
	return scriptErr, finishErr
}

// transcriptOf parses a transcript body under a minimal header.
func transcriptOf(t testing.TB, body string) *Transcript {
	t.Helper()
	tr, err := Parse([]byte("atrun-transcript v1\nstart 2026-03-02T09:15:04.250000Z\n\n"+body), "test.atr")
	if err != nil {
		t.Fatal(err)
	}
	return tr
}
