package atruncli

import (
	"os"
	"os/user"
	"strconv"
	"syscall"
)

// deviceGroup returns the name of the group that owns the device at path.
func deviceGroup(path string) (string, bool) {
	fi, err := os.Stat(path)
	if err != nil {
		return "", false
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return "", false
	}
	g, err := user.LookupGroupId(strconv.FormatUint(uint64(st.Gid), 10))
	if err != nil {
		return "", false
	}
	return g.Name, true
}
