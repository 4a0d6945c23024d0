package engine

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"

	"golang.org/x/sys/unix"
)

// setHardwareFlow turns on RTS/CTS flow control for an open serial device.
// The serial library always opens with flow control off and keeps its
// descriptor private; termios settings belong to the device, not to one
// descriptor, so they are set through the descriptor found in
// /proc/self/fd.
func setHardwareFlow(path string) error {
	target, err := filepath.EvalSymlinks(path)
	if err != nil {
		return err
	}
	entries, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		return err
	}
	for _, e := range entries {
		link, err := os.Readlink("/proc/self/fd/" + e.Name())
		if err != nil || link != target {
			continue
		}
		fd, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		t, err := unix.IoctlGetTermios(fd, unix.TCGETS)
		if err != nil {
			return fmt.Errorf("RTS/CTS: %w", err)
		}
		t.Cflag |= unix.CRTSCTS
		if err := unix.IoctlSetTermios(fd, unix.TCSETS, t); err != nil {
			return fmt.Errorf("RTS/CTS: %w", err)
		}
		return nil
	}
	return fmt.Errorf("RTS/CTS: the open descriptor of %s was not found", path)
}
