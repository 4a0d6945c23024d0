package engine

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"net"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"go.bug.st/serial"
)

// RFC 2217 com port commands, client to server.
const (
	cpSignature   = 0
	cpSetBaud     = 1
	cpSetDataSize = 2
	cpSetParity   = 3
	cpSetStopSize = 4
	cpSetControl  = 5
	cpPurge       = 12
)

// The server's messages: its reply to a command carries the command's code
// plus 100; the others are the server's own.
const (
	cpReply            = 100
	cpServerSignature  = cpReply + cpSignature
	cpNotifyLineState  = cpReply + 6
	cpNotifyModemState = cpReply + 7
	cpFlowSuspend      = cpReply + 8
	cpFlowResume       = cpReply + 9
	cpLastReply        = cpReply + cpPurge
)

// Values of SET-CONTROL and PURGE-DATA atrun sends.
const (
	ctlFlowNone      = 1
	ctlFlowHardware  = 3
	ctlDTROn         = 8
	ctlRTSOn         = 11
	purgeBothBuffers = 3
)

// maxNegotiateReplies bounds the answers atrun sends about one option, so
// that a peer that keeps asking cannot start a loop.
const maxNegotiateReplies = 8

// rfc2217Signature is what atrun tells a server that asks who it is.
const rfc2217Signature = "atrun"

// RFC2217Error is an RFC 2217 server that refused what the client needs or
// set a value other than the one asked.
type RFC2217Error struct {
	Setting string // what was asked: "baud rate", "BINARY", "COM-PORT-OPTION", ...
	Asked   string // the value asked, "" for an option
	Got     string // the value the server set, "" when it refused the option
	Hint    string // what to check, "" when nothing specific
}

func (e *RFC2217Error) Error() string {
	var msg string
	if e.Got == "" {
		msg = "the serial server refused " + e.Setting
	} else {
		msg = fmt.Sprintf("the serial server set the %s to %s, not %s", e.Setting, e.Got, e.Asked)
	}
	if e.Hint != "" {
		msg += " (" + e.Hint + ")"
	}
	return msg
}

// optSide is one side's state of a telnet option (RFC 1143, without the
// states for switching an option off: atrun never does).
type optSide uint8

const (
	sideNo optSide = iota
	sideYes
	sideWantYes // asked for, no answer yet
)

// telnetOption is an option's state on both sides of the connection.
type telnetOption struct {
	us, him optSide // whether atrun, and the server, perform the option
	replies int     // answers atrun sent about the option
}

// expectation is a setting sent to the server, awaiting its reply.
type expectation struct {
	code  byte   // the reply's code: the command's plus 100
	class byte   // for SET-CONTROL, the kind of control (see controlClass)
	want  []byte // the value asked
	got   []byte // the value the server replied
	done  bool
}

// err is the reply's disagreement with the value asked, or nil.
func (e *expectation) err() error {
	if !e.done || bytes.Equal(e.want, e.got) {
		return nil
	}
	setting, asked, got := describeSetting(e.code-cpReply, e.want, e.got)
	re := &RFC2217Error{Setting: setting, Asked: asked, Got: got}
	if e.code == cpReply+cpSetBaud {
		re.Hint = "the serial port does not take that speed: check the baud rate"
	}
	return re
}

// RFC2217Port is a serial port served over the network by an RFC 2217
// server (ser2net's telnet(rfc2217) accepter, a labgrid exporter): the
// modem's data in both directions, with telnet negotiation, 0xFF escaping
// and the com port settings kept out of it.
type RFC2217Port struct {
	conn net.Conn

	wmu  sync.Mutex // serialises writes to conn: data and telnet answers
	wbuf []byte     // the escaped form of a write; guarded by wmu

	// Owned by the reading goroutine: OpenRFC2217's, then the caller's.
	dec     telnetDecoder
	raw     []byte
	events  []telnetEvent
	pending []byte // data decoded but not yet returned by Read

	mu         sync.Mutex // guards the fields below
	opts       [256]telnetOption
	expect     []*expectation
	modemState int   // the last NOTIFY-MODEMSTATE, -1 before any
	lineState  int   // the last NOTIFY-LINESTATE, -1 before any
	failure    error // why the stream can no longer be trusted, or nil
	wake       chan struct{}
	// echoed: the "server" offered WILL COM-PORT-OPTION while atrun's own
	// offer was pending, which no RFC 2217 server does: atrun's bytes came
	// back, from a modem echoing them behind a raw TCP port.
	echoed bool
	// resumed is open while the server has suspended our data
	// (FLOWCONTROL-SUSPEND) and closed when it resumes; nil otherwise.
	resumed chan struct{}
}

// SuspendLimit bounds how long a write waits for a server that suspended
// the data it takes (FLOWCONTROL-SUSPEND) to resume it.
const SuspendLimit = 10 * time.Second

// OpenRFC2217 connects to the RFC 2217 server at addr (host:port),
// negotiates the com port option and binary data, sets the line from cfg
// as for a local serial device, asserts DTR and RTS, and purges the
// server's buffers. Data that arrives before the server answered all of it
// (a banner, output of an earlier session) is dropped. The returned port
// is read by one goroutine at a time, like any io.Reader; writes may come
// from any goroutine.
func OpenRFC2217(ctx context.Context, addr string, cfg SerialConfig) (*RFC2217Port, error) {
	addr = strings.TrimSuffix(addr, "/")
	if _, port, err := net.SplitHostPort(addr); err != nil || port == "" {
		return nil, fmt.Errorf("%q is not host:port (write rfc2217://HOST:PORT)", addr)
	}
	settings, err := rfc2217Settings(cfg)
	if err != nil {
		return nil, err
	}
	conn, err := openTCP(ctx, addr)
	if err != nil {
		return nil, fmt.Errorf("connect: %v", err)
	}
	return openRFC2217On(ctx, conn.(net.Conn), settings)
}

// openRFC2217On runs the opening on a connected conn, closed on failure.
func openRFC2217On(ctx context.Context, conn net.Conn, settings []setting) (*RFC2217Port, error) {
	p := newRFC2217Port(conn)
	if err := p.open(ctx, settings); err != nil {
		conn.Close()
		return nil, err
	}
	return p, nil
}

func newRFC2217Port(conn net.Conn) *RFC2217Port {
	return &RFC2217Port{
		conn:       conn,
		raw:        make([]byte, 4096),
		modemState: -1,
		lineState:  -1,
		wake:       make(chan struct{}),
	}
}

// setting is one com port command to send.
type setting struct {
	cmd     byte
	value   []byte
	awaited bool // the port is not open until the server answered it
}

// rfc2217Settings turns a serial configuration into the RFC 2217 commands
// that set it, in the order the RFC recommends, with the same defaults and
// checks as a local device.
func rfc2217Settings(cfg SerialConfig) ([]setting, error) {
	mode, err := serialMode(cfg)
	if err != nil {
		return nil, err
	}
	if mode.DataBits < 5 || mode.DataBits > 8 {
		return nil, fmt.Errorf("unsupported data bits %d (use 5 to 8)", mode.DataBits)
	}
	parity := map[serial.Parity]byte{serial.NoParity: 1, serial.OddParity: 2, serial.EvenParity: 3, serial.MarkParity: 4, serial.SpaceParity: 5}[mode.Parity]
	stop := byte(1)
	if mode.StopBits == serial.TwoStopBits {
		stop = 2
	}
	flow := byte(ctlFlowNone)
	if cfg.RTSCTS {
		flow = ctlFlowHardware
	}
	s := []setting{
		{cpSetBaud, binary.BigEndian.AppendUint32(nil, uint32(mode.BaudRate)), true},
		{cpSetDataSize, []byte{byte(mode.DataBits)}, true},
		{cpSetParity, []byte{parity}, true},
		{cpSetStopSize, []byte{stop}, true},
		{cpSetControl, []byte{flow}, true},
		// Many modems want DTR; a server exporting a pseudo-terminal
		// cannot set it and leaves the command unanswered, so the port
		// does not wait for these answers, only checks them.
		{cpSetControl, []byte{ctlDTROn}, false},
	}
	if !cfg.RTSCTS { // with hardware flow control, RTS is the flow's
		s = append(s, setting{cpSetControl, []byte{ctlRTSOn}, false})
	}
	return append(s, setting{cpPurge, []byte{purgeBothBuffers}, true}), nil
}

// open runs the negotiation and the settings until the server answered
// them all, or ctx ends.
func (p *RFC2217Port) open(ctx context.Context, settings []setting) error {
	if d, ok := ctx.Deadline(); ok {
		p.conn.SetDeadline(d)
	}
	stop := context.AfterFunc(ctx, func() { p.conn.SetDeadline(time.Unix(1, 0)) })
	err := p.negotiate(settings)
	if !stop() && err == nil {
		err = ctx.Err() // the deadline may be set after this point: give up
	}
	if err != nil {
		if errors.Is(err, os.ErrDeadlineExceeded) {
			err = p.silence(ctx)
		}
		return err
	}
	return p.conn.SetDeadline(time.Time{})
}

// silence describes a server that did not answer in time.
func (p *RFC2217Port) silence(ctx context.Context) error {
	if ctx.Err() == context.Canceled {
		return ctx.Err()
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.opts[optComPort].us != sideYes {
		return errors.New("no RFC 2217 negotiation from the server: is the port exported as telnet(rfc2217)? A raw TCP port is opened with tcp://HOST:PORT")
	}
	var missing []string
	for _, e := range p.expect {
		if !e.done {
			name, asked, _ := describeSetting(e.code-cpReply, e.want, nil)
			missing = append(missing, name+" "+asked)
		}
	}
	if len(missing) == 0 {
		return errors.New("the serial server did not answer the BINARY option")
	}
	return fmt.Errorf("the serial server did not answer setting the %s", strings.Join(missing, ", "))
}

// negotiate asks for the options, then sends the settings once the server
// agreed to the com port option, and reads until everything is answered.
func (p *RFC2217Port) negotiate(settings []setting) error {
	var req []byte
	p.mu.Lock()
	for _, o := range []struct {
		verb, opt byte
		side      *optSide
	}{
		{telWILL, optComPort, &p.opts[optComPort].us},
		{telWILL, optBinary, &p.opts[optBinary].us},
		{telDO, optBinary, &p.opts[optBinary].him},
		{telWILL, optSGA, &p.opts[optSGA].us},
		{telDO, optSGA, &p.opts[optSGA].him},
	} {
		*o.side = sideWantYes
		req = appendNegotiation(req, o.verb, o.opt)
	}
	p.mu.Unlock()
	if err := p.send(req); err != nil {
		return err
	}
	if err := p.readUntil(p.comPortAgreed); err != nil {
		return err
	}
	req = req[:0]
	p.pending = nil // what came so far is a banner or stale
	p.mu.Lock()
	var awaited []*expectation
	for _, s := range settings {
		req = appendSubneg(req, optComPort, append([]byte{s.cmd}, s.value...)...)
		e := p.expectLocked(s.cmd, s.value)
		if s.awaited {
			awaited = append(awaited, e)
		}
	}
	p.mu.Unlock()
	if err := p.send(req); err != nil {
		return err
	}
	return p.readUntil(func() (bool, error) { return p.settled(awaited) })
}

// comPortAgreed tells whether the server answered WILL COM-PORT-OPTION.
func (p *RFC2217Port) comPortAgreed() (bool, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.echoed {
		return false, errors.New("the server sent atrun's own telnet negotiation back: this looks like a raw TCP port whose modem echoes what it gets, not an RFC 2217 server; open it as tcp://HOST:PORT")
	}
	switch p.opts[optComPort].us {
	case sideYes:
		return true, nil
	case sideNo:
		return false, &RFC2217Error{Setting: "the com port option (RFC 2217)", Hint: "the server speaks telnet without RFC 2217: export the port with ser2net's accepter telnet(rfc2217),tcp,PORT"}
	}
	return false, nil
}

// settled tells whether the options and the awaited settings are
// answered, and fails on a refusal or a value other than the one asked.
func (p *RFC2217Port) settled(awaited []*expectation) (bool, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	bin := p.opts[optBinary]
	if bin.us == sideNo || bin.him == sideNo {
		return false, &RFC2217Error{Setting: "BINARY (8-bit data)", Hint: "the modem's data would be altered: check the serial server's telnet options"}
	}
	for _, e := range p.expect {
		if err := e.err(); err != nil {
			return false, err
		}
	}
	if bin.us != sideYes || bin.him != sideYes {
		return false, nil
	}
	for _, e := range awaited {
		if !e.done {
			return false, nil
		}
	}
	return true, nil
}

// readUntil reads and handles the server's telnet commands until done
// says so, dropping the data before that point and keeping what follows.
func (p *RFC2217Port) readUntil(done func() (bool, error)) error {
	for {
		if ok, err := done(); ok || err != nil {
			return err
		}
		n, rerr := p.conn.Read(p.raw)
		out, events := p.dec.decode(p.raw[:n], nil, p.events[:0])
		p.events = events
		// Every event of the read is handled; the data is kept from the
		// point where done turned true.
		keep := -1
		for _, ev := range events {
			if err := p.handle(ev); err != nil {
				return err
			}
			if keep < 0 {
				ok, err := done()
				if err != nil {
					return err
				}
				if ok {
					keep = ev.At
				}
			}
		}
		if keep >= 0 {
			p.pending = append(p.pending, out[keep:]...)
			return nil
		}
		if rerr != nil {
			if errors.Is(rerr, os.ErrDeadlineExceeded) {
				return rerr
			}
			return fmt.Errorf("the serial server closed the connection during the RFC 2217 negotiation (%v): another client may hold the port", rerr)
		}
	}
}

// Read returns the modem's data, without the telnet commands in between;
// it answers those as they come.
func (p *RFC2217Port) Read(b []byte) (int, error) {
	if len(b) == 0 {
		return 0, nil
	}
	for {
		if len(p.pending) > 0 {
			n := copy(b, p.pending)
			p.pending = p.pending[n:]
			return n, nil
		}
		p.mu.Lock()
		failure := p.failure
		p.mu.Unlock()
		if failure != nil {
			return 0, failure
		}
		// The decoded data is never longer than what was read, so it
		// fits b.
		n, rerr := p.conn.Read(p.raw[:min(len(b), len(p.raw))])
		out, events := p.dec.decode(p.raw[:n], b[:0], p.events[:0])
		p.events = events
		for _, ev := range events {
			if err := p.handle(ev); err != nil && rerr == nil {
				rerr = err
			}
		}
		if rerr != nil {
			p.fail(rerr)
		}
		if len(out) > 0 || rerr != nil {
			return len(out), rerr
		}
	}
}

// fail records why the stream ended, for a SetBaud waiting on an answer
// that will not come.
func (p *RFC2217Port) fail(err error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.failure == nil {
		p.failure = err
	}
	p.resumeLocked() // a suspended write fails now rather than wait
	close(p.wake)
	p.wake = make(chan struct{})
}

// resumeLocked lets suspended writes go on. p.mu is held.
func (p *RFC2217Port) resumeLocked() {
	if p.resumed != nil {
		close(p.resumed)
		p.resumed = nil
	}
}

// SuspendError is a server that suspended the data it takes and did not
// resume it within SuspendLimit.
type SuspendError struct{ After time.Duration }

func (e *SuspendError) Error() string {
	return fmt.Sprintf("the serial server stopped taking data (RFC 2217 FLOWCONTROL-SUSPEND) and did not resume within %v: check that the modem reads its port (flow control, baud rate)", e.After)
}

// whileSuspended waits until the server takes data: at once unless it
// suspended it.
func (p *RFC2217Port) whileSuspended() error {
	var timer *time.Timer
	for {
		p.mu.Lock()
		resumed, failure := p.resumed, p.failure
		p.mu.Unlock()
		if failure != nil {
			return failure
		}
		if resumed == nil {
			return nil
		}
		if timer == nil {
			timer = time.NewTimer(SuspendLimit)
			defer timer.Stop()
		}
		select {
		case <-resumed:
		case <-timer.C:
			return &SuspendError{After: SuspendLimit}
		}
	}
}

// Write sends b to the modem, 0xFF doubled. While the server has suspended
// the data it takes (FLOWCONTROL-SUSPEND), it waits for the resume, at
// most SuspendLimit.
func (p *RFC2217Port) Write(b []byte) (int, error) {
	if err := p.whileSuspended(); err != nil {
		return 0, err
	}
	p.wmu.Lock()
	defer p.wmu.Unlock()
	p.wbuf = appendEscaped(p.wbuf[:0], b)
	n, err := p.conn.Write(p.wbuf)
	if err != nil {
		return escapedLen(b, n), err
	}
	return len(b), nil
}

// Close closes the connection; a blocked Read and a suspended Write return.
func (p *RFC2217Port) Close() error {
	err := p.conn.Close()
	p.fail(net.ErrClosed)
	return err
}

// SetBaud asks the server for another speed and waits for its answer. The
// answer arrives through Read, so another goroutine must be reading (an
// engine Conn on this port always is).
func (p *RFC2217Port) SetBaud(ctx context.Context, baud int) error {
	if baud <= 0 {
		return fmt.Errorf("unsupported baud rate %d", baud)
	}
	value := binary.BigEndian.AppendUint32(nil, uint32(baud))
	p.mu.Lock()
	e := p.expectLocked(cpSetBaud, value)
	p.mu.Unlock()
	if err := p.send(appendSubneg(nil, optComPort, append([]byte{cpSetBaud}, value...)...)); err != nil {
		return err
	}
	for {
		p.mu.Lock()
		done, err, wake := e.done, e.err(), p.wake
		if !done && p.failure != nil {
			err = fmt.Errorf("the connection ended before the serial server answered setting the baud rate to %d: %w", baud, p.failure)
		}
		p.mu.Unlock()
		if done || err != nil {
			return err
		}
		select {
		case <-wake:
		case <-ctx.Done():
			return fmt.Errorf("the serial server did not answer setting the baud rate to %d: %w", baud, ctx.Err())
		}
	}
}

// ModemState returns the last modem line state the server notified
// (RFC 2217 NOTIFY-MODEMSTATE: CD, RI, DSR, CTS and their changes), and
// false before any.
func (p *RFC2217Port) ModemState() (byte, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return byte(p.modemState), p.modemState >= 0
}

// LineState is ModemState for NOTIFY-LINESTATE (overrun, parity, break...).
func (p *RFC2217Port) LineState() (byte, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return byte(p.lineState), p.lineState >= 0
}

// expectLocked records a command whose reply is to come. p.mu is held.
func (p *RFC2217Port) expectLocked(cmd byte, value []byte) *expectation {
	e := &expectation{code: cmd + cpReply, want: value}
	if cmd == cpSetControl {
		e.class = controlClass(value[0])
	}
	// Answered ones are of no more use.
	kept := p.expect[:0]
	for _, old := range p.expect {
		if !old.done {
			kept = append(kept, old)
		}
	}
	p.expect = append(kept, e)
	return e
}

// send writes telnet commands.
func (p *RFC2217Port) send(b []byte) error {
	p.wmu.Lock()
	defer p.wmu.Unlock()
	_, err := p.conn.Write(b)
	return err
}

// handle answers one telnet event and wakes whoever waits for it.
func (p *RFC2217Port) handle(ev telnetEvent) error {
	var answer []byte
	p.mu.Lock()
	switch ev.Verb {
	case telWILL, telWONT, telDO, telDONT:
		if ev.Verb == telWILL && ev.Opt == optComPort && p.opts[optComPort].us == sideWantYes {
			p.echoed = true
		}
		answer = p.answerLocked(ev.Verb, ev.Opt)
	case telSB:
		if ev.Opt == optComPort {
			answer = p.comPortLocked(ev.Data)
		}
	}
	close(p.wake)
	p.wake = make(chan struct{})
	p.mu.Unlock()
	if len(answer) == 0 {
		return nil
	}
	return p.send(answer)
}

// answerLocked follows RFC 1143: an answer only to a request that changes
// an option's state, so two sides can never answer each other forever; and
// at most maxNegotiateReplies answers per option, so a peer that ignores
// that rule cannot either. p.mu is held.
func (p *RFC2217Port) answerLocked(verb, opt byte) []byte {
	o := &p.opts[opt]
	answer := func(v byte) []byte {
		if o.replies >= maxNegotiateReplies {
			return nil
		}
		o.replies++
		return appendNegotiation(nil, v, opt)
	}
	side, yes, no := &o.him, byte(telDO), byte(telDONT)
	accept := opt == optBinary || opt == optSGA
	if verb == telDO || verb == telDONT {
		side, yes, no = &o.us, telWILL, telWONT
		accept = accept || opt == optComPort
	}
	switch verb {
	case telWILL, telDO: // the peer does, or asks atrun to
		switch {
		case *side == sideWantYes:
			*side = sideYes
		case *side == sideYes:
		case accept:
			*side = sideYes
			return answer(yes)
		default:
			return answer(no)
		}
	case telWONT, telDONT: // the peer stops, refuses, or asks atrun to stop
		was := *side
		*side = sideNo
		if opt == optBinary && was == sideYes && p.failure == nil {
			p.failure = &RFC2217Error{Setting: "BINARY (8-bit data) during the session", Hint: "the modem's data can no longer pass unaltered"}
		}
		if was == sideYes {
			return answer(no)
		}
	}
	return nil
}

// comPortLocked takes an RFC 2217 message from the server. p.mu is held.
func (p *RFC2217Port) comPortLocked(msg []byte) []byte {
	if len(msg) == 0 {
		return nil
	}
	code, value := msg[0], msg[1:]
	switch {
	case code == cpServerSignature && len(value) == 0: // the server asks for ours
		return appendSubneg(nil, optComPort, append([]byte{cpSignature}, rfc2217Signature...)...)
	case code == cpServerSignature:
		// The server's name and version: nothing depends on it.
	case code == cpNotifyModemState && len(value) == 1:
		p.modemState = int(value[0])
	case code == cpNotifyLineState && len(value) == 1:
		p.lineState = int(value[0])
	case code == cpFlowSuspend:
		// The server's buffer toward the modem is full (a large upload
		// over a slow line): data waits until it drains.
		if p.resumed == nil {
			p.resumed = make(chan struct{})
		}
	case code == cpFlowResume:
		p.resumeLocked()
	case code > cpReply && code <= cpLastReply:
		p.replyLocked(code, value)
	}
	return nil
}

// replyLocked matches a server's reply with the oldest unanswered command
// of its kind. A reply nobody waits for (a server that reports a change of
// its own) is accepted as it is. p.mu is held.
func (p *RFC2217Port) replyLocked(code byte, value []byte) {
	var class byte
	if code == cpReply+cpSetControl && len(value) > 0 {
		class = controlClass(value[0])
	}
	for _, e := range p.expect {
		if !e.done && e.code == code && e.class == class {
			e.got, e.done = append([]byte(nil), value...), true
			return
		}
	}
}

// controlClass groups SET-CONTROL values by what they control, since the
// server answers each kind on its own: outbound flow control (0-3),
// BREAK (4-6), DTR (7-9), RTS (10-12), inbound flow control (13-19).
func controlClass(v byte) byte {
	switch {
	case v <= 3:
		return 1
	case v <= 6:
		return 2
	case v <= 9:
		return 3
	case v <= 12:
		return 4
	}
	return 5
}

// describeSetting names an RFC 2217 command and renders the values asked
// and got, for messages.
func describeSetting(cmd byte, want, got []byte) (name, asked, gotText string) {
	render := func(v []byte) string {
		if v == nil {
			return ""
		}
		switch {
		case cmd == cpSetBaud && len(v) == 4:
			return strconv.FormatUint(uint64(binary.BigEndian.Uint32(v)), 10)
		case cmd == cpSetDataSize && len(v) == 1:
			return strconv.Itoa(int(v[0]))
		case cmd == cpSetParity && len(v) == 1 && v[0] >= 1 && v[0] <= 5:
			return []string{"none", "odd", "even", "mark", "space"}[v[0]-1]
		case cmd == cpSetStopSize && len(v) == 1 && v[0] >= 1 && v[0] <= 3:
			return []string{"1", "2", "1.5"}[v[0]-1]
		case cmd == cpSetControl && len(v) == 1:
			if s, ok := controlNames[v[0]]; ok {
				return s
			}
		}
		return fmt.Sprintf("% x", v)
	}
	names := map[byte]string{cpSetBaud: "baud rate", cpSetDataSize: "data bits", cpSetParity: "parity",
		cpSetStopSize: "stop bits", cpSetControl: "control", cpPurge: "purge"}
	name = names[cmd]
	if name == "" {
		name = "command " + strconv.Itoa(int(cmd))
	}
	if cmd == cpSetControl && len(want) == 1 {
		name = []string{"", "flow control", "BREAK", "DTR", "RTS", "inbound flow control"}[controlClass(want[0])]
	}
	return name, render(want), render(got)
}

var controlNames = map[byte]string{
	1: "none", 2: "XON/XOFF", 3: "hardware (RTS/CTS)",
	5: "on", 6: "off", 8: "on", 9: "off", 11: "on", 12: "off",
	14: "none", 15: "XON/XOFF", 16: "hardware",
}
