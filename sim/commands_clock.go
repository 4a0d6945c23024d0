package sim

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"
	"time"
)

var clockCommands = map[string]handler{
	"+CCLK": cmdCCLK,
	"+QLTS": cmdQLTS,
	"+QNTP": cmdQNTP,
}

// rtc is the module's real-time clock: the modem clock plus what AT+CCLK
// or AT+QNTP set, in a zone of quarter hours. Until then it shows the
// network's time (the host's, in UTC), as after NITZ. Loop-owned.
type rtc struct {
	offset time.Duration
	zone   int // quarter hours east of UTC
}

func (m *Modem) localTime() time.Time {
	z := time.FixedZone("", m.clock.zone*15*60)
	return m.clk.Now().Add(m.clock.offset).In(z)
}

// zoneText is ±zz in quarter hours.
func zoneText(t time.Time) string {
	_, off := t.Zone()
	sign := '+'
	if off < 0 {
		sign, off = '-', -off
	}
	return fmt.Sprintf("%c%02d", sign, off/900)
}

// cmdCCLK reads and sets the clock: "yy/MM/dd,hh:mm:ss±zz".
func cmdCCLK(m *Modem, c *command) result {
	switch c.form {
	case formRead:
		t := m.localTime()
		m.info(fmt.Sprintf(`+CCLK: "%s%s"`, t.Format("06/01/02,15:04:05"), zoneText(t)))
	case formTest:
		return okResult
	case formWrite:
		s, ok := c.strArg(0)
		t, zone, ok2 := parseCCLK(s)
		if !ok || !ok2 || c.argc() > 1 {
			return errorResult
		}
		m.clock = rtc{offset: t.Sub(m.clk.Now()), zone: zone}
	default:
		return errorResult
	}
	return okResult
}

// parseCCLK reads "yy/MM/dd,hh:mm:ss±zz" (the zone may be left out).
func parseCCLK(s string) (time.Time, int, bool) {
	zone := 0
	if n := len(s); n > 3 && (s[n-3] == '+' || s[n-3] == '-') {
		q, err := strconv.Atoi(s[n-2:])
		if err != nil || q > 56 {
			return time.Time{}, 0, false
		}
		if s[n-3] == '-' {
			q = -q
		}
		zone, s = q, s[:n-3]
	}
	t, err := time.ParseInLocation("06/01/02,15:04:05", s, time.FixedZone("", zone*15*60))
	return t, zone, err == nil
}

// cmdQLTS is the time last synchronised from the network: AT+QLTS or
// AT+QLTS=0 that time, 1 the current GMT time, 2 the current local time,
// as "yyyy/MM/dd,hh:mm:ss±zz,<dst>".
func cmdQLTS(m *Modem, c *command) result {
	if c.form == formTest {
		m.info("+QLTS: (0-2)")
		return okResult
	}
	mode, ok := c.optInt(0, 0, 2, 0)
	if (c.form != formExec && c.form != formWrite) || !ok || c.argc() > 1 {
		return errorResult
	}
	if !m.st.registered() {
		m.info(`+QLTS: ""`) // no network time yet
		return okResult
	}
	t := m.clk.Now().UTC()
	if mode == 2 {
		t = m.localTime()
	}
	m.info(fmt.Sprintf(`+QLTS: "%s%s,0"`, t.Format("2006/01/02,15:04:05"), zoneText(t)))
	return okResult
}

// cmdQNTP asks an NTP server over UDP for the time:
// AT+QNTP=<contextID>,"<server>"[,<port>[,<autosettime>]] answers OK, then
// +QNTP: 0,"yyyy/MM/dd,hh:mm:ss±zz"; with autosettime (the default) the
// clock is set. A failure is +QNTP: <err> (565 DNS, 569 timeout, 561 PDP).
func cmdQNTP(m *Modem, c *command) result {
	if c.form == formTest {
		m.info(`+QNTP: (1-16),"<server>",(1-65535),(0,1)`)
		return okResult
	}
	cid, ok1 := c.intArg(0, 1, 16)
	server, ok2 := c.strArg(1)
	port, ok3 := c.optInt(2, 1, 65535, 123)
	autoSet, ok4 := c.optInt(3, 0, 1, 1)
	if c.form != formWrite || !ok1 || !ok2 || !ok3 || !ok4 || server == "" || c.argc() > 4 {
		return errorResult
	}
	if !m.dataContext(cid) {
		m.afterLine = append(m.afterLine, func() { m.urc(fmt.Sprintf("+QNTP: %d", errPDP)) })
		return okResult
	}
	ctx, dial := m.ctx, m.opts.Dial
	m.goBackground(func() {
		t, err := m.ntpQuery(ctx, dial, server, port)
		m.post(func() { m.ntpAnswer(server, t, err, autoSet == 1) })
	})
	return okResult
}

// errNoAddress is a name that resolved to nothing.
var errNoAddress = errors.New("no address")

func (m *Modem) ntpQuery(ctx context.Context, dial func(context.Context, string, string) (net.Conn, error), server string, port int) (time.Time, error) {
	ips, err := m.lookup(ctx, server)
	if err != nil {
		return time.Time{}, &net.DNSError{Err: err.Error(), Name: server}
	}
	if len(ips) == 0 {
		return time.Time{}, &net.DNSError{Err: errNoAddress.Error(), Name: server}
	}
	return queryNTP(ctx, dial, net.JoinHostPort(ips[0], strconv.Itoa(port)))
}

func (m *Modem) ntpAnswer(server string, t time.Time, err error, set bool) {
	var dnsErr *net.DNSError
	switch {
	case errors.As(err, &dnsErr):
		m.tracef("NTP %s: %v", server, err)
		m.urc(fmt.Sprintf("+QNTP: %d", errDNS))
		return
	case err != nil:
		m.tracef("NTP %s: %v", server, err)
		m.urc(fmt.Sprintf("+QNTP: %d", errTimeout))
		return
	}
	m.tracef("NTP %s: %s", server, t.Format(time.RFC3339))
	if set {
		m.clock.offset = t.Sub(m.clk.Now())
	}
	t = t.In(time.FixedZone("", m.clock.zone*15*60))
	m.urc(fmt.Sprintf(`+QNTP: 0,"%s%s"`, t.Format("2006/01/02,15:04:05"), zoneText(t)))
}
