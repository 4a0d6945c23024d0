package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
)

// starter is one program whose start-up is timed.
type starter struct {
	name  string
	what  string // what the figure covers
	argv  func(port string) []string
	modem bool // runs against a fake modem and is timed to its first byte
}

func startups(cfg config) error {
	hello, err := buildHello(cfg.workdir)
	if err != nil {
		return err
	}
	depsHello, err := buildDepsHello(cfg.workdir)
	if err != nil {
		return err
	}
	trivial, err := writeFile(cfg.workdir, "trivial.lua", trivialLua)
	if err != nil {
		return err
	}
	starters := []starter{
		{name: "Go hello world", what: "start to exit", argv: func(string) []string { return []string{hello} }},
		{name: "hello + atrun's dependencies", what: "start to exit", argv: func(string) []string { return []string{depsHello} }},
		{name: "atrun --version", what: "start to exit", argv: func(string) []string {
			return []string{cfg.atrun, "--version"}
		}},
		{name: "atrun run trivial.lua", what: "start to exit", argv: func(string) []string {
			return []string{cfg.atrun, "run", trivial}
		}},
		{name: "atrun send --port PTY AT", what: "start to first byte written", modem: true, argv: func(p string) []string {
			return []string{cfg.atrun, "send", "--port", p, "AT"}
		}},
		// The same without the clean start, whose first AT waits for the
		// line to stay quiet for 20 ms (engine.ResyncOptions.Quiet).
		{name: "atrun send --no-resync", what: "start to first byte written", modem: true, argv: func(p string) []string {
			return []string{cfg.atrun, "send", "--no-resync", "--port", p, "AT"}
		}},
	}
	if cfg.before != "" {
		starters = append(starters, starter{name: "atrun run trivial.lua (-before)", what: "start to exit", argv: func(string) []string {
			return []string{cfg.before, "run", trivial}
		}})
	}
	fmt.Printf("\nStart-up: %d interleaved rounds, wall time\n", cfg.starts)
	times := make([][]time.Duration, len(starters))
	cpus := make([][]time.Duration, len(starters))
	for r := range cfg.starts {
		for k := range starters {
			i := (k + r) % len(starters)
			d, cpu, err := startOnce(starters[i])
			if err != nil {
				return fmt.Errorf("%s: %w", starters[i].name, err)
			}
			times[i] = append(times[i], d)
			cpus[i] = append(cpus[i], cpu)
		}
	}
	tw := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "program\ttimed\tmedian\tmin\tvs hello\tCPU to exit\tpeak RSS\t")
	base := median(times[0])
	for i, s := range starters {
		m := median(times[i])
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%.2fx\t%s\t%s\t\n", s.name, s.what, ms(m), ms(slices.Min(times[i])),
			float64(m)/float64(base), ms(median(cpus[i])), peakRSS(s))
	}
	return tw.Flush()
}

func buildHello(dir string) (string, error) {
	bin := filepath.Join(dir, "hello")
	if out, err := exec.Command("go", "build", "-o", bin, "./hello").CombinedOutput(); err != nil {
		return "", fmt.Errorf("building hello: %v\n%s", err, out)
	}
	return bin, nil
}

// startOnce runs s once: the time from starting the process to its exit,
// or for a modem client to the first byte the fake modem reads, and the
// CPU time (user and system) it used until it exited.
func startOnce(s starter) (time.Duration, time.Duration, error) {
	var m *fakeModem
	port := ""
	if s.modem {
		var err error
		if m, err = startFakeModem(); err != nil {
			return 0, 0, err
		}
		defer m.close()
		port = m.path
	}
	argv := s.argv(port)
	cmd := exec.Command(argv[0], argv[1:]...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	start := time.Now()
	if err := cmd.Run(); err != nil {
		return 0, 0, fmt.Errorf("%v: %s", err, tail(stderr.String()))
	}
	end := time.Now()
	cpu := cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	if m != nil {
		select {
		case end = <-m.first:
		default:
			return 0, 0, fmt.Errorf("exited without writing to the modem")
		}
	}
	return end.Sub(start), cpu, nil
}

// peakRSS runs s five more times under GNU time and returns the median
// peak RSS. GNU time reports the program's alone: a child of this process
// would be charged with this process's memory until it execs (Go starts
// children with vfork).
func peakRSS(s starter) string {
	var kbs []int
	for range 5 {
		if kb, ok := peakRSSOnce(s); ok {
			kbs = append(kbs, kb)
		}
	}
	if len(kbs) == 0 {
		return "-"
	}
	slices.Sort(kbs)
	return fmt.Sprintf("%.1f MB", float64(kbs[len(kbs)/2])/1024)
}

func peakRSSOnce(s starter) (int, bool) {
	if runtime.GOOS != "linux" {
		return 0, false
	}
	if _, err := os.Stat("/usr/bin/time"); err != nil {
		return 0, false
	}
	var m *fakeModem
	port := ""
	if s.modem {
		var err error
		if m, err = startFakeModem(); err != nil {
			return 0, false
		}
		defer m.close()
		port = m.path
	}
	out, err := os.CreateTemp("", "rss")
	if err != nil {
		return 0, false
	}
	defer os.Remove(out.Name())
	out.Close()
	argv := append([]string{"-o", out.Name(), "-f", "%M"}, s.argv(port)...)
	if err := exec.Command("/usr/bin/time", argv...).Run(); err != nil {
		return 0, false
	}
	b, _ := os.ReadFile(out.Name())
	kb, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil {
		return 0, false
	}
	return kb, true
}

func ms(d time.Duration) string {
	return fmt.Sprintf("%.2f ms", float64(d.Microseconds())/1e3)
}
