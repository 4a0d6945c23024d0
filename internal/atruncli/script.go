package atruncli

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/atrun/atrun/luabind"
	"github.com/atrun/atrun/scripts"
)

// loadScript reads SCRIPT: a file when one exists at that path, else the
// shipped script of that name.
func loadScript(arg string) (luabind.Script, error) {
	src, err := os.ReadFile(arg)
	if err == nil {
		return luabind.Script{Name: arg, Source: src, Dir: filepath.Dir(arg)}, nil
	}
	var pe *os.PathError
	if !errors.Is(err, fs.ErrNotExist) && errors.As(err, &pe) {
		// The file is there but cannot be read: say so rather than
		// fall back on a shipped script of the same name.
		return luabind.Script{}, usagef("cannot read the script %s: %v", arg, pe.Err)
	}
	src, name, lerr := scripts.Lookup(arg)
	if lerr != nil {
		return luabind.Script{}, usagef("script not found: %s (and no shipped script of that name: run 'atrun scripts')", arg)
	}
	return luabind.Script{Name: name, Source: src}, nil
}

// checkSyntax compiles the script without running it, so that a syntax
// error is reported before the modem is touched.
func checkSyntax(s luabind.Script) error { return luabind.Check(s) }
