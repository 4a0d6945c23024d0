// Package engine speaks the AT protocol over a port: it writes commands,
// frames what the modem sends, routes every frame to exactly one place (the
// pending command, an abort, a waiting caller, a URC handler or the URC
// queue), and reports failures as typed errors. It knows nothing of Lua or
// of the command line.
package engine

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"sync"
	"time"

	"go.bug.st/serial"

	"github.com/atrun/atrun/engine/clock"
	"github.com/atrun/atrun/engine/secret"
	"github.com/atrun/atrun/engine/tap"
)

// Config sets up a Conn. The zero value works: wall clock, no tap, default
// timeouts and URC table.
type Config struct {
	Name      string        // the port's name, for errors (/dev/ttyUSB2, tcp://...)
	Clock     clock.Clock   // clock.Real{} when nil
	Tap       tap.Sink      // sees every byte both ways, when set
	Secrets   *secret.Set   // values redacted from errors
	Timeout   time.Duration // default wait for a command's answer; see DefaultTimeout
	QueueSize int           // URC queue bound, DefaultQueueSize when 0
	URCs      []string      // unsolicited codes known from the start, DefaultURCs when nil
	// BareErrorHint, when set, gives the hint of a command the modem
	// answered with a bare ERROR, given the command as sent (secrets
	// redacted); "" keeps the generic one. A virtual modem uses it to say
	// it lacks the command, so that the script, the CLI and JSON all read
	// the same hint rather than "check the syntax".
	BareErrorHint func(command string) string
}

// Conn is an AT session over a port. One goroutine reads the port and
// routes frames while nobody waits; a caller waiting for its answer on a
// serial port reads it itself (direct.go), one reader at a time, frames
// routed in wire order either way. The methods that wait (Send,
// SendPrompt, Upload, WaitURC, Expect) serve one caller at a time, and URC
// handlers run on that caller's goroutine while it waits, so they never
// race with it. Close may be called from any goroutine.
type Conn struct {
	port    io.ReadWriteCloser
	name    string
	clk     clock.Clock
	tap     tap.Sink
	secrets *secret.Set
	timeout time.Duration
	// bareHint is Config.BareErrorHint; set once by New, read by the
	// waiting goroutine.
	bareHint func(command string) string
	// role, set once by New, lets a waiting caller read its own answer
	// (direct.go); nil when the port's reads cannot be bounded in time or
	// the clock is virtual.
	role *readRole

	tapMu sync.Mutex // keeps tap calls in wire order

	mu        sync.Mutex
	fr        framer
	cmd       *command // the command being sent or answered
	orphan    *command // a command given up on (timeout, abort) whose answer may still come
	urcs      *urcTable
	queue     *urcQueue
	want      *want
	aborts    []*entry
	handlers  []*entry
	calls     []func()    // handler calls for the waiting goroutine to run
	aborted   *AbortError // an abort line no wait has failed with yet
	abortedBy *entry      // the abort it matched
	abortedAt time.Time
	// abortedMid: the abort line came while a command was under way (not
	// yet answered), so it fails that command's wait even when what the
	// wait looks for came in the same read, after it.
	abortedMid bool
	waiter     *clock.Waiter[struct{}]
	busy       bool      // an operation is in progress
	woke       bool      // the current read woke the waiter
	recent     []byte    // bytes received during the current wait (the last ones)
	lastRead   time.Time // when the last bytes arrived
	born       time.Time // when the Conn started
	late       []string  // the answers orphans got, until Resync takes them
	err        error     // why the Conn stopped working: a PortError or ErrClosed
	done       chan struct{}
}

// entry is a registered matcher: a URC handler or an abort.
type entry struct {
	m  Matcher
	fn func(URC)
}

// want is what a WaitURC or Expect waits for.
type want struct {
	m     Matcher
	lines bool // only lines (WaitURC), not prompts or data
	got   URC
	ok    bool
}

func (w *want) accepts(u URC) bool {
	return (!w.lines || u.Kind == Line) && w.m.Match(u.Text)
}

const recentMax = 1024

// New starts a session on port. The Conn owns the port from now on: it is
// the only reader, and Close closes it.
func New(port io.ReadWriteCloser, cfg Config) *Conn {
	c := &Conn{
		port:     port,
		name:     cfg.Name,
		clk:      cfg.Clock,
		tap:      cfg.Tap,
		secrets:  cfg.Secrets,
		timeout:  cfg.Timeout,
		bareHint: cfg.BareErrorHint,
		done:     make(chan struct{}),
	}
	if c.clk == nil {
		c.clk = clock.Real{}
	}
	c.born = c.clk.Now()
	if c.secrets == nil {
		c.secrets = &secret.Set{}
	}
	if cfg.URCs == nil {
		c.urcs = defaultURCTable()
	} else {
		c.urcs = newURCTable(cfg.URCs)
	}
	c.queue = newURCQueue(cmp.Or(max(cfg.QueueSize, 0), DefaultQueueSize))
	if c.name == "" {
		c.name = "(unnamed)"
	}
	if tp, ok := port.(timedPort); ok {
		if _, wall := c.clk.(clock.Real); wall {
			c.role = newReadRole(tp)
		}
	}
	go c.readLoop()
	return c
}

// Clock returns the clock the Conn waits on.
func (c *Conn) Clock() clock.Clock { return c.clk }

// readLoop reads the port whenever no waiting caller does (direct.go).
func (c *Conn) readLoop() {
	defer close(c.done)
	buf := make([]byte, 4096)
	for {
		if c.role != nil {
			if !c.role.takeForReader(c.callerParked) {
				return
			}
			// A caller's read may have left a timeout set.
			_ = c.role.port.SetReadTimeout(serial.NoTimeout)
		}
		n, err := c.port.Read(buf)
		woke := n > 0 && c.receive(buf[:n])
		if c.role != nil {
			// Routed before the token is given back, so that frames keep
			// wire order whoever reads next; an answer handed over counts
			// as the caller's use of the port, so that its next command
			// finds the port free.
			c.role.give(woke)
		}
		if woke {
			// Let the woken caller run now, on this thread, rather than
			// leave it queued behind a reader that goes straight back into
			// a blocking read: it halves a command's round trip.
			runtime.Gosched()
		}
		if err != nil {
			c.fail(&PortError{Port: c.name, Op: "read", Err: err})
			return
		}
	}
}

// receive frames and routes one read's worth of bytes. All frames of one
// read share its arrival time.
// It reports whether it woke a waiting caller.
func (c *Conn) receive(p []byte) (woke bool) {
	at := c.clk.Now()
	// Tapped under c.mu, so that a mark the resync writes while holding it
	// falls between reads exactly as the framer saw them.
	c.mu.Lock()
	defer c.mu.Unlock()
	c.observe(tap.FromModem, at, p)
	c.remember(p)
	c.lastRead = at
	c.woke = false
	c.fr.feed(p, func(f Frame) { c.route(f, at) })
	return c.woke
}

// callerParked reports whether a caller sleeps waiting for the reader.
func (c *Conn) callerParked() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.waiter != nil
}

// readDirect is one read of the port by a waiting caller holding the read
// token, bounded by deadline and by directSlice.
func (c *Conn) readDirect(deadline time.Time) {
	d := min(time.Until(deadline), directSlice)
	_ = c.role.port.SetReadTimeout(max(d, time.Microsecond))
	n, err := c.port.Read(c.role.buf)
	if n > 0 {
		c.receive(c.role.buf[:n])
	}
	c.role.give(true)
	if err != nil {
		c.fail(&PortError{Port: c.name, Op: "read", Err: err})
	}
}

func (c *Conn) remember(p []byte) {
	c.recent = append(c.recent, p...)
	if over := len(c.recent) - recentMax; over > 0 {
		c.recent = append(c.recent[:0], c.recent[over:]...)
	}
}

// route delivers one frame to exactly one place, in this order: the
// orphaned command, until it has its final result or the new command's echo
// shows the modem has moved on; the pending command's own frames; aborts; URCs; the pending command's information
// lines; and, with no command pending, the URC path.
func (c *Conn) route(f Frame, at time.Time) {
	cmd := c.cmd
	if cmd != nil && cmd.done {
		cmd = nil
	}
	if o := c.orphan; o != nil && (cmd == nil || !cmd.echoed && !cmd.isEcho(f)) {
		if o.owns(f) || (f.Kind == Line && !c.urcs.matches(f.Text)) {
			if o.take(f); o.done {
				c.late = append(append(c.late, o.lines...), o.final)
				if over := len(c.late) - 32; over > 0 {
					c.late = c.late[over:] // only Resync reads them: keep the last few
				}
				c.orphan = nil
				if cmd != nil {
					cmd.shadowed = true
				}
			}
			return
		}
	}
	if cmd != nil && cmd.owns(f) {
		c.took(cmd, cmd.take(f))
		return
	}
	if f.Kind == Line {
		for _, a := range c.aborts {
			if a.m.Match(f.Text) {
				c.abort(a, f.Text, at)
				return
			}
		}
		if cmd != nil && !c.urcs.matches(f.Text) {
			cmd.lines = append(cmd.lines, f.Text)
			return
		}
	}
	c.unsolicited(URC{Kind: f.Kind, Text: f.Text, Data: f.Data, At: at})
}

// took reacts to a frame the command took: it arms the command on its echo
// (the modem has the whole line), switches to data mode after CONNECT when
// asked, and wakes the waiter when the command reached a point it waits for.
func (c *Conn) took(cmd *command, ev takeEvent) {
	switch ev {
	case tookEcho:
		cmd.armed = true
	case tookConnect:
		if cmd.download {
			c.startDownload(cmd)
		}
	}
	if cmd.armed && ev != tookLine && ev != tookEcho && ev != tookData {
		c.notify()
	}
}

func (c *Conn) abort(e *entry, line string, at time.Time) {
	if c.aborted == nil {
		c.aborted = &AbortError{Line: line, Meaning: explain(line, "")}
		c.abortedBy, c.abortedAt = e, at
		c.abortedMid = c.cmd != nil && !c.cmd.done
	}
	c.notify()
}

// unsolicited hands a frame no command owns to a waiting caller, else to a
// URC handler, else to the queue.
func (c *Conn) unsolicited(u URC) {
	if w := c.want; w != nil && w.accepts(u) {
		w.got, w.ok = u, true
		c.want = nil
		c.notify()
		return
	}
	for _, h := range c.handlers {
		if h.m.Match(u.Text) {
			fn := h.fn
			c.calls = append(c.calls, func() { fn(u) })
			c.notify()
			return
		}
	}
	c.queue.push(u)
}

// notify wakes the goroutine waiting on the Conn, if any. Called with c.mu
// held.
func (c *Conn) notify() {
	if c.waiter != nil {
		c.waiter.Wake(struct{}{})
		c.waiter = nil
		c.woke = true
	}
}

// fail stops the Conn for good: every wait returns err from now on.
func (c *Conn) fail(err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.err == nil {
		c.err = err
	}
	c.notify()
}

// Err returns why the Conn stopped working, or nil while it works.
func (c *Conn) Err() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.err
}

// Close closes the port and waits for the reader to stop.
func (c *Conn) Close() error {
	c.mu.Lock()
	closed := errors.Is(c.err, ErrClosed)
	c.err = ErrClosed
	c.notify()
	c.mu.Unlock()
	if closed {
		return nil
	}
	if c.role != nil {
		close(c.role.stop)
	}
	err := c.port.Close()
	<-c.done
	return err
}

// begin marks the start of an operation; a second one at the same time (from
// another goroutine, or from a URC handler) is refused rather than allowed
// to interleave commands on the wire.
func (c *Conn) begin(what string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.err != nil {
		return c.err
	}
	if c.busy {
		return fmt.Errorf("%s: another operation is in progress on this connection (a URC handler cannot send or wait)", what)
	}
	c.busy = true
	c.recent = c.recent[:0]
	return nil
}

func (c *Conn) end() {
	c.mu.Lock()
	c.busy = false
	c.mu.Unlock()
}

// await blocks until ready (called with c.mu held) reports true, running URC
// handler calls meanwhile, and those due before it returns. It fails on an abort, a port failure, the
// timeout or ctx.
// runCalls runs the URC handler calls pending, in arrival order, on the
// caller's goroutine, until none is left.
func (c *Conn) runCalls() {
	for {
		c.mu.Lock()
		calls := c.calls
		c.calls = nil
		c.mu.Unlock()
		if len(calls) == 0 {
			return
		}
		for _, call := range calls {
			call()
		}
	}
}

func (c *Conn) await(ctx context.Context, what string, timeout time.Duration, ready func() bool) error {
	deadline := c.clk.Now().Add(timeout)
	for {
		c.mu.Lock()
		if calls := c.calls; len(calls) > 0 {
			c.calls = nil
			c.mu.Unlock()
			for _, call := range calls {
				call()
			}
			continue
		}
		if ready() && !(c.aborted != nil && c.abortedMid) {
			c.mu.Unlock()
			return nil
		}
		if err := c.stopReason(what, deadline, timeout, ctx); err != nil {
			c.mu.Unlock()
			return err
		}
		if c.role != nil && c.role.tryTake() {
			c.mu.Unlock()
			c.readDirect(deadline)
			continue
		}
		w := clock.NewWaiter[struct{}](c.clk)
		c.waiter = w
		c.mu.Unlock()
		if c.role != nil {
			c.role.parked()
		}
		w.Wait(ctx, deadline.Sub(c.clk.Now()))
		c.mu.Lock()
		if c.waiter == w {
			c.waiter = nil
		}
		c.mu.Unlock()
	}
}

// stopReason returns why a wait must end without its answer, or nil.
// Called with c.mu held.
func (c *Conn) stopReason(what string, deadline time.Time, timeout time.Duration, ctx context.Context) error {
	switch {
	case c.aborted != nil:
		err := c.aborted
		c.aborted, c.abortedBy = nil, nil
		err.Awaited = what
		return err
	case c.err != nil:
		return c.err
	case ctx.Err() != nil:
		return &CancelledError{Awaited: what, Err: ctx.Err()}
	case !c.clk.Now().Before(deadline):
		return &TimeoutError{Awaited: what, After: timeout, Received: append([]byte(nil), c.recent...)}
	}
	return nil
}

// write sends p to the modem. The tap sees it before the port does, so a
// transcript never shows an answer before its question.
func (c *Conn) write(p []byte) error {
	c.observe(tap.ToModem, c.clk.Now(), p)
	if _, err := c.port.Write(p); err != nil {
		perr := &PortError{Port: c.name, Op: "write", Err: err}
		c.fail(perr)
		return perr
	}
	return nil
}

func (c *Conn) observe(dir tap.Dir, at time.Time, p []byte) {
	if c.tap == nil {
		return
	}
	c.tapMu.Lock()
	defer c.tapMu.Unlock()
	c.tap.Tap(dir, at, p)
}

// WriteRaw writes p as it is, with no line end and no command registered:
// for +++, a lone ESC, or a modem this engine does not model.
func (c *Conn) WriteRaw(ctx context.Context, p []byte) error {
	if err := c.begin("raw write"); err != nil {
		return err
	}
	defer c.end()
	if err := ctx.Err(); err != nil {
		return &CancelledError{Awaited: "a raw write", Err: err}
	}
	return c.write(p)
}

// RegisterURC makes lines starting with code unsolicited from now on
// ("+QIURC:", "RDY", or any prefix).
func (c *Conn) RegisterURC(code string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.urcs = c.urcs.own()
	c.urcs.add(code)
}

// RegisterURCMatcher makes lines m matches unsolicited from now on.
func (c *Conn) RegisterURCMatcher(m Matcher) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.urcs = c.urcs.own()
	c.urcs.custom = append(c.urcs.custom, m)
}

// OnURC calls fn for every unsolicited line m matches, instead of queueing
// it, unless a WaitURC or Expect is waiting for that line. fn runs on the
// goroutine of the caller's next wait on the Conn (or the current one), not
// on the reader. The returned function removes the handler.
func (c *Conn) OnURC(m Matcher, fn func(URC)) (remove func()) {
	return c.register(&c.handlers, &entry{m: m, fn: fn})
}

// AbortOn makes every line m matches (and that no pending command owns)
// fail the current wait at once, or the next one if none is waiting. The
// returned function removes it; a line it matched that no wait has failed
// with yet then goes to the URC queue, as if the abort had never been set.
func (c *Conn) AbortOn(m Matcher) (remove func()) {
	e := &entry{m: m}
	unregister := c.register(&c.aborts, e)
	return func() {
		unregister()
		c.mu.Lock()
		defer c.mu.Unlock()
		if c.aborted != nil && c.abortedBy == e {
			c.queue.push(URC{Kind: Line, Text: c.aborted.Line, At: c.abortedAt})
			c.aborted, c.abortedBy = nil, nil
		}
	}
}

func (c *Conn) register(list *[]*entry, e *entry) func() {
	c.mu.Lock()
	defer c.mu.Unlock()
	*list = append(*list, e)
	return func() {
		c.mu.Lock()
		defer c.mu.Unlock()
		for i, have := range *list {
			if have == e {
				*list = append((*list)[:i:i], (*list)[i+1:]...)
				return
			}
		}
	}
}

// Dropped returns how many URCs the full queue has dropped so far.
func (c *Conn) Dropped() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.queue.dropped
}

// Queued returns the URCs waiting in the queue, oldest first.
func (c *Conn) Queued() []URC {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.queue.snapshot()
}

// WaitURC returns the first unsolicited line m matches: the oldest queued
// one, else the next to arrive within timeout. So a `+QMTOPEN: 0,0` that
// came with the OK, before the wait began, is not lost.
func (c *Conn) WaitURC(ctx context.Context, m Matcher, timeout time.Duration) (URC, error) {
	return c.waitFor(ctx, &want{m: m, lines: true}, "URC "+m.String(), timeout)
}

// Expect returns the first unsolicited frame (line, prompt or data) m
// matches, queued or arriving within timeout.
func (c *Conn) Expect(ctx context.Context, m Matcher, timeout time.Duration) (URC, error) {
	return c.waitFor(ctx, &want{m: m}, m.String(), timeout)
}

func (c *Conn) waitFor(ctx context.Context, w *want, what string, timeout time.Duration) (URC, error) {
	if err := c.begin(what); err != nil {
		return URC{}, err
	}
	defer c.end()
	// Handler calls for lines that came before the one queued for this
	// wait run first: a handler sees every line it matched before the
	// call it runs in returns.
	c.runCalls()
	c.mu.Lock()
	if c.aborted == nil {
		if u, ok := c.queue.take(w.accepts); ok {
			c.mu.Unlock()
			return u, nil
		}
	}
	c.want = w
	c.mu.Unlock()
	err := c.await(ctx, what, timeout, func() bool { return w.ok })
	c.mu.Lock()
	if c.want == w {
		c.want = nil
	}
	got, ok := w.got, w.ok
	c.mu.Unlock()
	if ok {
		return got, nil
	}
	if te, isTimeout := err.(*TimeoutError); isTimeout {
		te.Unsolicited = true // a URC may simply not come
	}
	return URC{}, err
}

// Sleep waits for d on the Conn's clock. URC handlers run meanwhile, and an
// abort line ends it early with an *AbortError, as it would any other wait.
func (c *Conn) Sleep(ctx context.Context, d time.Duration) error {
	if err := c.begin("sleep"); err != nil {
		return err
	}
	defer c.end()
	err := c.await(ctx, fmt.Sprintf("sleep %v", d), d, func() bool { return false })
	var te *TimeoutError
	if errors.As(err, &te) {
		return nil
	}
	return err
}
