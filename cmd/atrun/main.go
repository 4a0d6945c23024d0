// Command atrun runs Lua scripts that drive cellular modems over AT
// commands, sends one-off commands, replays transcripts, explains logs and
// lists serial ports. Its command line is package atruncli.
package main

import (
	"os"

	"github.com/atrun/atrun/internal/atruncli"
)

func main() {
	growStack()
	os.Exit(atruncli.Main(os.Args, nil))
}

// growStack makes the main goroutine's stack 16 KB while the goroutine is
// two frames deep. Go starts a goroutine's stack at 2 KB and doubles it
// each time a call needs more, and a command's calls need several
// doublings: each one at depth copies the stack and reads the tables of every
// frame on it, whose pages the run touches for nothing else. That was
// 0.8–1.2 ms of a 13 ms start (docs/performance.md, "Start-up: the main
// goroutine's stack").
//
//go:noinline
func growStack() {
	var frame [12 << 10]byte // more than 8 KB: the runtime doubles to 16 in one copy
	touch(frame[:])
}

// touch keeps frame from being optimised away.
//
//go:noinline
func touch(b []byte) { b[0] = 1 }
