package enginetest

import (
	"os"
	"testing"

	"github.com/creack/pty"
	"golang.org/x/sys/unix"
)

// OpenPTY returns the master of a new pseudo-terminal, usable with
// deadlines and unblocked by Close, and the path of its slave. The slave
// stays open for the test's life, so master reads do not fail with EIO
// while no client has it open. It skips the test where there are no ptys.
func OpenPTY(t testing.TB) (*os.File, string) {
	t.Helper()
	master, tty, err := pty.Open()
	if err != nil {
		t.Skip("no pseudo-terminals here:", err)
	}
	// pty.Open leaves the master blocking, which makes it ignore deadlines
	// and keeps Close from unblocking a Read; a non-blocking duplicate
	// fixes both.
	fd, err := unix.Dup(int(master.Fd()))
	if err != nil {
		t.Fatal(err)
	}
	master.Close()
	if err := unix.SetNonblock(fd, true); err != nil {
		t.Fatal(err)
	}
	m := os.NewFile(uintptr(fd), "/dev/ptmx")
	t.Cleanup(func() {
		m.Close()
		tty.Close()
	})
	return m, tty.Name()
}

// StartStale starts the fake modem on a new pseudo-terminal whose line is
// already raw, as an earlier program leaves it, and already holds stale:
// bytes the modem sent before the port is opened, waiting in its input,
// neither echoed nor changed by the line discipline. It returns the fake
// and the device to open. The fake answers in reads of 3 bytes.
func StartStale(t testing.TB, stale string, steps ...Step) (*Fake, string) {
	t.Helper()
	master, slave := OpenPTY(t)
	f, err := os.OpenFile(slave, os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	tio, err := unix.IoctlGetTermios(int(f.Fd()), unix.TCGETS)
	if err != nil {
		t.Fatal(err)
	}
	tio.Lflag &^= unix.ECHO | unix.ECHONL | unix.ICANON | unix.ISIG | unix.IEXTEN
	tio.Iflag &^= unix.ICRNL | unix.INLCR | unix.IGNCR | unix.IXON
	tio.Oflag &^= unix.OPOST
	if err := unix.IoctlSetTermios(int(f.Fd()), unix.TCSETS, tio); err != nil {
		t.Fatal(err)
	}
	if _, err := master.Write([]byte(stale)); err != nil {
		t.Fatal(err)
	}
	return Run(t, master, 3, steps...), slave
}
