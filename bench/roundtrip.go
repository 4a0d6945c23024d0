package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"text/tabwriter"
	"time"
)

// rtClient is one way to send AT+CSQ: a command line to run against a
// port, printing its median round trip in nanoseconds.
type rtClient struct {
	name string
	argv func(port string) []string
}

func roundTrips(cfg config) error {
	self, err := os.Executable()
	if err != nil {
		return err
	}
	loop, err := writeFile(cfg.workdir, "loop.lua", loopLua)
	if err != nil {
		return err
	}
	n, w := strconv.Itoa(cfg.n), strconv.Itoa(cfg.warmup)
	clients := []rtClient{
		{"raw go.bug.st/serial (floor)", func(p string) []string {
			return []string{self, "-client", "raw", "-port", p, "-n", n, "-warmup", w}
		}},
		{"reader goroutine + channel (Go)", func(p string) []string {
			return []string{self, "-client", "handoff", "-port", p, "-n", n, "-warmup", w}
		}},
		{"caller reads, reader between commands (Go)", func(p string) []string {
			return []string{self, "-client", "callerreads", "-port", p, "-n", n, "-warmup", w}
		}},
		{"atrun engine, Conn.Send from Go", func(p string) []string {
			return []string{self, "-client", "engine", "-port", p, "-n", n, "-warmup", w}
		}},
		{"atrun run loop.lua", func(p string) []string {
			return []string{cfg.atrun, "run", loop, "--port", p, "--set", "n=" + n, "--set", "warmup=" + w}
		}},
	}
	if cfg.before != "" {
		clients = append(clients, rtClient{"atrun run loop.lua (-before)", func(p string) []string {
			return []string{cfg.before, "run", loop, "--port", p, "--set", "n=" + n, "--set", "warmup=" + w}
		}})
	}
	where, clientCPU := "unpinned", -1
	pin, why := defaultPin(cfg.pin)
	if why != "" {
		where = "unpinned (" + why + ")"
	}
	if pin != "" {
		modemCPU, c, err := pinPlaces(pin)
		if err != nil {
			return err
		}
		if err := pinSelf(modemCPU); err != nil {
			return err
		}
		// The start-up comparison that follows runs on every CPU again.
		defer pinSelf(-1)
		where, clientCPU = fmt.Sprintf("fake modem on CPU %d, clients on CPU %d", modemCPU, c), c
	}
	fmt.Printf("\nRound trip of AT+CSQ (echo on) to a fake modem on a pty: %d rounds x %d timed commands after %d warm-up, clients interleaved, %s\n", cfg.runs, cfg.n, cfg.warmup, where)
	medians := make([][]time.Duration, len(clients)) // [client][round]
	for r := range cfg.runs {
		for k := range clients {
			i := (k + r) % len(clients) // rotate who goes first
			d, err := oneClient(clients[i], clientCPU)
			if err != nil {
				return fmt.Errorf("%s: %w", clients[i].name, err)
			}
			medians[i] = append(medians[i], d)
		}
		fmt.Fprintf(os.Stderr, "round %d/%d done, load %s\n", r+1, cfg.runs, loadAvg())
	}
	tw := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "client\tmedian of run medians\trange of run medians\tvs floor\tper-round ratio (median)\t")
	floor := median(medians[0])
	for i, c := range clients {
		m := median(medians[i])
		ratios := make([]float64, len(medians[i]))
		for r := range ratios {
			ratios[r] = float64(medians[i][r]) / float64(medians[0][r])
		}
		slices.Sort(ratios)
		fmt.Fprintf(tw, "%s\t%s\t%s–%s\t%.2fx\t%.2fx\t\n", c.name, us(m), us(slices.Min(medians[i])), us(slices.Max(medians[i])),
			float64(m)/float64(floor), ratios[len(ratios)/2])
	}
	return tw.Flush()
}

// oneClient runs one client against a fresh fake modem, on cpu when it is
// not negative.
func oneClient(c rtClient, cpu int) (time.Duration, error) {
	m, err := startFakeModem()
	if err != nil {
		return 0, err
	}
	defer m.close()
	argv := c.argv(m.path)
	if cpu >= 0 {
		argv = pinned(cpu, argv)
	}
	cmd := exec.Command(argv[0], argv[1:]...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return 0, fmt.Errorf("%v: %s", err, tail(stderr.String()))
	}
	return parseNanos(out)
}

func median(d []time.Duration) time.Duration {
	s := slices.Clone(d)
	slices.Sort(s)
	return s[len(s)/2]
}

func us(d time.Duration) string {
	return fmt.Sprintf("%.1f µs", float64(d.Nanoseconds())/1e3)
}
