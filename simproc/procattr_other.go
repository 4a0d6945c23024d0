//go:build !unix

package simproc

import "syscall"

func ownGroup() *syscall.SysProcAttr { return nil }
