// Command atrun runs Lua scripts that drive cellular modems over AT
// commands, sends one-off commands, replays transcripts, explains logs and
// lists serial ports. Its command line is package atruncli.
package main

import (
	"os"

	"github.com/atrun/atrun/internal/atruncli"
)

func main() {
	os.Exit(atruncli.Main(os.Args, nil))
}
