package engine

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/atrun/atrun/engine/codes"
	"github.com/atrun/atrun/engine/tap"
)

// ResyncOptions tune Resync; the zero value works.
type ResyncOptions struct {
	// Quiet is how long the line must stay silent before what came is taken
	// as all that was pending (20 ms when 0: what a modem left pending comes
	// in the first reads after the open, and a later leftover is caught by
	// the clean-OK loop); at most MaxDrain is spent waiting for it (1 s when
	// 0), for a modem that never stops talking.
	Quiet, MaxDrain time.Duration
	// Attempt is how long each AT waits for its answer (1 s when 0), and
	// Budget how long Resync tries in all (10 s when 0): long enough for a
	// modem's own upload timeout to pass.
	Attempt, Budget time.Duration
	// KeepURCs keeps the whole URC lines that arrived before the resync in
	// the queue instead of discarding them: a script started at power-on
	// may be waiting for the RDY or +CPIN: READY the modem sent while the
	// port was being opened. Stale answers and partial lines still go.
	KeepURCs bool
	// Recorded, when set (a replay), says where the recorded drain ended:
	// the drain ends exactly there instead of on a quiet line, so that the
	// same bytes are drained as live whatever their timing.
	Recorded RecordedDrain
}

// RecordedDrain is a recording that knows where its clean start's drain
// ended (a transcript's tap.MarkDrained mark): a replay.
type RecordedDrain interface {
	// AtDrainEnd arranges for reached to be called once every modem byte
	// recorded before the drain's end has been read and handled, and
	// before any byte recorded after it is read. It reports false when the
	// recording holds no such point (it was made before marks existed):
	// reached is then never called.
	AtDrainEnd(reached func()) bool
}

// ResyncReport says what Resync found before the modem answered cleanly.
type ResyncReport struct {
	// Drained is what the modem had sent before Resync wrote anything,
	// frame by frame (URCs an earlier program left unread, a partial line);
	// it was discarded.
	Drained []string
	// Leftovers are the answers to AT that were not a clean OK: an earlier
	// program's late results, or what a modem left in data mode said.
	Leftovers []string
	// Attempts is how many ATs were written; Silent how many got no answer.
	Attempts, Silent int
	// InUpload is true when the modem was found in a file upload an
	// earlier program left unfinished: it took AT for file data.
	InUpload bool
}

// Clean reports whether the first AT got a clean OK and nothing was pending.
func (r *ResyncReport) Clean() bool {
	return len(r.Drained) == 0 && len(r.Leftovers) == 0 && r.Silent == 0
}

// String words what was found, for a warning: "" when clean.
func (r *ResyncReport) String() string {
	var parts []string
	if len(r.Drained) > 0 {
		parts = append(parts, fmt.Sprintf("discarded what the modem had sent before this run: %s", quoteAll(r.Drained)))
	}
	switch {
	case r.InUpload:
		parts = append(parts, "the modem was in a file upload (AT+QFUPL) an earlier program left unfinished: it took AT for file data"+answered(r.Leftovers))
	case r.Silent > 0:
		parts = append(parts, fmt.Sprintf("the modem did not answer %d AT (it was in data mode, or busy)%s", r.Silent, answered(r.Leftovers)))
	case len(r.Leftovers) > 0:
		parts = append(parts, "late answers to an earlier program's commands: "+quoteAll(r.Leftovers))
	}
	return strings.Join(parts, "; ")
}

func answered(lines []string) string {
	if len(lines) == 0 {
		return ""
	}
	return ", then answered " + quoteAll(lines)
}

func quoteAll(lines []string) string {
	q := make([]string, len(lines))
	for i, l := range lines {
		q[i] = Escape([]byte(l))
	}
	return strings.Join(q, " | ")
}

// ResyncError is a modem that gave no clean answer to AT.
type ResyncError struct {
	After  time.Duration
	Report *ResyncReport
}

func (e *ResyncError) Error() string {
	msg := fmt.Sprintf("the modem gave no clean OK to AT within %v", e.After)
	if s := e.Report.String(); s != "" {
		msg += ": " + s
	}
	return msg
}

// Hint says what to check: Describe gives it apart from the message, as
// for the other errors.
func (e *ResyncError) Hint() string {
	return "if it is in data mode after CONNECT, it may need its own timeout to pass, +++ or a power cycle; check the port and the baud rate"
}

// Resync brings the session to a known start: it waits for the line to go
// quiet and discards what an earlier program left pending (unread URCs, a
// partial line, the framer's state), then writes AT until one gets a clean
// OK (no lines), so that no leftover is ever taken for a later command's
// answer. Every byte still goes through the tap, so a trace or a recording
// shows what was discarded. A modem that keeps not answering cleanly is a
// *ResyncError.
func (c *Conn) Resync(ctx context.Context, o ResyncOptions) (*ResyncReport, error) {
	o = o.withDefaults()
	rep := &ResyncReport{}
	if err := c.drain(ctx, o, rep); err != nil {
		return rep, err
	}
	start := c.clk.Now()
	for c.clk.Now().Sub(start) < o.Budget {
		rep.Attempts++
		resp, err := c.Send(ctx, "AT", Timeout(o.Attempt), ResponsePrefix(""))
		rep.Leftovers = append(rep.Leftovers, c.takeLate()...)
		var te *TimeoutError
		var me *ModemError
		switch {
		case err == nil && len(resp.Lines) == 0 && resp.Final == "OK":
			return rep, nil
		case errors.As(err, &te):
			rep.Silent++
		case errors.As(err, &me):
			rep.Leftovers = append(rep.Leftovers, append(me.Lines, me.Result)...)
		case err != nil:
			return rep, err
		default:
			rep.Leftovers = append(rep.Leftovers, append(resp.Lines, resp.Final)...)
		}
		rep.InUpload = rep.InUpload || inUpload(rep.Leftovers)
	}
	rep.InUpload = rep.InUpload || inUpload(rep.Leftovers)
	return rep, &ResyncError{After: o.Budget, Report: rep}
}

func (o ResyncOptions) withDefaults() ResyncOptions {
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&o.Quiet, 20*time.Millisecond)
	def(&o.MaxDrain, time.Second)
	def(&o.Attempt, time.Second)
	def(&o.Budget, 10*time.Second)
	return o
}

// inUpload reports whether answers to AT show an unfinished upload: the
// upload's own result (the AT was its last bytes) or its error.
func inUpload(lines []string) bool {
	for _, l := range lines {
		if strings.HasPrefix(l, "+QFUPL:") {
			return true
		}
		if f, ok := codes.ParseFinal(l); ok && f.Kind == "CME" && f.Code == 421 {
			return true // the upload timed out
		}
	}
	return false
}

// takeLate returns the answers orphaned commands got since the last call.
func (c *Conn) takeLate() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	late := c.late
	c.late = nil
	return late
}

// drain waits until the line has been quiet for o.Quiet (at most
// o.MaxDrain), then discards what arrived.
func (c *Conn) drain(ctx context.Context, o ResyncOptions, rep *ResyncReport) error {
	if err := c.begin("draining the port"); err != nil {
		return err
	}
	defer c.end()
	recorded, err := c.awaitRecordedDrain(ctx, o)
	if err != nil {
		return err
	}
	deadline := c.clk.Now().Add(o.MaxDrain)
	for !recorded {
		c.mu.Lock()
		quietFor := c.clk.Now().Sub(c.lastRead)
		if c.lastRead.Before(c.born) {
			quietFor = c.clk.Now().Sub(c.born)
		}
		c.mu.Unlock()
		left := deadline.Sub(c.clk.Now())
		if quietFor >= o.Quiet || left <= 0 {
			break
		}
		err := c.await(ctx, "a quiet line", min(o.Quiet-quietFor, left), func() bool { return false })
		var te *TimeoutError
		if err != nil && !errors.As(err, &te) {
			return err
		}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	// With no command pending every line was queued; what is not a known
	// URC (a stale +CSQ: answer, an OK) is an earlier program's leftover.
	kept := newURCQueue(c.queue.size)
	for _, u := range c.queue.snapshot() {
		if o.KeepURCs && c.urcs.matches(u.Text) {
			kept.push(u)
			continue
		}
		rep.Drained = append(rep.Drained, u.Text+u.Data)
	}
	c.queue = kept
	if len(c.fr.buf) > 0 || len(c.fr.data) > 0 {
		rep.Drained = append(rep.Drained, string(c.fr.buf)+string(c.fr.data))
	}
	c.fr = framer{}
	c.orphan, c.late = nil, nil
	// Under c.mu, in wire order with the reader's taps: every byte recorded
	// before the mark was handled above, and none after it was.
	c.mark(tap.MarkDrained)
	return nil
}

// recordedDrainBound bounds the wait for a recorded drain's end on the
// replay's virtual clock, which gets there in no time.
const recordedDrainBound = time.Hour

// awaitRecordedDrain waits, in a replay, until the recording's drain mark
// is reached; it reports false when there is none to wait for.
func (c *Conn) awaitRecordedDrain(ctx context.Context, o ResyncOptions) (bool, error) {
	if o.Recorded == nil {
		return false, nil
	}
	reached := false // guarded by c.mu
	ok := o.Recorded.AtDrainEnd(func() {
		c.mu.Lock()
		defer c.mu.Unlock()
		reached = true
		c.notify()
	})
	if !ok {
		return false, nil
	}
	// The recording's own bytes and times bring the mark, however late the
	// live drain ended (a slow open counts too); the bound is only there
	// because every wait has one.
	err := c.await(ctx, "the end of the recorded drain", recordedDrainBound, func() bool { return reached })
	var te *TimeoutError
	if err != nil && !errors.As(err, &te) {
		return false, err
	}
	return true, nil
}

// mark records a named point between bytes through the tap, in wire
// order with the bytes: the caller holds c.mu, which the reader holds while
// it taps and frames a read.
func (c *Conn) mark(name string) {
	m, ok := c.tap.(tap.Marker)
	if !ok {
		return
	}
	c.tapMu.Lock()
	defer c.tapMu.Unlock()
	m.Mark(c.clk.Now(), name)
}
