package sim

import (
	"context"
	"encoding/binary"
	"errors"
	"net"
	"time"
)

// SNTP (RFC 4330) over UDP, both sides: the modem's AT+QNTP asks a server,
// and Start runs a server on loopback that scripts on the virtual EC20 can
// ask.

const (
	ntpPacketLen = 48
	ntpTimeout   = 5 * time.Second
	// ntpEpochOffset is the seconds from 1900-01-01 (NTP) to 1970-01-01.
	ntpEpochOffset = 2208988800
)

var errNTPReply = errors.New("not an NTP server reply")

// ntpTime converts a time to the 64-bit NTP timestamp.
func ntpTime(t time.Time) uint64 {
	secs := uint64(t.Unix() + ntpEpochOffset)
	frac := uint64(t.Nanosecond()) << 32 / uint64(time.Second)
	return secs<<32 | frac
}

// fromNTPTime converts a 64-bit NTP timestamp to a time.
func fromNTPTime(v uint64) time.Time {
	secs := int64(v>>32) - ntpEpochOffset
	nanos := int64((v & 0xFFFFFFFF) * uint64(time.Second) >> 32)
	return time.Unix(secs, nanos).UTC()
}

// queryNTP asks the server at addr (host:port) for the time.
func queryNTP(ctx context.Context, dial func(context.Context, string, string) (net.Conn, error), addr string) (time.Time, error) {
	ctx, cancel := context.WithTimeout(ctx, ntpTimeout)
	defer cancel()
	conn, err := dial(ctx, "udp", addr)
	if err != nil {
		return time.Time{}, err
	}
	defer conn.Close()
	stop := context.AfterFunc(ctx, func() { conn.SetDeadline(time.Now()) })
	defer stop()
	req := make([]byte, ntpPacketLen)
	req[0] = 0x23 // LI 0, version 4, mode 3 (client)
	sent := ntpTime(time.Now())
	binary.BigEndian.PutUint64(req[40:], sent)
	if _, err := conn.Write(req); err != nil {
		return time.Time{}, err
	}
	resp := make([]byte, 128)
	n, err := conn.Read(resp)
	if err != nil {
		if ctx.Err() != nil {
			return time.Time{}, context.DeadlineExceeded
		}
		return time.Time{}, err
	}
	// A server reply (mode 4) echoes our transmit time as its originate time.
	if n < ntpPacketLen || resp[0]&0x07 != 4 || binary.BigEndian.Uint64(resp[24:]) != sent || resp[1] == 0 {
		return time.Time{}, errNTPReply
	}
	return fromNTPTime(binary.BigEndian.Uint64(resp[40:])), nil
}

// serveNTP answers SNTP requests on pc with now until pc is closed.
func serveNTP(pc net.PacketConn, now func() time.Time) {
	buf := make([]byte, 512)
	for {
		n, from, err := pc.ReadFrom(buf)
		if err != nil {
			return
		}
		if n < ntpPacketLen || buf[0]&0x07 != 3 {
			continue // not a client request
		}
		resp := make([]byte, ntpPacketLen)
		resp[0] = buf[0]&0x38 | 4 // LI 0, the client's version, mode 4 (server)
		resp[1] = 1               // stratum 1: a primary reference
		resp[2] = buf[2]          // poll
		resp[3] = 0xEC            // precision about 2^-20 s
		copy(resp[12:16], "LOCL") // reference identifier
		t := ntpTime(now())
		binary.BigEndian.PutUint64(resp[16:], t)                                 // reference time
		binary.BigEndian.PutUint64(resp[24:], binary.BigEndian.Uint64(buf[40:])) // originate
		binary.BigEndian.PutUint64(resp[32:], t)                                 // receive
		binary.BigEndian.PutUint64(resp[40:], t)                                 // transmit
		pc.WriteTo(resp, from)
	}
}

// NTPServer is an SNTP server on loopback for the virtual EC20's AT+QNTP.
type NTPServer struct {
	pc net.PacketConn
	// Addr is host:port to give AT+QNTP (host and port apart).
	Addr string
}

// StartNTPServer listens on 127.0.0.1 on a free UDP port and answers with
// the host's time until Close.
func StartNTPServer() (*NTPServer, error) {
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	go serveNTP(pc, time.Now)
	return &NTPServer{pc: pc, Addr: pc.LocalAddr().String()}, nil
}

// Close stops the server.
func (s *NTPServer) Close() error { return s.pc.Close() }
