// Package scripts holds the Lua scripts shipped inside the atrun binary, so
// that `atrun run ec20_mqtts` works from any folder, and the Lua modules
// they share (lib/, loaded with require).
package scripts

import (
	"bufio"
	"bytes"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
)

//go:embed *.lua lib/*.lua
var files embed.FS

// Modules is what require() loads: require("quectel") reads lib/quectel.lua.
var Modules fs.FS = mustSub(files, "lib")

func mustSub(f fs.FS, dir string) fs.FS {
	sub, err := fs.Sub(f, dir)
	if err != nil {
		panic(err) // the embed pattern above guarantees the folder
	}
	return sub
}

// Info describes a shipped script.
type Info struct {
	Name    string // "ec20_mqtts"
	Summary string // its first comment line
}

// List returns the shipped scripts, sorted by name.
func List() []Info {
	entries, _ := fs.ReadDir(files, ".")
	var out []Info
	for _, e := range entries {
		name, ok := strings.CutSuffix(e.Name(), ".lua")
		if !ok || e.IsDir() {
			continue
		}
		src, _ := fs.ReadFile(files, e.Name())
		out = append(out, Info{Name: name, Summary: summary(src)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// Lookup returns a shipped script's source and the name errors give it
// ("scripts/ec20_mqtts.lua"). name may carry the .lua suffix.
func Lookup(name string) (src []byte, fullName string, err error) {
	base := strings.TrimSuffix(path.Base(name), ".lua")
	src, err = fs.ReadFile(files, base+".lua")
	if err != nil {
		return nil, "", fmt.Errorf("no shipped script %q (run 'atrun scripts' for the list)", name)
	}
	return src, "scripts/" + base + ".lua", nil
}

// summary is the text of the script's first "-- " comment line.
func summary(src []byte) string {
	sc := bufio.NewScanner(bytes.NewReader(src))
	for sc.Scan() {
		if line, ok := strings.CutPrefix(strings.TrimSpace(sc.Text()), "--"); ok {
			return strings.TrimSpace(line)
		}
	}
	return ""
}
