package main

import (
	"fmt"
	"os"
	"os/exec"
	"strconv"

	"golang.org/x/sys/unix"
)

// On a small virtual machine a pty round trip falls into a fast mode
// (about 20-40 µs here) or a slow one (about 100 µs) from one process to
// the next, whatever the client: it depends on where the scheduler puts
// the client, the fake modem and the kernel's pty work, and on whether the
// CPU to wake is idle. One client's run medians then spread 5×, and a
// median of them says more about luck than about the client. -pin puts
// every run in the same placement:
//
//   - split: the fake modem (this process) on CPU 0, every client on CPU 1.
//     Each round trip crosses CPUs, as one to a real modem's driver does;
//     a client's own CPU time overlaps the modem's wake-up.
//   - same: the fake modem and every client on CPU 0. Client and modem
//     take turns on one CPU, so every microsecond of CPU a client spends
//     per command lengthens its round trip: the placement that shows
//     overhead most.

// defaultPin resolves -pin: "auto" (the default) is split where it can
// be, so that the harness's own command gives the stable figures, and
// unpinned with the reason where it cannot; "none" is unpinned.
func defaultPin(pin string) (resolved, why string) {
	switch pin {
	case "none", "":
		return "", ""
	case "auto":
		if _, _, err := pinPlaces("split"); err != nil {
			return "", err.Error()
		}
		if err := allowed(0, 1); err != nil {
			return "", err.Error()
		}
		return "split", ""
	}
	return pin, ""
}

// allowed checks that this process may run on each of cpus (a cpuset or
// taskset may leave some out).
func allowed(cpus ...int) error {
	var set unix.CPUSet
	if err := unix.SchedGetaffinity(0, &set); err != nil {
		return fmt.Errorf("reading this process's CPUs: %w", err)
	}
	for _, c := range cpus {
		if !set.IsSet(c) {
			return fmt.Errorf("CPU %d is not among this process's CPUs", c)
		}
	}
	return nil
}

// pinPlaces returns the CPUs of the fake modem and of the clients for a
// -pin value.
func pinPlaces(pin string) (modem, client int, err error) {
	switch pin {
	case "split":
		modem, client = 0, 1
	case "same":
		modem, client = 0, 0
	default:
		return 0, 0, fmt.Errorf("-pin %q: give split or same", pin)
	}
	if n := numCPU(); client >= n {
		return 0, 0, fmt.Errorf("-pin %s needs 2 CPUs, this machine has %d", pin, n)
	}
	if _, err := exec.LookPath("taskset"); err != nil {
		return 0, 0, fmt.Errorf("-pin needs taskset (Debian: apt-get install util-linux): %w", err)
	}
	return modem, client, nil
}

// pinSelf moves every thread of this process to cpu (to every CPU when
// cpu < 0); threads made later inherit the mask of the thread that makes
// them, and so do the processes it starts.
func pinSelf(cpu int) error {
	tasks, err := os.ReadDir("/proc/self/task")
	if err != nil {
		return err
	}
	var set unix.CPUSet
	if cpu >= 0 {
		set.Set(cpu)
	} else {
		for c := range numCPU() {
			set.Set(c)
		}
	}
	for _, t := range tasks {
		tid, err := strconv.Atoi(t.Name())
		if err != nil {
			continue
		}
		if err := unix.SchedSetaffinity(tid, &set); err != nil {
			return fmt.Errorf("pinning thread %d to CPU %d: %w", tid, cpu, err)
		}
	}
	return nil
}

// pinned runs argv on cpu through taskset (util-linux).
func pinned(cpu int, argv []string) []string {
	return append([]string{"taskset", "--cpu-list", strconv.Itoa(cpu)}, argv...)
}
