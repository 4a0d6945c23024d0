package simproc

import (
	"fmt"
	"net"
	"os"
	"syscall"
)

// socketPairs makes n connected pairs of Unix stream sockets: this
// process's ends as net.Conns, the child's as files to pass it.
func socketPairs(n int) (ours []net.Conn, theirs []*os.File, err error) {
	for i := range n {
		fds, err := syscall.Socketpair(syscall.AF_UNIX, syscall.SOCK_STREAM|syscall.SOCK_CLOEXEC, 0)
		if err != nil {
			closeConns(ours)
			closeFiles(theirs)
			return nil, nil, fmt.Errorf("a socket for virtual modem %d: %w", i+1, err)
		}
		f := os.NewFile(uintptr(fds[0]), "link")
		c, err := net.FileConn(f)
		f.Close()
		if err != nil {
			syscall.Close(fds[1])
			closeConns(ours)
			closeFiles(theirs)
			return nil, nil, fmt.Errorf("a socket for virtual modem %d: %w", i+1, err)
		}
		ours = append(ours, c)
		theirs = append(theirs, os.NewFile(uintptr(fds[1]), fmt.Sprintf("link %d", i+1)))
	}
	return ours, theirs, nil
}
