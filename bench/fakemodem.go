package main

import (
	"bytes"
	"fmt"
	"os"
	"sync"
	"time"

	"github.com/creack/pty"
	"golang.org/x/sys/unix"
)

// csqAnswer is what the fake modem sends after the echo of AT+CSQ; any
// other command gets a plain OK.
const csqAnswer = "\r\n+CSQ: 19,99\r\n\r\nOK\r\n"

// fakeModem is the modem's side of a pseudo-terminal: it echoes what the
// host writes and answers each command (a CR) at once: AT+CSQ with a
// signal quality and OK, anything else with OK. It keeps the time the
// first byte arrived, for the start-up figures.
type fakeModem struct {
	master *os.File // owned by serve, closed by close
	tty    *os.File // the slave, held open so that master reads do not fail with EIO
	path   string   // the slave's path, what the clients open

	once  sync.Once
	first chan time.Time // receives the arrival time of the first byte
	done  chan struct{}  // closed when serve returns
}

func startFakeModem() (*fakeModem, error) {
	master, tty, err := pty.Open()
	if err != nil {
		return nil, fmt.Errorf("no pseudo-terminal: %w", err)
	}
	// pty.Open leaves the master blocking, so Close would not unblock a
	// Read; a non-blocking duplicate goes through Go's poller and does.
	fd, err := unix.Dup(int(master.Fd()))
	master.Close()
	if err == nil {
		err = unix.SetNonblock(fd, true)
	}
	if err != nil {
		tty.Close()
		return nil, err
	}
	m := &fakeModem{
		master: os.NewFile(uintptr(fd), "/dev/ptmx"), tty: tty, path: tty.Name(),
		first: make(chan time.Time, 1), done: make(chan struct{}),
	}
	go m.serve()
	return m, nil
}

func (m *fakeModem) serve() {
	defer close(m.done)
	buf := make([]byte, 512)
	out := make([]byte, 0, 512)
	var line []byte // the command being received
	for {
		n, err := m.master.Read(buf)
		if n > 0 {
			m.once.Do(func() { m.first <- time.Now() })
			out = out[:0]
			for _, c := range buf[:n] {
				out = append(out, c) // echo on
				switch c {
				case '\r':
					out = append(out, answerTo(line)...)
					line = line[:0]
				case '\n':
				default:
					line = append(line, c)
				}
			}
			if _, err := m.master.Write(out); err != nil {
				return
			}
		}
		if err != nil {
			return
		}
	}
}

func answerTo(cmd []byte) string {
	if bytes.EqualFold(bytes.TrimSpace(cmd), []byte("AT+CSQ")) {
		return csqAnswer
	}
	return "\r\nOK\r\n"
}

func (m *fakeModem) close() {
	m.master.Close()
	<-m.done
	m.tty.Close()
}
