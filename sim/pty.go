package sim

import (
	"fmt"
	"os"
	"time"

	"github.com/creack/pty"
	"golang.org/x/sys/unix"
)

// PTY is a pseudo-terminal: the simulator serves the master side, any
// program opens Path (/dev/pts/N) as if it were the modem's serial port.
//
// The slave side stays open in the simulator for its whole life, so the
// master never sees a hang-up when clients open and close the port, and
// bytes written while no client is there wait for the next one, as
// socat's pty does.
type PTY struct {
	Path   string
	master *os.File
	slave  *os.File
}

// OpenPTY opens a pseudo-terminal in raw mode.
func OpenPTY() (*PTY, error) {
	m, s, err := pty.Open()
	if err != nil {
		return nil, fmt.Errorf("open pty: %w", err)
	}
	if err := makeRaw(s); err != nil {
		m.Close()
		s.Close()
		return nil, err
	}
	master, err := nonBlocking(m)
	if err != nil {
		s.Close()
		return nil, err
	}
	return &PTY{Path: s.Name(), master: master, slave: s}, nil
}

// nonBlocking replaces the master with a non-blocking duplicate. pty.Open
// leaves it in blocking mode, where read deadlines are ignored and Close
// does not end a pending Read; the duplicate goes through Go's poller.
func nonBlocking(m *os.File) (*os.File, error) {
	var fd int
	err := withFd(m, func(orig int) (err error) {
		fd, err = unix.FcntlInt(uintptr(orig), unix.F_DUPFD_CLOEXEC, 0)
		return err
	})
	m.Close()
	if err != nil {
		return nil, fmt.Errorf("dup pty master: %w", err)
	}
	if err := unix.SetNonblock(fd, true); err != nil {
		unix.Close(fd)
		return nil, fmt.Errorf("pty master non-blocking: %w", err)
	}
	return os.NewFile(uintptr(fd), "/dev/ptmx"), nil
}

// makeRaw puts the line discipline in raw mode. Without it the slave
// echoes the simulator's own output back to it and turns CR into LF before
// any client has set the port up.
func makeRaw(f *os.File) error {
	err := withFd(f, func(fd int) error {
		t, err := unix.IoctlGetTermios(fd, unix.TCGETS)
		if err != nil {
			return err
		}
		t.Iflag &^= unix.IGNBRK | unix.BRKINT | unix.PARMRK | unix.ISTRIP | unix.INLCR | unix.IGNCR | unix.ICRNL | unix.IXON
		t.Oflag &^= unix.OPOST
		t.Lflag &^= unix.ECHO | unix.ECHONL | unix.ICANON | unix.ISIG | unix.IEXTEN
		t.Cflag &^= unix.CSIZE | unix.PARENB
		t.Cflag |= unix.CS8
		t.Cc[unix.VMIN], t.Cc[unix.VTIME] = 1, 0
		return unix.IoctlSetTermios(fd, unix.TCSETS, t)
	})
	if err != nil {
		return fmt.Errorf("pty raw mode: %w", err)
	}
	return nil
}

// withFd runs f with the file's descriptor without switching it to
// blocking mode (as File.Fd would).
func withFd(file *os.File, f func(fd int) error) error {
	rc, err := file.SyscallConn()
	if err != nil {
		return err
	}
	var ferr error
	if err := rc.Control(func(fd uintptr) { ferr = f(int(fd)) }); err != nil {
		return err
	}
	return ferr
}

// Read reads what clients wrote to the port.
func (p *PTY) Read(b []byte) (int, error) { return p.master.Read(b) }

// Write sends bytes to the port's clients.
func (p *PTY) Write(b []byte) (int, error) { return p.master.Write(b) }

// SetReadDeadline bounds a pending Read (Serve uses it to stop its reader).
func (p *PTY) SetReadDeadline(t time.Time) error { return p.master.SetReadDeadline(t) }

// SetWriteDeadline bounds a pending Write (a client that never reads fills
// the terminal's buffer and blocks the writer).
func (p *PTY) SetWriteDeadline(t time.Time) error { return p.master.SetWriteDeadline(t) }

// Close closes both sides; the device disappears.
func (p *PTY) Close() error {
	err := p.master.Close()
	if err2 := p.slave.Close(); err == nil {
		err = err2
	}
	return err
}
