module github.com/atrun/atrun/bench

go 1.26.8

require (
	github.com/atrun/atrun v0.0.0
	github.com/creack/pty v1.1.24
	go.bug.st/serial v1.8.0
	golang.org/x/sys v0.43.0
)

// The engine client measures this working copy of atrun's engine, as the
// harness measures the atrun it builds from ../cmd/atrun. When the engine
// gains a dependency, run `go mod tidy` here too (CI vets this module).
replace github.com/atrun/atrun => ../
