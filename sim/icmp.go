package sim

import (
	"context"
	"errors"
	"net"
	"os"
	"sync"
	"time"

	"golang.org/x/net/icmp"
	"golang.org/x/net/ipv4"
)

// Real ICMP echo for AT+QPING, where the host allows it: an ICMP datagram
// socket ("ping socket", for the groups in net.ipv4.ping_group_range), else
// a raw socket (root). Neither allowed: pingers() reports none and the
// modem makes its replies up.

// pingSocket is how this process may send ICMP: "udp4" (datagram) or
// "ip4:icmp" (raw), "" when neither works. Found once.
var pingSocket = sync.OnceValue(func() string { // a variable: tests replace it
	for _, network := range []string{"udp4", "ip4:icmp"} {
		c, err := icmp.ListenPacket(network, "0.0.0.0")
		if err == nil {
			c.Close()
			return network
		}
	}
	return ""
})

// errNoEcho is an echo request that got no reply in time.
var errNoEcho = errors.New("no echo reply")

// echo sends one ICMP echo request to ip and waits up to timeout for its
// reply; it returns the round trip and the reply's TTL.
func echo(ctx context.Context, network, ip string, seq int, timeout time.Duration) (time.Duration, int, error) {
	c, err := icmp.ListenPacket(network, "0.0.0.0")
	if err != nil {
		return 0, 0, err
	}
	defer c.Close()
	p := c.IPv4PacketConn()
	_ = p.SetControlMessage(ipv4.FlagTTL, true)
	stop := context.AfterFunc(ctx, func() { c.SetDeadline(time.Now()) })
	defer stop()
	id := os.Getpid() & 0xFFFF
	msg := icmp.Message{Type: ipv4.ICMPTypeEcho, Body: &icmp.Echo{ID: id, Seq: seq, Data: make([]byte, pingBytes)}}
	b, err := msg.Marshal(nil)
	if err != nil {
		return 0, 0, err
	}
	var dst net.Addr = &net.IPAddr{IP: net.ParseIP(ip)}
	if network == "udp4" {
		dst = &net.UDPAddr{IP: net.ParseIP(ip)}
	}
	start := time.Now()
	if _, err := c.WriteTo(b, dst); err != nil {
		return 0, 0, err
	}
	_ = c.SetReadDeadline(start.Add(timeout))
	buf := make([]byte, 1500)
	for {
		n, cm, _, err := p.ReadFrom(buf)
		if err != nil {
			return 0, 0, errNoEcho
		}
		reply, err := icmp.ParseMessage(1, buf[:n])
		if err != nil || reply.Type != ipv4.ICMPTypeEchoReply {
			continue
		}
		// A datagram socket's kernel picks the ID and filters replies; a raw
		// socket sees every reply on the host and must match its own.
		if e, ok := reply.Body.(*icmp.Echo); !ok || e.Seq != seq || (network != "udp4" && e.ID != id) {
			continue
		}
		ttl := pingTTL
		if cm != nil && cm.TTL > 0 {
			ttl = cm.TTL
		}
		return time.Since(start), ttl, nil
	}
}
