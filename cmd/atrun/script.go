package main

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"

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

// secretNameRE finds the names a script reads with secret("name").
var secretNameRE = regexp.MustCompile(`\bsecret\s*\(?\s*["']([^"']+)["']`)

// secretNames lists the parameters the script reads as secrets. The
// transcript header is written before the script runs, so the values of
// those parameters must be known secret before secret() is called.
func secretNames(src []byte) map[string]bool {
	out := map[string]bool{}
	for _, m := range secretNameRE.FindAllSubmatch(src, -1) {
		out[string(m[1])] = true
	}
	return out
}
