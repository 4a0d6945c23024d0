package main

import (
	"os/exec"
	"runtime"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

func TestPinPlaces(t *testing.T) {
	if _, err := exec.LookPath("taskset"); err != nil {
		t.Skip("no taskset here")
	}
	if _, _, err := pinPlaces("both"); err == nil || !strings.Contains(err.Error(), "split or same") {
		t.Errorf("-pin both: %v, want an error naming the values", err)
	}
	m, c, err := pinPlaces("same")
	if err != nil || m != c {
		t.Errorf("-pin same: %d %d %v", m, c, err)
	}
	m, c, err = pinPlaces("split")
	switch {
	case numCPU() < 2 && (err == nil || !strings.Contains(err.Error(), "needs 2 CPUs")):
		t.Errorf("-pin split on one CPU: %v", err)
	case numCPU() >= 2 && (err != nil || m == c):
		t.Errorf("-pin split: %d %d %v", m, c, err)
	}
}

// Pinning moves every thread, and unpinning gives them every CPU back: the
// start-up comparison after a pinned round trip must not run on one CPU.
func TestPinSelfAndBack(t *testing.T) {
	runtime.LockOSThread() // a thread of this process, checked below
	defer runtime.UnlockOSThread()
	if err := pinSelf(0); err != nil {
		t.Fatal(err)
	}
	var set unix.CPUSet
	if err := unix.SchedGetaffinity(0, &set); err != nil {
		t.Fatal(err)
	}
	if set.Count() != 1 || !set.IsSet(0) {
		t.Errorf("pinned to CPU 0, the thread may run on %d CPUs", set.Count())
	}
	if err := pinSelf(-1); err != nil {
		t.Fatal(err)
	}
	if err := unix.SchedGetaffinity(0, &set); err != nil {
		t.Fatal(err)
	}
	if set.Count() != numCPU() {
		t.Errorf("unpinned, the thread may run on %d of %d CPUs", set.Count(), numCPU())
	}
	if got := strings.Join(pinned(1, []string{"atrun", "run"}), " "); got != "taskset --cpu-list 1 atrun run" {
		t.Errorf("pinned argv: %s", got)
	}
}

// -pin auto (the default) is split where split works and unpinned, with
// the reason, where it does not; none is unpinned.
func TestDefaultPin(t *testing.T) {
	if p, why := defaultPin("none"); p != "" || why != "" {
		t.Errorf("-pin none: %q %q", p, why)
	}
	if p, why := defaultPin("same"); p != "same" || why != "" {
		t.Errorf("-pin same: %q %q", p, why)
	}
	p, why := defaultPin("auto")
	_, _, err := pinPlaces("split")
	if err == nil {
		err = allowed(0, 1)
	}
	switch {
	case err == nil && (p != "split" || why != ""):
		t.Errorf("-pin auto where split works: %q %q", p, why)
	case err != nil && (p != "" || why != err.Error()):
		t.Errorf("-pin auto where split fails (%v): %q %q", err, p, why)
	}
}

// A CPU left out of the process's set is not allowed: -pin auto then runs
// unpinned instead of failing to pin.
func TestAllowedCPUs(t *testing.T) {
	if err := allowed(runtime.NumCPU() + 64); err == nil {
		t.Error("a CPU beyond the machine's was allowed")
	}
	var set unix.CPUSet
	if err := unix.SchedGetaffinity(0, &set); err != nil {
		t.Fatal(err)
	}
	for c := range 1024 {
		if set.IsSet(c) {
			if err := allowed(c); err != nil {
				t.Errorf("CPU %d is in the set: %v", c, err)
			}
			break
		}
	}
}
