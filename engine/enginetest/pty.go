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
