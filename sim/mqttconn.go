package sim

import (
	"errors"
	"net"
	"sync/atomic"
	"syscall"
	"time"
)

// linkWatch notices a link that dies between AT+QMTOPEN and AT+QMTCONN (a
// broker dropping a connection that sends no CONNECT shows as +QMTSTAT:
// <idx>,1 right after +QMTOPEN: <idx>,0 on the real module).
type linkWatch struct {
	stopping atomic.Bool
	done     chan error
}

func (m *Modem) watchIdle(l *mqttLink, gen int) *linkWatch {
	w := &linkWatch{done: make(chan error, 1)}
	conn := l.conn
	m.goBackground(func() {
		var b [1]byte
		_, err := conn.Read(b[:])
		if err == nil {
			err = errors.New("broker sent data before CONNECT")
		}
		w.done <- err
		if !w.stopping.Load() {
			m.post(func() { m.linkLost(l, gen, linkOpen, 1) })
		}
	})
	return w
}

// stop ends the watch so MQTT can take the connection over. The read is
// ended by a deadline, which leaves a TLS connection intact.
func (w *linkWatch) stop(conn net.Conn) error {
	w.stopping.Store(true)
	_ = conn.SetReadDeadline(time.Now())
	err := <-w.done
	_ = conn.SetReadDeadline(time.Time{})
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return nil
	}
	return err
}

// cutConn is the connection MQTT runs over. When the simulator cuts the
// link (drop-connection) reads fail with "connection reset by peer", as they
// would if the network had dropped it; a plain local Close would read as
// the client's own doing, which paho does not report as a lost connection.
type cutConn struct {
	net.Conn
	cut atomic.Bool
}

func (c *cutConn) Read(b []byte) (int, error) {
	n, err := c.Conn.Read(b)
	if err != nil && c.cut.Load() {
		err = &net.OpError{Op: "read", Net: "tcp", Err: syscall.ECONNRESET}
	}
	return n, err
}

// cutLink closes raw, the TCP connection under c.
func (c *cutConn) cutLink(raw net.Conn) {
	c.cut.Store(true)
	raw.Close()
}
