package engine

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"io"
	"net"
	"strings"
	"sync"
	"testing"
	"time"
)

// telnetPeer is the server side of an RFC 2217 connection, played by a
// test over loopback TCP: by default a server that agrees to what the
// client asks and echoes each setting back as set.
type telnetPeer struct {
	t        *testing.T
	prelude  []byte // sent as soon as the client connects
	afterPur []byte // sent right after the reply to PURGE
	// answer overrides the reply to one telnet event; ok false falls back
	// to the default.
	answer func(ev telnetEvent) (reply []byte, ok bool)
	// hangUp, when it says so, makes the server close the connection
	// instead of answering.
	hangUp func(ev telnetEvent) bool
	// byteByByte makes the client read the server's stream one byte at
	// a time.
	byteByByte bool

	addr  string
	connc chan net.Conn

	mu     sync.Mutex
	events []telnetEvent // what the client sent, in order
	data   bytes.Buffer  // the client's data, undoubled
	wire   bytes.Buffer  // the client's bytes as they came
	change chan struct{}
}

func startPeer(t *testing.T, p *telnetPeer) *telnetPeer {
	t.Helper()
	p.t, p.connc, p.change = t, make(chan net.Conn, 1), make(chan struct{})
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p.addr = l.Addr().String()
	t.Cleanup(func() { l.Close() })
	go func() {
		conn, err := l.Accept()
		if err != nil {
			return
		}
		t.Cleanup(func() { conn.Close() })
		p.connc <- conn
		p.serve(conn)
	}()
	return p
}

func (p *telnetPeer) serve(conn net.Conn) {
	conn.Write(p.prelude)
	var d telnetDecoder
	buf := make([]byte, 4096)
	for {
		n, err := conn.Read(buf)
		p.mu.Lock()
		p.wire.Write(buf[:n])
		data, events := d.decode(buf[:n], nil, nil)
		p.data.Write(data)
		p.events = append(p.events, events...)
		close(p.change)
		p.change = make(chan struct{})
		p.mu.Unlock()
		for _, ev := range events {
			if p.hangUp != nil && p.hangUp(ev) {
				conn.Close()
				return
			}
			conn.Write(p.reply(ev))
		}
		if err != nil {
			return
		}
	}
}

func (p *telnetPeer) reply(ev telnetEvent) []byte {
	if p.answer != nil {
		if r, ok := p.answer(ev); ok {
			return r
		}
	}
	switch {
	case ev.Verb == telWILL && ev.Opt != 99:
		return appendNegotiation(nil, telDO, ev.Opt)
	case ev.Verb == telDO && ev.Opt != 99:
		return appendNegotiation(nil, telWILL, ev.Opt)
	case ev.Verb == telSB && ev.Opt == optComPort && len(ev.Data) > 0 && ev.Data[0] < cpReply:
		r := appendSubneg(nil, optComPort, append([]byte{ev.Data[0] + cpReply}, ev.Data[1:]...)...)
		if ev.Data[0] == cpPurge {
			r = append(r, p.afterPur...)
		}
		return r
	}
	return nil
}

// conn is the server's end, once the client connected.
func (p *telnetPeer) conn() net.Conn {
	select {
	case c := <-p.connc:
		p.connc <- c
		return c
	case <-time.After(10 * time.Second):
		p.t.Fatal("the client never connected")
		return nil
	}
}

// waitData waits until the server received want from the client.
func (p *telnetPeer) waitData(want string) {
	p.t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		p.mu.Lock()
		got, change := p.data.String(), p.change
		p.mu.Unlock()
		if strings.Contains(got, want) {
			return
		}
		select {
		case <-change:
		case <-deadline:
			p.t.Fatalf("the server received %q, never %q", got, want)
		}
	}
}

func (p *telnetPeer) sent() []telnetEvent {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]telnetEvent(nil), p.events...)
}

// count counts what the client sent of verb and option.
func (p *telnetPeer) count(verb, opt byte) int {
	n := 0
	for _, ev := range p.sent() {
		if ev.Verb == verb && ev.Opt == opt {
			n++
		}
	}
	return n
}

// oneByteConn hands the client the server's stream one byte per read.
type oneByteConn struct{ net.Conn }

func (c oneByteConn) Read(b []byte) (int, error) { return c.Conn.Read(b[:min(1, len(b))]) }

func (p *telnetPeer) open(t *testing.T, cfg SerialConfig) (*RFC2217Port, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if !p.byteByByte {
		return OpenRFC2217(ctx, p.addr, cfg)
	}
	settings, err := rfc2217Settings(cfg)
	if err != nil {
		return nil, err
	}
	conn, err := net.Dial("tcp", p.addr)
	if err != nil {
		t.Fatal(err)
	}
	return openRFC2217On(ctx, oneByteConn{conn}, settings)
}

func mustOpen(t *testing.T, p *telnetPeer, cfg SerialConfig) *RFC2217Port {
	t.Helper()
	port, err := p.open(t, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { port.Close() })
	return port
}

// readN reads exactly n bytes of data from the port.
func readN(t *testing.T, r io.Reader, n int) []byte {
	t.Helper()
	b := make([]byte, n)
	if _, err := io.ReadFull(r, b); err != nil {
		t.Fatalf("read: %v (got %q)", err, b)
	}
	return b
}

func sub(cmd byte, value ...byte) telnetEvent {
	return telnetEvent{Verb: telSB, Opt: optComPort, Data: append([]byte{cmd}, value...)}
}

// The client asks for the options, then sends the line settings from the
// serial configuration in the RFC's order, DTR, RTS unless the flow
// control owns it, and a purge.
func TestRFC2217OpenSendsSettings(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  SerialConfig
		want []telnetEvent
	}{
		{"defaults", SerialConfig{}, []telnetEvent{
			sub(cpSetBaud, 0, 1, 0xC2, 0), sub(cpSetDataSize, 8), sub(cpSetParity, 1), sub(cpSetStopSize, 1),
			sub(cpSetControl, ctlFlowNone), sub(cpSetControl, ctlDTROn), sub(cpSetControl, ctlRTSOn), sub(cpPurge, 3),
		}},
		{"7E2 with RTS/CTS", SerialConfig{Baud: 9600, DataBits: 7, Parity: "even", StopBits: 2, RTSCTS: true}, []telnetEvent{
			sub(cpSetBaud, 0, 0, 0x25, 0x80), sub(cpSetDataSize, 7), sub(cpSetParity, 3), sub(cpSetStopSize, 2),
			sub(cpSetControl, ctlFlowHardware), sub(cpSetControl, ctlDTROn), sub(cpPurge, 3),
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := startPeer(t, &telnetPeer{})
			mustOpen(t, p, tc.cfg)
			var negotiation, settings []telnetEvent
			for _, ev := range p.sent() {
				if ev.Verb == telSB {
					settings = append(settings, telnetEvent{Verb: ev.Verb, Opt: ev.Opt, Data: ev.Data})
				} else {
					negotiation = append(negotiation, telnetEvent{Verb: ev.Verb, Opt: ev.Opt})
				}
			}
			wantNeg := []telnetEvent{{Verb: telWILL, Opt: optComPort}, {Verb: telWILL, Opt: optBinary},
				{Verb: telDO, Opt: optBinary}, {Verb: telWILL, Opt: optSGA}, {Verb: telDO, Opt: optSGA}}
			if !equalEvents(negotiation, wantNeg) {
				t.Errorf("negotiation %+v, want %+v", negotiation, wantNeg)
			}
			if !equalEvents(settings, tc.want) {
				t.Errorf("settings %+v, want %+v", settings, tc.want)
			}
		})
	}
}

func equalEvents(a, b []telnetEvent) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].Verb != b[i].Verb || a[i].Opt != b[i].Opt || !bytes.Equal(a[i].Data, b[i].Data) {
			return false
		}
	}
	return true
}

// Configurations a serial device refuses are refused the same way, before
// connecting.
func TestRFC2217BadConfig(t *testing.T) {
	for _, tc := range []struct {
		cfg  SerialConfig
		want string
	}{
		{SerialConfig{Parity: "purple"}, "unknown parity"},
		{SerialConfig{StopBits: 3}, "stop bits"},
		{SerialConfig{DataBits: 9}, "data bits"},
	} {
		_, err := OpenRFC2217(context.Background(), "127.0.0.1:1", tc.cfg)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: %v, want %q", tc.cfg, err, tc.want)
		}
	}
	if _, err := OpenRFC2217(context.Background(), "gateway.local", SerialConfig{}); err == nil || !strings.Contains(err.Error(), "HOST:PORT") {
		t.Errorf("no port: %v", err)
	}
}

// Data passes unaltered both ways: every byte value, 0xFF doubled on the
// wire, also when the server's stream arrives one byte per read.
func TestRFC2217DataBothWays(t *testing.T) {
	all := make([]byte, 256)
	for i := range all {
		all[i] = byte(i)
	}
	for _, byteByByte := range []bool{false, true} {
		p := startPeer(t, &telnetPeer{byteByByte: byteByByte})
		port := mustOpen(t, p, SerialConfig{})
		if _, err := port.Write(all); err != nil {
			t.Fatal(err)
		}
		p.waitData("\xfd\xfe\xff")
		p.mu.Lock()
		wire := p.wire.Bytes()
		p.mu.Unlock()
		if !bytes.HasSuffix(wire, []byte{0xFE, 0xFF, 0xFF}) || !bytes.Contains(wire, all[:255]) {
			t.Errorf("on the wire: % x", wire[len(wire)-8:])
		}
		p.conn().Write(appendEscaped(nil, all))
		if got := readN(t, port, 256); !bytes.Equal(got, all) {
			t.Errorf("read % x", got)
		}
	}
}

// A banner, negotiation the client did not ask for, and output left from
// an earlier session come before the settings are answered: none of it is
// data. Unknown options are refused once each, and what the server says
// after the open is answered without reaching the data either.
func TestRFC2217BannerAndLateNegotiation(t *testing.T) {
	for _, byteByByte := range []bool{false, true} {
		prelude := bytes.Join([][]byte{
			{telIAC, telWILL, optSGA, telIAC, telWILL, optEcho, telIAC, telDONT, optEcho},
			{telIAC, telDO, 99, telIAC, telWILL, 99},
			[]byte("ser2net port 2000 device /dev/ttyUSB2 [115200N81]\r\n"),
			{telIAC, telSB, optComPort, cpNotifyModemState, 0x10, telIAC, telSE},
			[]byte("\r\n+QIURC: \"stale\"\r\n"),
		}, nil)
		p := startPeer(t, &telnetPeer{prelude: prelude, byteByByte: byteByByte,
			afterPur: []byte("\r\nRDY\r\n")})
		port := mustOpen(t, p, SerialConfig{})
		late := bytes.Join([][]byte{
			[]byte("\r\nO"),
			{telIAC, telDO, 98, telIAC, telWILL, optBinary, telIAC, telNOP, telIAC, telGA},
			{telIAC, telSB, optComPort, cpNotifyModemState, 0xB0, telIAC, telSE},
			[]byte("K\r"),
			{telIAC, telSB, optComPort, cpNotifyLineState, 0x60, telIAC, telSE},
			{telIAC, telSB, optComPort, cpServerSignature, telIAC, telSE},
			[]byte("\n"),
		}, nil)
		p.conn().Write(late)
		want := "\r\nRDY\r\n\r\nOK\r\n"
		if got := readN(t, port, len(want)); string(got) != want {
			t.Errorf("byte by byte %v: read %q, want %q", byteByByte, got, want)
		}
		if ms, ok := port.ModemState(); !ok || ms != 0xB0 {
			t.Errorf("modem state %#x %v", ms, ok)
		}
		if ls, ok := port.LineState(); !ok || ls != 0x60 {
			t.Errorf("line state %#x %v", ls, ok)
		}
		port.Write([]byte("done"))
		p.waitData("done")
		for _, c := range []struct {
			verb, opt byte
			want      int
		}{
			{telDONT, optEcho, 1}, {telWONT, optEcho, 0}, {telWONT, 99, 1}, {telDONT, 99, 1},
			{telWONT, 98, 1}, {telDO, optBinary, 1}, // the DO asked at the start, no answer to the WILL already agreed
		} {
			if got := p.count(c.verb, c.opt); got != c.want {
				t.Errorf("byte by byte %v: the client sent %s %d %d times, want %d", byteByByte, verbName(c.verb), c.opt, got, c.want)
			}
		}
		var sig []byte
		for _, ev := range p.sent() {
			if ev.Verb == telSB && len(ev.Data) > 0 && ev.Data[0] == cpSignature {
				sig = ev.Data[1:]
			}
		}
		if string(sig) != rfc2217Signature {
			t.Errorf("signature %q", sig)
		}
	}
}

func verbName(v byte) string {
	return map[byte]string{telWILL: "WILL", telWONT: "WONT", telDO: "DO", telDONT: "DONT"}[v]
}

// A server that asks again each time it is refused, or toggles an option
// each time it is answered, gets a bounded number of answers: the
// connection goes on working.
func TestRFC2217NegotiationLoops(t *testing.T) {
	p := startPeer(t, &telnetPeer{
		prelude: []byte{telIAC, telWILL, 99, telIAC, telWILL, optSGA},
		answer: func(ev telnetEvent) ([]byte, bool) {
			switch {
			case ev.Verb == telDONT && ev.Opt == 99:
				return appendNegotiation(nil, telWILL, 99), true
			case ev.Verb == telDO && ev.Opt == optSGA: // agreed: take it back
				return appendNegotiation(nil, telWONT, optSGA), true
			case ev.Verb == telDONT && ev.Opt == optSGA: // refused: offer again
				return appendNegotiation(nil, telWILL, optSGA), true
			}
			return nil, false
		},
	})
	port := mustOpen(t, p, SerialConfig{})
	p.conn().Write([]byte("\r\nOK\r\n"))
	readN(t, port, 6)
	port.Write([]byte("done"))
	p.waitData("done")
	if n := p.count(telDONT, 99); n < 1 || n > maxNegotiateReplies {
		t.Errorf("%d refusals of option 99", n)
	}
	if n := p.count(telDO, optSGA) + p.count(telDONT, optSGA); n > maxNegotiateReplies+1 {
		t.Errorf("%d answers about SGA", n)
	}
}

// The server's answers are checked: a refused option, a value other than
// the one asked, no answer at all, a server that is not RFC 2217, and one
// that hangs up all fail the open with a message that says which.
func TestRFC2217OpenFailures(t *testing.T) {
	for _, tc := range []struct {
		name  string
		peer  *telnetPeer
		cfg   SerialConfig
		want  string
		typed bool
	}{
		{name: "com port refused", peer: &telnetPeer{answer: func(ev telnetEvent) ([]byte, bool) {
			if ev.Verb == telWILL && ev.Opt == optComPort {
				return appendNegotiation(nil, telDONT, optComPort), true
			}
			return nil, false
		}}, want: "refused the com port option", typed: true},
		{name: "binary refused", peer: &telnetPeer{answer: func(ev telnetEvent) ([]byte, bool) {
			if ev.Verb == telDO && ev.Opt == optBinary {
				return appendNegotiation(nil, telWONT, optBinary), true
			}
			return nil, false
		}}, want: "refused BINARY", typed: true},
		{name: "another baud rate", peer: &telnetPeer{answer: func(ev telnetEvent) ([]byte, bool) {
			if ev.Verb == telSB && ev.Data[0] == cpSetBaud {
				return appendSubneg(nil, optComPort, cpReply+cpSetBaud, 0, 0, 0x25, 0x80), true
			}
			return nil, false
		}}, cfg: SerialConfig{Baud: 921600}, want: "set the baud rate to 9600, not 921600", typed: true},
		{name: "DTR off", peer: &telnetPeer{answer: func(ev telnetEvent) ([]byte, bool) {
			if ev.Verb == telSB && ev.Data[0] == cpSetControl && ev.Data[1] == ctlDTROn {
				return appendSubneg(nil, optComPort, cpReply+cpSetControl, 9), true
			}
			return nil, false
		}}, want: "set the DTR to off, not on", typed: true},
		{name: "parity unanswered", peer: &telnetPeer{answer: func(ev telnetEvent) ([]byte, bool) {
			return nil, ev.Verb == telSB && ev.Data[0] == cpSetParity
		}}, cfg: SerialConfig{OpenTimeout: 200 * time.Millisecond}, want: "did not answer setting the parity none"},
		{name: "raw TCP", peer: &telnetPeer{prelude: []byte("RDY\r\n"), answer: func(telnetEvent) ([]byte, bool) { return nil, true }},
			cfg: SerialConfig{OpenTimeout: 200 * time.Millisecond}, want: "no RFC 2217 negotiation"},
		{name: "hangs up", peer: &telnetPeer{hangUp: func(ev telnetEvent) bool { return ev.Verb == telSB }}, want: "closed the connection during the RFC 2217 negotiation"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := startPeer(t, tc.peer)
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			port, err := Open(ctx, "rfc2217://"+p.addr, tc.cfg)
			if err == nil {
				port.Close()
				t.Fatal("opened")
			}
			var pe *PortError
			if !errors.As(err, &pe) || pe.Op != "open" || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("%v, want a PortError with %q", err, tc.want)
			}
			var re *RFC2217Error
			if errors.As(err, &re) != tc.typed {
				t.Errorf("%v: RFC2217Error %v", err, !tc.typed)
			}
			if !strings.Contains(pe.Hint(), "telnet(rfc2217)") {
				t.Errorf("hint %q", pe.Hint())
			}
		})
	}
}

// A baud change during the session is answered through the reader, with
// 0xFF doubled inside the value both ways; one the server does not take
// is an error.
func TestRFC2217SetBaud(t *testing.T) {
	p := startPeer(t, &telnetPeer{answer: func(ev telnetEvent) ([]byte, bool) {
		if ev.Verb == telSB && ev.Data[0] == cpSetBaud && binary.BigEndian.Uint32(ev.Data[1:]) == 1234567 {
			return appendSubneg(nil, optComPort, cpReply+cpSetBaud, 0, 1, 0xC2, 0), true
		}
		return nil, false
	}})
	port := mustOpen(t, p, SerialConfig{})
	go io.Copy(io.Discard, port)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := port.SetBaud(ctx, 0xFFFF); err != nil {
		t.Fatal(err)
	}
	p.mu.Lock()
	wire := p.wire.Bytes()
	p.mu.Unlock()
	if want := []byte{telIAC, telSB, optComPort, cpSetBaud, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF, telIAC, telSE}; !bytes.Contains(wire, want) {
		t.Errorf("SET-BAUDRATE 65535 not escaped on the wire: % x", wire)
	}
	err := port.SetBaud(ctx, 1234567)
	var re *RFC2217Error
	if !errors.As(err, &re) || re.Got != "115200" || re.Asked != "1234567" {
		t.Fatalf("%v", err)
	}
}

// The server going away during the session is a PortError on the next
// command, not a hang.
func TestRFC2217ServerGoneIsPortError(t *testing.T) {
	p := startPeer(t, &telnetPeer{})
	port := mustOpen(t, p, SerialConfig{})
	c := New(port, Config{Name: "rfc2217://" + p.addr})
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	go func() {
		p.waitData("AT\r")
		p.conn().Write([]byte("AT\r\r\nOK\r\n"))
	}()
	if _, err := c.Send(ctx, "AT"); err != nil {
		t.Fatal(err)
	}
	p.conn().Close()
	_, err := c.Send(ctx, "AT+CSQ")
	var pe *PortError
	if !errors.As(err, &pe) {
		t.Fatalf("%T %v, want a PortError", err, err)
	}
	if !strings.Contains(pe.Hint(), "serial server closed the connection") {
		t.Errorf("hint %q", pe.Hint())
	}
}

// A baud change the server never answers ends when the connection does,
// not at the caller's deadline.
func TestRFC2217SetBaudServerGone(t *testing.T) {
	p := startPeer(t, &telnetPeer{hangUp: func(ev telnetEvent) bool {
		return ev.Verb == telSB && ev.Data[0] == cpSetBaud && binary.BigEndian.Uint32(ev.Data[1:]) == 9600
	}})
	port := mustOpen(t, p, SerialConfig{})
	go io.Copy(io.Discard, port)
	err := port.SetBaud(context.Background(), 9600)
	if err == nil || !strings.Contains(err.Error(), "connection ended before") {
		t.Fatalf("%v", err)
	}
}

// scriptedConn is a net.Conn whose reads return in, in pieces of at most
// step bytes, then EOF; writes are collected.
type scriptedConn struct {
	net.Conn // nil: only Read, Write and Close are used
	in       []byte
	step     int
	out      bytes.Buffer
}

func (c *scriptedConn) Read(b []byte) (int, error) {
	if len(c.in) == 0 {
		return 0, io.EOF
	}
	n := copy(b[:min(len(b), c.step)], c.in)
	c.in = c.in[n:]
	return n, nil
}

func (c *scriptedConn) Write(b []byte) (int, error) { return c.out.Write(b) }
func (c *scriptedConn) Close() error                { return nil }

// FuzzRFC2217Read: whatever an open port's server sends, Read returns its
// data bytes and nothing else, in any read sizes, without a panic, and
// answers each negotiation command with at most one command.
func FuzzRFC2217Read(f *testing.F) {
	f.Add(telnetStream, uint8(3))
	f.Add([]byte{telIAC, telDONT, optBinary, 'a', telIAC, telWILL, 99, telIAC, telSB, optComPort, cpReply + cpSetControl, telIAC, telSE}, uint8(1))
	f.Fuzz(func(t *testing.T, stream []byte, step uint8) {
		conn := &scriptedConn{in: stream, step: int(step%16) + 1}
		p := newRFC2217Port(conn)
		for _, o := range []byte{optBinary, optSGA} {
			p.opts[o] = telnetOption{us: sideYes, him: sideYes}
		}
		p.opts[optComPort].us = sideYes
		p.expectLocked(cpSetControl, []byte{ctlDTROn})
		var got []byte
		buf := make([]byte, 64)
		for {
			n, err := p.Read(buf)
			got = append(got, buf[:n]...)
			if err != nil {
				break
			}
		}
		want, events := decodeAll(stream)
		if !bytes.HasPrefix(want, got) {
			t.Fatalf("read %q, the stream's data is %q", got, want)
		}
		if p.failure == nil || errors.Is(p.failure, io.EOF) {
			if !bytes.Equal(got, want) {
				t.Fatalf("read %q, want %q", got, want)
			}
		}
		negotiations, signatures := 0, 0
		for _, ev := range events {
			switch {
			case ev.Verb >= telWILL:
				negotiations++
			case ev.Verb == telSB && ev.Opt == optComPort && len(ev.Data) == 1 && ev.Data[0] == cpServerSignature:
				signatures++
			}
		}
		_, sent := decodeAll(conn.out.Bytes())
		if len(sent) > negotiations+signatures {
			t.Fatalf("%d commands sent for %d negotiations and %d signature requests", len(sent), negotiations, signatures)
		}
	})
}

// A server that suspends the data it takes (FLOWCONTROL-SUSPEND, its buffer
// toward the modem full) holds writes until it resumes; a server that goes
// away meanwhile fails them instead of leaving them hanging.
func TestRFC2217FlowControlSuspend(t *testing.T) {
	for _, end := range []string{"resume", "hang up"} {
		t.Run(end, func(t *testing.T) {
			p := startPeer(t, &telnetPeer{})
			port := mustOpen(t, p, SerialConfig{})
			got := make(chan []byte, 16)
			go func() {
				for {
					b := make([]byte, 64)
					n, err := port.Read(b)
					if err != nil {
						close(got)
						return
					}
					got <- b[:n]
				}
			}()
			p.conn().Write(append(appendSubneg(nil, optComPort, cpFlowSuspend), "x"...))
			if b := <-got; string(b) != "x" {
				t.Fatalf("read %q", b)
			}
			port.mu.Lock()
			suspended := port.resumed != nil
			port.mu.Unlock()
			if !suspended {
				t.Fatal("the suspend was not taken")
			}
			wrote := make(chan error, 1)
			go func() {
				_, err := port.Write([]byte("AT\r"))
				wrote <- err
			}()
			if end == "hang up" {
				p.conn().Close()
			} else {
				p.conn().Write(appendSubneg(nil, optComPort, cpFlowResume))
			}
			select {
			case err := <-wrote:
				if end == "resume" && err != nil {
					t.Fatalf("write after the resume: %v", err)
				}
				if end == "hang up" && err == nil {
					t.Fatal("a write to a server gone while suspended succeeded")
				}
			case <-time.After(SuspendLimit / 2):
				t.Fatal("the write did not end")
			}
			if end == "resume" {
				p.waitData("AT\r")
			}
		})
	}
}

// A raw TCP port opened as rfc2217:// whose modem echoes what it gets sends
// atrun's own negotiation back: that is said at once, with the port form to
// use, rather than after the open timeout as a server that never answered.
func TestRFC2217RawPortEchoing(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	go func() {
		conn, err := l.Accept()
		if err != nil {
			return
		}
		defer conn.Close()
		io.Copy(conn, conn) // the modem's echo, through a raw TCP export
	}()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	_, err = OpenRFC2217(ctx, l.Addr().String(), SerialConfig{})
	if err == nil || !strings.Contains(err.Error(), "own telnet negotiation back") || !strings.Contains(err.Error(), "tcp://") {
		t.Fatalf("err = %v", err)
	}
}
