module github.com/atrun/atrun/bench

go 1.26.8

// The harness builds atrun from this repository (../cmd/atrun); the
// replace keeps any import of the main module on the working copy.
replace github.com/atrun/atrun => ../

require (
	github.com/creack/pty v1.1.24
	go.bug.st/serial v1.8.0
	golang.org/x/sys v0.43.0
)
