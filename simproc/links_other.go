//go:build !linux

package simproc

import (
	"errors"
	"net"
	"os"
)

// socketPairs is Linux's: elsewhere a fleet is served on devices.
func socketPairs(int) ([]net.Conn, []*os.File, error) {
	return nil, nil, errors.New("virtual modems on sockets (Options.Links) need Linux")
}
