//go:build unix

package simproc

import "syscall"

// ownGroup puts the child in a process group of its own: Ctrl+C on the
// terminal reaches atrun alone, which stops the run cleanly (leaving the
// modem in command mode) before it stops the child.
func ownGroup() *syscall.SysProcAttr { return &syscall.SysProcAttr{Setpgid: true} }
