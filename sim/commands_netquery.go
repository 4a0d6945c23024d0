package sim

import (
	"context"
	"fmt"
	"net"
	"time"
)

// lookupTimeout bounds a DNS query of AT+QIDNSGIP, AT+QPING and AT+QNTP.
const lookupTimeout = 10 * time.Second

// resolver resolves names for the modem through Options.Dial: the host's
// /etc/hosts and DNS servers, so "localhost" and every name the host
// resolves work, and tests that keep the modem off the network keep it off
// DNS too.
func (m *Modem) resolver() *net.Resolver {
	return &net.Resolver{PreferGo: true, Dial: m.opts.Dial}
}

// lookup resolves host to IPv4 addresses (the PDP context is IPv4); an
// address is its own answer.
func (m *Modem) lookup(ctx context.Context, host string) ([]string, error) {
	if ip := net.ParseIP(host); ip != nil {
		return []string{ip.String()}, nil
	}
	ctx, cancel := context.WithTimeout(ctx, lookupTimeout)
	defer cancel()
	ips, err := m.resolver().LookupIP(ctx, "ip4", host)
	if err != nil {
		return nil, err
	}
	out := make([]string, len(ips))
	for i, ip := range ips {
		out[i] = ip.String()
	}
	return out, nil
}

// dataContext brings up PDP context cid for a TCP/IP command, as the module
// does on its own for AT+QMTOPEN; false when it cannot (no attach,
// pdp-failure).
func (m *Modem) dataContext(cid int) bool {
	if c := m.st.pdp[cid]; c != nil && c.active {
		return true
	}
	return m.activate(cid)
}

// Result codes of the TCP/IP commands (EC2x TCP/IP application note,
// summary of error codes).
const (
	errPDP     = 561
	errDNS     = 565
	errTimeout = 569
)

// dnsTTL is the time to live AT+QIDNSGIP reports; the resolver does not
// give one.
const dnsTTL = 600

// cmdQIDNSGIP resolves a name with the host's real resolver:
// AT+QIDNSGIP=<contextID>,"<hostname>" answers OK, then
// +QIURC: "dnsgip",<err>,<count>,<ttl> and one +QIURC: "dnsgip","<ip>" per
// address; a failure is +QIURC: "dnsgip",<err>.
func cmdQIDNSGIP(m *Modem, c *command) result {
	if c.form == formTest {
		m.info(`+QIDNSGIP: (1-16),<hostname>`)
		return okResult
	}
	cid, ok1 := c.intArg(0, 1, 16)
	host, ok2 := c.strArg(1)
	if c.form != formWrite || !ok1 || !ok2 || host == "" || c.argc() != 2 {
		return errorResult
	}
	if !m.dataContext(cid) {
		m.afterLine = append(m.afterLine, func() { m.urc(fmt.Sprintf(`+QIURC: "dnsgip",%d`, errPDP)) })
		return okResult
	}
	ctx := m.ctx
	m.goBackground(func() {
		ips, err := m.lookup(ctx, host)
		m.post(func() { m.dnsAnswer(host, ips, err) })
	})
	return okResult
}

func (m *Modem) dnsAnswer(host string, ips []string, err error) {
	if err != nil || len(ips) == 0 {
		m.tracef("DNS %s: %v", host, err)
		m.urc(fmt.Sprintf(`+QIURC: "dnsgip",%d`, errDNS))
		return
	}
	m.tracef("DNS %s: %v", host, ips)
	m.urc(fmt.Sprintf(`+QIURC: "dnsgip",0,%d,%d`, len(ips), dnsTTL))
	for _, ip := range ips {
		m.urc(fmt.Sprintf(`+QIURC: "dnsgip","%s"`, ip))
	}
}

// Echo replies are real ICMP where the host lets this process send it (see
// icmp.go) and Options.Dial is the host's; otherwise they are made up: every resolved address answers in
// pingRTT with pingTTL. The name is always resolved for real.
const (
	pingBytes = 32
	pingTTL   = 64
	pingRTT   = 1 // milliseconds
)

// cmdQPING is AT+QPING=<contextID>,"<host>"[,<timeout>[,<pingnum>]]: OK,
// then +QPING: 0,"<ip>",<bytes>,<time>,<ttl> per reply (+QPING: 569 for
// one that timed out) and the summary
// +QPING: 0,<sent>,<rcvd>,<lost>,<min>,<max>,<avg>; a failure before any
// echo is +QPING: <err>.
func cmdQPING(m *Modem, c *command) result {
	if c.form == formTest {
		m.info(`+QPING: (1-16),<host>,(1-255),(1-10)`)
		return okResult
	}
	cid, ok1 := c.intArg(0, 1, 16)
	host, ok2 := c.strArg(1)
	timeout, ok3 := c.optInt(2, 1, 255, 4)
	count, ok4 := c.optInt(3, 1, 10, 4)
	if c.form != formWrite || !ok1 || !ok2 || !ok3 || !ok4 || host == "" || c.argc() > 4 {
		return errorResult
	}
	if !m.dataContext(cid) {
		m.afterLine = append(m.afterLine, func() { m.urc(fmt.Sprintf("+QPING: %d", errPDP)) })
		return okResult
	}
	ctx := m.ctx
	m.goBackground(func() {
		ips, err := m.lookup(ctx, host)
		if err != nil || len(ips) == 0 {
			m.post(func() {
				m.tracef("ping %s: %v", host, err)
				m.urc(fmt.Sprintf("+QPING: %d", errDNS))
			})
			return
		}
		m.ping(ctx, ips[0], time.Duration(timeout)*time.Second, count)
	})
	return okResult
}

// ping sends count echo requests one after the other, posting a URC for
// each reply and the summary. Runs off the loop.
func (m *Modem) ping(ctx context.Context, ip string, timeout time.Duration, count int) {
	network := ""
	if m.opts.realNetwork {
		network = pingSocket()
	}
	m.post(func() {
		if network == "" {
			m.tracef("ping %s: %d replies made up (no ICMP socket allowed to this process)", ip, count)
		} else {
			m.tracef("ping %s: %d ICMP echo requests (%s socket)", ip, count, network)
		}
	})
	var rtts []int
	for seq := 1; seq <= count && ctx.Err() == nil; seq++ {
		rtt, ttl := pingRTT, pingTTL
		if network != "" {
			d, t, err := echo(ctx, network, ip, seq, timeout)
			if err != nil {
				m.post(func() { m.urc(fmt.Sprintf("+QPING: %d", errTimeout)) })
				continue
			}
			rtt, ttl = int(d.Milliseconds()), t
		}
		rtts = append(rtts, rtt)
		line := fmt.Sprintf(`+QPING: 0,"%s",%d,%d,%d`, ip, pingBytes, rtt, ttl)
		m.post(func() { m.urc(line) })
	}
	summary := pingSummary(count, rtts)
	m.post(func() { m.urc(summary) })
}

// pingSummary is +QPING: 0,<sent>,<rcvd>,<lost>,<min>,<max>,<avg>.
func pingSummary(sent int, rtts []int) string {
	lo, hi, sum := 0, 0, 0
	for i, r := range rtts {
		if i == 0 || r < lo {
			lo = r
		}
		hi = max(hi, r)
		sum += r
	}
	avg := 0
	if len(rtts) > 0 {
		avg = sum / len(rtts)
	}
	return fmt.Sprintf("+QPING: 0,%d,%d,%d,%d,%d,%d", sent, len(rtts), sent-len(rtts), lo, hi, avg)
}
