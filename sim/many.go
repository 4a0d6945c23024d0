package sim

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
)

// Identity is what tells one modem from another: the IMEI of AT+GSN, the
// ICCID of AT+QCCID and the IMSI of AT+CIMI. A fleet gives each member its
// own, so that a script that names its MQTT client after the IMEI, or a
// lab's inventory keyed by it, sees distinct modems.
type Identity struct {
	IMEI, ICCID, IMSI string
}

// withDefaults fills what is empty with the single simulator's identity,
// which is a fleet's first member's: IMEI 860000000000017, ICCID
// 89860000000000000019, IMSI 001010000000018.
func (id Identity) withDefaults() Identity {
	first := IdentityOf(1)
	if id.IMEI == "" {
		id.IMEI = first.IMEI
	}
	if id.ICCID == "" {
		id.ICCID = first.ICCID
	}
	if id.IMSI == "" {
		id.IMSI = first.IMSI
	}
	return id
}

// IdentityOf is the identity of a fleet's member n (from 1): valid IMEI
// and ICCID check digits (Luhn), the test network's IMSI range (MCC 001,
// MNC 01).
func IdentityOf(n int) Identity {
	serial := fmt.Sprintf("%06d", n)
	return Identity{
		IMEI:  withLuhn("86000000" + serial),
		ICCID: withLuhn("8986000000000" + serial),
		IMSI:  fmt.Sprintf("00101%08d18", n-1),
	}
}

// withLuhn appends the Luhn check digit that IMEIs and ICCIDs end with.
func withLuhn(digits string) string {
	sum := 0
	for i := len(digits) - 1; i >= 0; i-- {
		d := int(digits[i] - '0')
		if (len(digits)-1-i)%2 == 0 {
			if d *= 2; d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return digits + strconv.Itoa((10-sum%10)%10)
}

func cmdIMEI(m *Modem, c *command) result {
	if c.form != formExec {
		return okTest(c)
	}
	m.info(m.opts.Identity.IMEI)
	return okResult
}

// Fleet is several virtual EC20s, each on its own pseudo-terminal with its
// own identity, sharing one broker, one set of echo and web servers and
// one NTP server: a lab of modems on one machine.
type Fleet struct {
	// Sims are the members, in order; Sims[i] has IdentityOf(i+1). The
	// first owns the shared servers; closing any one member alone closes
	// only its modem and pseudo-terminal.
	Sims []*Sim

	seeded     <-chan struct{} // closed once the TLS session seeding is over
	cancelSeed func()
}

// StartFleet starts n virtual EC20s with opts (Link, Line and Identity are
// ignored: each member has its own device and identity). It stops them
// all when ctx ends or Close is called.
func StartFleet(ctx context.Context, n int, opts Options) (*Fleet, error) {
	return startFleet(ctx, n, nil, opts)
}

// StartFleetOn is StartFleet with member i served on lines[i] instead of
// a pseudo-terminal of its own: one member for each line. It owns the
// lines: Close closes them, and so does a failed start.
func StartFleetOn(ctx context.Context, lines []io.ReadWriteCloser, opts Options) (*Fleet, error) {
	return startFleet(ctx, len(lines), lines, opts)
}

func startFleet(ctx context.Context, n int, lines []io.ReadWriteCloser, opts Options) (*Fleet, error) {
	if n < 1 {
		return nil, fmt.Errorf("sim: a fleet needs at least 1 modem, not %d", n)
	}
	opts.Link, opts.Line = "", nil
	opts.tlsSessions = newSessionCache()
	lineOf := func(i int) io.ReadWriteCloser { // of member i, from 1
		if lines == nil {
			return nil
		}
		return lines[i-1]
	}
	first := opts
	first.Identity, first.Log, first.Line = IdentityOf(1), memberLog(opts.Log, 1), lineOf(1)
	s, err := Start(ctx, first) // closes lines[0] if it fails
	if err != nil {
		closeLines(lines[min(1, len(lines)):])
		return nil, err
	}
	f := &Fleet{Sims: []*Sim{s}}
	if n > 1 {
		f.seeded, f.cancelSeed = seedSessions(ctx, s, opts.tlsSessions)
	}
	for i := 2; i <= n; i++ {
		opts.Line = lineOf(i)
		m, err := s.member(ctx, opts, i)
		if err != nil {
			f.Close()
			if lines != nil {
				closeLines(lines[i-1:]) // this member's and those not started
			}
			return nil, fmt.Errorf("sim: modem %d of %d: %w", i, n, err)
		}
		f.Sims = append(f.Sims, m)
	}
	return f, nil
}

// member starts a modem on opts.Line or a new pseudo-terminal that uses
// s's broker and servers.
func (s *Sim) member(ctx context.Context, opts Options, n int) (*Sim, error) {
	p, path, err := opts.line()
	if err != nil {
		return nil, err
	}
	opts.Identity, opts.Log = IdentityOf(n), memberLog(opts.Log, n)
	if opts.Seed != 0 {
		// Repeatable, but not the same random choices on every member.
		opts.Seed += int64(n - 1)
	}
	m := &Sim{
		DevicePath: path, BrokerAddr: s.BrokerAddr, BrokerURL: s.BrokerURL, CAFile: s.CAFile,
		Username: s.Username, Password: s.Password, Broker: s.Broker, Servers: s.Servers,
		NTPAddr: s.NTPAddr, ntp: s.ntp, shared: true,
		Modem: NewModem(opts), line: p, served: make(chan struct{}),
	}
	runCtx, cancel := context.WithCancel(ctx)
	m.cancel = cancel
	if opts.Reply != "" {
		m.Modem.reply.send = func(topic string) {
			if err := m.Broker.Publish(runCtx, topic, []byte(opts.Reply), 1, false); err != nil && opts.Log != nil {
				opts.Log(fmt.Sprintf("broker: the reply on %s failed: %v", topic, err))
			}
		}
	}
	go func() {
		defer close(m.served)
		m.serveErr = m.Modem.Serve(runCtx, p)
	}()
	return m, nil
}

// memberLog starts the log lines of member n with "modem n: ", so that
// the lines of modems sharing one log say which modem they come from.
func memberLog(log func(string), n int) func(string) {
	if log == nil {
		return nil
	}
	return func(line string) { log(fmt.Sprintf("modem %d: %s", n, line)) }
}

// Close stops every member, then the shared broker and servers.
func (f *Fleet) Close() error {
	if f.cancelSeed != nil {
		f.cancelSeed()
		<-f.seeded
	}
	var errs []error
	for i := len(f.Sims) - 1; i >= 0; i-- {
		errs = append(errs, f.Sims[i].Close())
	}
	return errors.Join(errs...)
}

func closeLines(lines []io.ReadWriteCloser) {
	for _, l := range lines {
		closeLine(l)
	}
}
