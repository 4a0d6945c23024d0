package sim

import (
	"bytes"
	"context"
	"errors"
	"io"
	"math/rand"
	"net"
	"os"
	"sync"
	"time"
)

// Modem is the virtual EC20: the modem side of the AT protocol over any
// byte stream. Create it with NewModem and run it with Serve.
//
// All modem state is owned by one loop goroutine. Network work (dial, TLS,
// MQTT) runs in goroutines that hand their results back to the loop as
// events, so the state needs no locks and URCs come out in a single order.
type Modem struct {
	opts   Options
	model  *modelSpec
	clk    Clock
	faults Faults
	rng    *rand.Rand

	evMu   sync.Mutex
	events []func()
	wake   chan struct{}
	ended  bool // no more events are run; guarded by evMu

	served bool // guarded by evMu
	ctx    context.Context
	bg     sync.WaitGroup // network goroutines

	// Loop-owned from here on.
	w         io.Writer
	writeErr  error
	st        *state
	files     *fileSystem
	sms       *smsService
	net       *smsNetwork // safe for any goroutine
	reply     replier     // safe for any goroutine
	clock     rtc
	links     [numClients]*mqttLink
	asm       lineAssembler
	echoBuf   []byte
	resp      bytes.Buffer
	busy      bool      // a command line is being executed
	data      dataMode  // non-nil while taking payload bytes
	dataGen   int       // bumps whenever data mode starts or ends
	partialAt time.Time // when the current partial line began
	urcs      []string  // URCs held until the modem is idle
	urcTimer  Timer
	afterLine []func() // run once the line's final result is out
	rebooting bool
	silent    bool
	regGen    int
	regTimer  Timer
	storm     Timer
	stormN    int
	bogusCA   []byte // PEM of a CA unrelated to any broker (tls-failure)
	noiseDue  bool   // the next flush is at a line boundary
	inBlock   bool   // a command's information text is open

	deleteFailed bool // delete-fails has failed its one AT+QFDEL

	ip *ipStack // sockets, SSL clients, HTTP; nil until first used

	simcom *simcomState // the SIMCom command set's state; nil on other models
	ublox  *ubloxState  // the u-blox command set's state; nil on other models
}

// dataMode takes raw bytes after CONNECT or a "> " prompt. feed consumes at
// least one byte of a non-empty b (or leaves data mode) and returns how many
// it took.
type dataMode interface {
	feed(m *Modem, b []byte) int
}

// NewModem returns a modem in its power-up state. Its UFS files live as long
// as the Modem.
func NewModem(opts Options) *Modem {
	opts = opts.withDefaults()
	return &Modem{
		opts:   opts,
		model:  modelOf(opts.Model),
		clk:    opts.Clock,
		faults: opts.Faults,
		rng:    rand.New(rand.NewSource(opts.Seed)),
		wake:   make(chan struct{}, 1),
		st:     newState(),
		files:  newFileSystem(),
		sms:    newSMSService(),
		net:    newSMSNetwork(),
	}
}

// Serve runs the modem on rw until ctx ends or reading rw fails, and returns
// nil on ctx's end or EOF, else the I/O error. It boots the modem first (RDY
// and the SIM URCs). A Modem serves once.
//
// When ctx ends Serve unblocks its reader and any write in progress through
// SetReadDeadline and SetWriteDeadline if rw has them (net.Conn, *PTY,
// os.File in non-blocking mode); otherwise they end when the caller closes
// rw.
func (m *Modem) Serve(ctx context.Context, rw io.ReadWriter) error {
	m.evMu.Lock()
	if m.served {
		m.evMu.Unlock()
		return errors.New("sim: Modem.Serve called twice")
	}
	m.served = true
	m.evMu.Unlock()

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	m.ctx = ctx
	stopIO := context.AfterFunc(ctx, func() { unblock(rw) })
	defer stopIO()
	m.w = newFaultWriter(rw, m.faults, m.clk, ctx.Done())

	in := make(chan []byte)
	readErr := make(chan error, 1)
	readerDone := make(chan struct{})
	go func() {
		defer close(readerDone)
		readErr <- readLoop(ctx, rw, in)
		cancel() // the line is gone: also end a paced write in progress
	}()

	m.boot()
	err := m.loop(ctx, in, readErr)
	if err == nil {
		select {
		case rerr := <-readErr:
			if !isEndOfStream(rerr) {
				err = rerr
			}
		default:
		}
	}
	cancel() // before shutdown: network goroutines watch ctx
	m.shutdown()
	if _, ok := rw.(interface{ SetReadDeadline(time.Time) error }); ok {
		<-readerDone
	}
	return err
}

// unblock ends pending reads and writes on rw where it can.
func unblock(rw io.ReadWriter) {
	now := time.Now()
	if d, ok := rw.(interface{ SetReadDeadline(time.Time) error }); ok {
		_ = d.SetReadDeadline(now)
	}
	if d, ok := rw.(interface{ SetWriteDeadline(time.Time) error }); ok {
		_ = d.SetWriteDeadline(now)
	}
}

// loop is the modem's only state-changing goroutine.
func (m *Modem) loop(ctx context.Context, in <-chan []byte, readErr <-chan error) error {
	for {
		// Events posted before input was read are applied before it: a
		// timer that fired before the host wrote is visible to its command.
		m.runEvents()
		if m.writeErr != nil {
			if ctx.Err() != nil || isEndOfStream(m.writeErr) {
				return nil
			}
			return m.writeErr
		}
		select {
		case <-ctx.Done():
			return nil
		case err := <-readErr:
			if isEndOfStream(err) {
				return nil
			}
			return err
		case b := <-in:
			m.runEvents()
			m.input(b)
		case <-m.wake:
		}
	}
}

// readLoop reads rw into in until an error or ctx's end. It reads into one
// buffer and hands the loop a copy of just the bytes read: a command line
// is a few dozen bytes, and a fresh 4 KiB buffer per read was the largest
// source of garbage of a fleet's run.
func readLoop(ctx context.Context, r io.Reader, in chan<- []byte) error {
	buf := make([]byte, 4096)
	for {
		n, err := r.Read(buf)
		if n > 0 {
			select {
			case in <- bytes.Clone(buf[:n]):
			case <-ctx.Done():
				return nil
			}
		}
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return err
		}
	}
}

func isEndOfStream(err error) bool {
	return err == nil || errors.Is(err, io.EOF) || errors.Is(err, io.ErrClosedPipe) ||
		errors.Is(err, net.ErrClosed) || errors.Is(err, os.ErrClosed)
}

// post hands f to the loop. It never blocks; after the loop has ended f is
// dropped.
func (m *Modem) post(f func()) {
	m.evMu.Lock()
	if m.ended {
		m.evMu.Unlock()
		return
	}
	m.events = append(m.events, f)
	m.evMu.Unlock()
	select {
	case m.wake <- struct{}{}:
	default:
	}
}

// after runs f on the loop once d has passed on the modem's clock.
func (m *Modem) after(d time.Duration, f func()) Timer {
	return m.clk.AfterFunc(d, func() { m.post(f) })
}

// runEvents runs every posted event in order.
func (m *Modem) runEvents() {
	for {
		m.evMu.Lock()
		evs := m.events
		m.events = nil
		m.evMu.Unlock()
		if len(evs) == 0 {
			return
		}
		for _, f := range evs {
			f()
		}
	}
}

// goBackground runs f in a goroutine that shutdown waits for.
func (m *Modem) goBackground(f func()) {
	m.bg.Add(1)
	go func() {
		defer m.bg.Done()
		f()
	}()
}

// shutdown stops timers and network work; the loop has ended.
func (m *Modem) shutdown() {
	m.stopTimers()
	for _, l := range m.links {
		if l != nil {
			l.teardown(m)
		}
	}
	m.ip.closeAll()
	m.dropFamilyLinks()
	m.bg.Wait()
	m.evMu.Lock()
	m.ended = true
	m.events = nil
	m.evMu.Unlock()
}

func (m *Modem) stopTimers() {
	for _, t := range []Timer{m.regTimer, m.storm, m.urcTimer} {
		if t != nil {
			t.Stop()
		}
	}
}

// write sends bytes to the line unless the modem has gone silent.
func (m *Modem) write(b []byte) {
	if m.silent || len(b) == 0 || m.writeErr != nil {
		return
	}
	if _, err := m.w.Write(b); err != nil {
		m.writeErr = err
	}
}
