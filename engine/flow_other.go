//go:build !linux

package engine

import "errors"

func setHardwareFlow(path string) error {
	return errors.New("RTS/CTS flow control is supported on Linux only")
}
