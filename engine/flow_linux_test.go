package engine

import "golang.org/x/sys/unix"

// hardwareFlow reports whether RTS/CTS is on for the device at path.
func hardwareFlow(path string) (bool, error) {
	fd, err := unix.Open(path, unix.O_RDWR|unix.O_NOCTTY|unix.O_NONBLOCK, 0)
	if err != nil {
		return false, err
	}
	defer unix.Close(fd)
	t, err := unix.IoctlGetTermios(fd, unix.TCGETS)
	if err != nil {
		return false, err
	}
	return t.Cflag&unix.CRTSCTS != 0, nil
}
