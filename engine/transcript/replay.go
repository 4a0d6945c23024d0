package transcript

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"sync"
	"time"

	"github.com/atrun/atrun/engine/clock"
	"github.com/atrun/atrun/engine/secret"
	"github.com/atrun/atrun/engine/tap"
)

// DefaultChunk is how many bytes a replay's Read returns at most, unless
// Options.Chunk says otherwise. It is small on purpose: a modem line arrives
// in pieces, as it does from a real UART, and framing bugs show.
const DefaultChunk = 3

// DefaultOverrun is how long past the end of its recording a replayed
// script may go on waiting on the virtual clock. A script that behaves as
// recorded ends by then; one that loops on sleep() would never end.
const DefaultOverrun = 10 * time.Minute

// recentEvents is how many events a MismatchError shows before the failure.
const recentEvents = 4

// Options tune a replay.
type Options struct {
	// Chunk is the most bytes one Read returns; 0 means DefaultChunk.
	Chunk int
	// AllowUnfinished lets the script end before the transcript's last
	// write without Finish reporting it.
	AllowUnfinished bool
	// Overrun is how far past the recording's last event the script may
	// wait on the virtual clock before the replay stops it with an
	// *OverrunError; 0 means DefaultOverrun.
	Overrun time.Duration
	// Where tells the script position of the call being made
	// ("ec20_mqtts.lua:57"), for mismatch messages; nil leaves it out.
	Where func() string
	// Secrets is the session's secret set (the runner's, holding the values
	// the script declared secret). The replay adds the passwords of the
	// commands the script writes and the values that match redacted spans,
	// and keeps them all out of mismatch messages. Nil means a set of the
	// replay's own.
	Secrets *secret.Set
}

// Replay plays the modem's side of a transcript. It is the port the engine
// reads and writes in place of a serial line, and it drives the virtual
// clock (Clock) the session must run on. See the package documentation for
// what the engine and the script runner must do.
type Replay struct {
	t       *Transcript
	clk     *clock.Virtual
	start   time.Time
	chunk   int
	allow   bool
	overrun time.Duration
	where   func() string
	secrets *secret.Set
	cancel  context.CancelFunc
	stopped chan struct{} // closed on failure or Close
	files   map[string][]byte
	halted  chan struct{} // closed when the recorded stop is made to happen
	ending  Ending        // how the recorded session ended
	drain   drainMark     // where the recorded clean start's drain ended

	mu         sync.Mutex
	wake       *sync.Cond // tells the reader that out, err or closed changed
	next       int        // the first event not yet delivered or fully matched
	off        int        // bytes of events[next] matched, when it is a host write
	got        Text       // what the script wrote for events[next]
	holeVal    []byte     // bytes matched by the hole at off so far
	echo       [][]byte   // values the last run of writes gave its holes
	echoNext   int        // the next echo value a modem hole takes
	echoStale  bool       // modem bytes came since the echo values were taken
	out        []byte     // modem bytes handed to the reader
	outRead    int        // how many of them it has read
	readerBusy bool       // the reader goroutine counts as busy on the clock
	ended      bool       // Finish was called: the script is over
	halt       bool       // the recorded stop happened (see Halted)
	lost       bool       // the recorded port loss happened: reads fail
	closed     bool
	err        error  // why the replay stopped, a *MismatchError
	onDrain    func() // called when the drain mark is reached (AtDrainEnd)
}

// drainMark is where a transcript's tap.MarkDrained mark stood: before the
// played event at index at (-1: no mark), at time time.
type drainMark struct {
	at   int
	time time.Duration
}

// has reports whether t holds an event of kind k.
func (t *Transcript) has(k Kind) bool {
	for _, e := range t.Events {
		if e.Kind == k {
			return true
		}
	}
	return false
}

// AtDrainEnd arranges for reached to be called where the recorded clean
// start's drain ended (the transcript's "drained" mark): once every modem
// event recorded before the mark has been delivered and read, and the
// session is idle, the clock moves to the mark's time (a timer due by then
// fires first) and reached is called, before any later event is played.
// It reports false when the transcript holds no such mark, or the replay
// is past it: the caller then ends its drain as it would live.
// engine.ResyncOptions.Recorded takes it.
func (r *Replay) AtDrainEnd(reached func()) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.drain.at < 0 || r.next > r.drain.at {
		return false
	}
	r.onDrain = reached
	return true
}

// drainDue returns the drain mark's callback when the replay stands at the
// mark with a drain waiting for it.
func (r *Replay) drainDue() (func(), bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.onDrain, r.onDrain != nil && r.next == r.drain.at && r.off == 0
}

// reachDrain moves the clock to the drain mark and ends the drain there,
// unless a timer is due first. It reports whether anything may happen after.
func (r *Replay) reachDrain(reached func(), deadline time.Time, timer bool) bool {
	at := r.start.Add(r.drain.time)
	if timer && !deadline.After(at) {
		r.clk.AdvanceTo(deadline)
		return true
	}
	r.clk.AdvanceTo(at)
	r.mu.Lock()
	r.onDrain = nil
	r.mu.Unlock()
	reached()
	return true
}

// ReplayFile reads the transcript at path and starts replaying it.
func ReplayFile(path string, opts Options) (*Replay, error) {
	t, err := ReadFile(path)
	if err != nil {
		return nil, err
	}
	return NewReplay(t, opts), nil
}

// NewReplay starts replaying t: its virtual clock reads t's start time, and
// a driver goroutine feeds the modem's bytes until Close.
//
// The reader goroutine the engine will start is counted busy from now until
// its first Read finds nothing to return.
func NewReplay(t *Transcript, opts Options) *Replay {
	if opts.Chunk <= 0 {
		opts.Chunk = DefaultChunk
	}
	if opts.Overrun <= 0 {
		opts.Overrun = DefaultOverrun
	}
	if opts.Secrets == nil {
		// A set of its own still keeps command passwords out of messages.
		opts.Secrets = new(secret.Set)
	}
	files := t.Files()
	drain := drainMark{at: -1}
	if len(files) > 0 || t.has(Mark) {
		// File events are served by File and marks consulted by
		// AtDrainEnd, not played: the replay works on a copy without them.
		c := *t
		c.Events = make([]Event, 0, len(t.Events))
		wrote := false
		for _, e := range t.Events {
			wrote = wrote || e.Kind == Host
			switch {
			case e.Kind == Mark && e.Name == tap.MarkDrained && drain.at < 0 && !wrote:
				// A drain ends before the clean start's first write: a
				// mark after a write (an edit) is no drain's end.
				drain = drainMark{at: len(c.Events), time: e.At}
			case e.Kind != File && e.Kind != Mark:
				c.Events = append(c.Events, e)
			}
		}
		t = &c
	}
	ctx, cancel := context.WithCancel(context.Background())
	r := &Replay{
		files:      files,
		t:          t,
		clk:        clock.NewVirtual(t.Header.Start),
		start:      t.Header.Start,
		chunk:      opts.Chunk,
		allow:      opts.AllowUnfinished,
		overrun:    opts.Overrun,
		where:      opts.Where,
		secrets:    opts.Secrets,
		cancel:     cancel,
		stopped:    make(chan struct{}),
		halted:     make(chan struct{}),
		ending:     t.Ending(),
		drain:      drain,
		readerBusy: true,
	}
	r.wake = sync.NewCond(&r.mu)
	r.clk.Busy()
	go r.drive(ctx)
	return r
}

// File returns the contents of a file the recorded script read, by the
// name it gave, and whether the transcript holds it.
func (r *Replay) File(name string) ([]byte, bool) {
	data, ok := r.files[name]
	return data, ok
}

// Clock is the virtual clock the session must use for every wait.
func (r *Replay) Clock() *clock.Virtual { return r.clk }

// Err is the mismatch that stopped the replay, nil if none did. The engine
// may wrap the error Write returned; this one is the original.
func (r *Replay) Err() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.err
}

// Stopped is closed once the replay failed or was closed. A runner can
// watch it to cancel a script that waits on something that will not come.
func (r *Replay) Stopped() <-chan struct{} { return r.stopped }

// Halted is closed when the replay makes the recorded session's stop
// happen: for a transcript that ended Interrupted or TimedOut, the runner
// must then cancel the script as the live run was cancelled; for PortLost,
// reads fail with ErrPortLost. The stop happens at the virtual time the
// session was stopped: when the script waits for nothing that could come
// before the next recorded write (or the end), that write's time.
func (r *Replay) Halted() <-chan struct{} { return r.halted }

// ErrStoppedBefore is what Write returns for a write that starts past
// the end of a session stopped from outside (Ctrl+C, --timeout): the stop
// came live before the script could make it.
var ErrStoppedBefore = errors.New("the recorded session was stopped before this write")

// stopsBeforeWrite makes the recorded stop happen at a write past the end
// of the recording, when the session was stopped from outside between two
// waits: live the stop came before the script got to the write, which the
// replayed script reaches sooner in virtual time. r.mu is held.
func (r *Replay) stopsBeforeWrite() bool {
	if r.ending.Kind != Interrupted && r.ending.Kind != TimedOut || r.closed {
		return false
	}
	if !r.halt {
		r.halt = true
		close(r.halted)
	}
	return true
}

// ErrPortLost is what Read returns once a replay reaches the point where
// the recorded session lost its port.
var ErrPortLost = errors.New("the port was lost here in the recorded session")

// Read returns the next few modem bytes, blocking while there are none. On a
// mismatch it returns the *MismatchError; after Close, an error wrapping
// os.ErrClosed. When Read returns an error the reader goroutine no longer
// counts as busy: it is expected to stop reading. ErrPortLost is the
// exception: the reader stays counted busy, so the session's clock stands
// still after the recorded loss, as every wait of the session ends on the
// port's failure.
func (r *Replay) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for r.outRead == len(r.out) {
		if err := r.stopErr(); err != nil {
			if r.readerBusy {
				r.readerBusy = false
				r.clk.Idle()
			}
			return 0, err
		}
		if r.lost {
			return 0, ErrPortLost
		}
		if r.readerBusy {
			r.readerBusy = false
			r.clk.Idle()
		}
		r.wake.Wait()
	}
	n := copy(p[:min(len(p), r.chunk)], r.out[r.outRead:])
	r.outRead += n
	if r.outRead == len(r.out) {
		r.out, r.outRead = r.out[:0], 0 // all read: reuse the buffer
	}
	return n, nil
}

// Write matches p against the recorded host writes, as a byte stream. If
// modem bytes recorded before the expected write are still undelivered (the
// script wrote sooner than it did live), they are delivered first, the clock
// moving to their times. A mismatch stops the replay and is returned as a
// *MismatchError; n counts the bytes that matched.
func (r *Replay) Write(p []byte) (int, error) {
	r.learn(p)
	r.mu.Lock()
	defer r.mu.Unlock()
	if err := r.stopErr(); err != nil {
		return 0, err
	}
	for n := 0; n < len(p); {
		if err := r.stopErr(); err != nil {
			return n, err
		}
		i, ok := r.current()
		switch {
		case !ok && n == 0 && r.stopsBeforeWrite():
			return 0, ErrStoppedBefore
		case !ok:
			return n, r.fail(ExtraWrite, p[n:])
		case r.t.Events[i].Kind == Modem:
			if h, ok := r.promptBefore(i); ok {
				return n, r.overtook(h, p[n:])
			}
			r.deliverSkipped(i)
			continue
		}
		k, matched := r.match(p[n:])
		n += k
		if !matched {
			return n, r.fail(WrongBytes, p[n:])
		}
	}
	return len(p), nil
}

// promptBefore reports whether the modem events from i up to the next host
// write hold a prompt, and returns that write's index.
func (r *Replay) promptBefore(i int) (int, bool) {
	found := false
	for ; i < len(r.t.Events) && r.t.Events[i].Kind == Modem; i++ {
		found = found || isPrompt(r.t.Events[i].Data.Bytes)
	}
	return i, found && i < len(r.t.Events) && r.t.Events[i].Kind == Host
}

// isPrompt reports whether modem bytes hold a line that asks the host for
// data: the `>` prompt of AT+CMGS, AT+QMTPUB or AT+QISEND, or a CONNECT
// (AT+QFUPL, a data call).
func isPrompt(p []byte) bool {
	for _, line := range bytes.FieldsFunc(p, func(c rune) bool { return c == '\r' || c == '\n' }) {
		line = bytes.TrimSpace(line)
		if bytes.Equal(line, []byte(">")) || bytes.HasPrefix(line, []byte("CONNECT")) {
			return true
		}
	}
	return false
}

// overtook stops the replay: the script wrote rest where host write h was
// recorded, before the prompt that preceded h.
func (r *Replay) overtook(h int, rest []byte) error {
	e := &MismatchError{Kind: OvertookPrompt, File: r.t.Name, At: r.clk.Now().Sub(r.start), Where: r.whereNow()}
	e.Line, e.Expected = r.t.Events[h].Line, r.t.Events[h].Data
	e.Got = r.redact(rest).truncate(len(e.Expected.Bytes) + 40)
	e.Recent = append([]Event(nil), r.t.Events[max(h-recentEvents, 0):h]...)
	r.err = e
	r.stop()
	return e
}

// whereNow is the script position of the current call, "" when unknown.
func (r *Replay) whereNow() string {
	if r.where == nil {
		return ""
	}
	return r.where()
}

// deliverSkipped hands over the modem events from i up to the next host
// write, which the script did not wait for. The clock first moves to the
// last one's time, firing the timers due meanwhile; the bytes then go out
// together, so the reader sees them all at that one time rather than at
// whatever time the clock reached while it was busy with them.
func (r *Replay) deliverSkipped(i int) {
	last := i
	for last+1 < len(r.t.Events) && r.t.Events[last+1].Kind == Modem {
		last++
	}
	r.advanceUnlocked(r.t.Events[last].At)
	for r.next == i && i <= last && r.err == nil && !r.closed {
		r.deliver()
		i++
	}
}

// learn adds the secrets of the commands in p to the replay's secret set.
func (r *Replay) learn(p []byte) {
	for _, line := range bytes.FieldsFunc(p, func(c rune) bool { return c == '\r' || c == '\n' }) {
		r.secrets.LearnCommand(string(line))
	}
}

// Finish tells the replay that the script has ended and reports the
// verdict: the error that stopped the replay, or, unless AllowUnfinished,
// an EndedEarly *MismatchError when recorded writes remain. Modem bytes
// left after the last write are not an error.
//
// Call it from the script's goroutine before that goroutine's clock Idle:
// once the session is idle, the replay would otherwise take a finished
// script for a stalled one.
func (r *Replay) Finish() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.ended || r.err != nil {
		return r.err
	}
	r.ended = true
	r.closeTrailingHole()
	for i := r.next; i < len(r.t.Events); i++ {
		if r.t.Events[i].Kind == Host && !r.allow {
			return r.fail(EndedEarly, nil)
		}
	}
	return nil
}

// Close stops the replay: Read and Write return an error wrapping
// os.ErrClosed. It does not wait for the driver goroutine, which exits on
// its own, so that a timer function may close the port.
func (r *Replay) Close() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.closed {
		r.closed = true
		r.stop()
	}
	return nil
}

// stop ends the driver, wakes the reader and tells watchers, once.
func (r *Replay) stop() {
	r.cancel()
	r.wake.Broadcast()
	select {
	case <-r.stopped:
	default:
		close(r.stopped)
	}
}

func (r *Replay) stopErr() error {
	if r.closed {
		return fmt.Errorf("replay of %s: %w", r.t.Name, os.ErrClosed)
	}
	return r.err
}

// current returns the index of the next event to deliver or match, or false
// when only the end, or nothing, is left.
func (r *Replay) current() (int, bool) {
	if r.next >= len(r.t.Events) || r.t.Events[r.next].Kind == End {
		return 0, false
	}
	return r.next, true
}

// advanceUnlocked moves the virtual clock to the event time at. It lets go
// of the lock meanwhile, since due timers run their functions, which may
// call back into the session.
func (r *Replay) advanceUnlocked(at time.Duration) {
	r.mu.Unlock()
	r.clk.AdvanceTo(r.start.Add(at))
	r.mu.Lock()
}

// deliver hands the modem event at next to the reader, waking it (busy on
// its behalf, as a clock.Waiter is woken) if it is blocked in Read.
//
// A hole in modem bytes is most often the echo of a secret the script just
// wrote, so it is filled with the value the script gave the matching hole of
// its last run of writes; failing that, with secret.Marker.
func (r *Replay) deliver() {
	d := r.t.Events[r.next].Data
	r.next++
	prev := 0
	for _, h := range d.Holes {
		r.out = append(r.out, d.Bytes[prev:h]...)
		if r.echoNext < len(r.echo) {
			r.out = append(r.out, r.echo[r.echoNext]...)
			r.echoNext++
		} else {
			r.out = append(r.out, secret.Marker...)
		}
		prev = h
	}
	r.out = append(r.out, d.Bytes[prev:]...)
	r.echoStale = true
	if !r.readerBusy {
		r.readerBusy = true
		r.clk.Busy()
		r.wake.Broadcast()
	}
}

// fail stops the replay with a mismatch of the given kind at the current
// position; rest is what the script wrote from there on.
func (r *Replay) fail(kind Mismatch, rest []byte) error {
	e := &MismatchError{Kind: kind, File: r.t.Name, At: r.clk.Now().Sub(r.start), Where: r.whereNow()}
	e.Recent = append([]Event(nil), r.t.Events[max(r.next-recentEvents, 0):min(r.next, len(r.t.Events))]...)
	switch kind {
	case ExtraWrite:
		e.Line = 1 // the version line, when there is no event
		if n := len(r.t.Events); n > 0 {
			e.Line = max(r.t.Events[n-1].Line, 1)
		}
		e.Got = r.redact(rest)
	default:
		i := r.next
		for i < len(r.t.Events)-1 && r.t.Events[i].Kind != Host {
			i++
		}
		if i < len(r.t.Events) {
			e.Line, e.Expected = r.t.Events[i].Line, r.t.Events[i].Data
		}
		if i == r.next {
			e.Got = concat(r.got, Text{}) // a copy: r.got's buffer is reused
		}
		if kind == WrongBytes {
			// Enough of the rest to show the difference, never the whole
			// of a long upload. Redact first: a cut could split a secret.
			more := r.redact(rest)
			e.Got = concat(e.Got, more.truncate(max(len(e.Expected.Bytes)-r.off, 0)+40))
		}
	}
	r.err = e
	r.stop()
	return e
}

// redact cuts the secrets the replay knows out of p.
func (r *Replay) redact(p []byte) Text {
	var t Text
	appendRedacted(&t, p, r.secrets.Spans(p))
	return t
}

// concat joins two texts; a hole ending a and one starting b are one hole.
func concat(a, b Text) Text {
	out := Text{Bytes: append([]byte(nil), a.Bytes...), Holes: append([]int(nil), a.Holes...)}
	prev := 0
	for _, h := range b.Holes {
		out.Bytes = append(out.Bytes, b.Bytes[prev:h]...)
		out.addHole()
		prev = h
	}
	out.Bytes = append(out.Bytes, b.Bytes[prev:]...)
	return out
}
