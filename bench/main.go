// Command bench compares atrun with what a user could use instead, on
// this machine, in one run: the round trip of AT+CSQ to a fake modem on a
// pseudo-terminal from the raw go.bug.st/serial floor, from two other
// designs of a Go client (a reader goroutine handing answers over; the
// caller reading its own answer), from atrun's engine called from Go and
// from a Lua script under `atrun run`; and the start-up of `atrun run`
// and `atrun send` against a Go hello world. Clients run interleaved,
// each in a process of its own, and the tables show medians of the
// runs' medians. docs/performance.md explains the figures.
//
//	cd bench && go run . -runs 7
//
// It is a module of its own, so that the comparison's dependencies never
// become atrun's.
package main

import (
	_ "embed"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime/trace"
	"strconv"
	"strings"
	"syscall"
	"time"
)

//go:embed loop.lua
var loopLua []byte

//go:embed trivial.lua
var trivialLua []byte

type config struct {
	runs    int    // interleaved rounds of every client
	n       int    // timed round trips per client per round
	warmup  int    // untimed round trips first
	starts  int    // start-up rounds
	atrun   string // a built atrun, "" to build ../cmd/atrun
	before  string // another atrun to compare with, "" for none
	only    string // "roundtrip", "startup" or "" for both
	pin     string // round trip: "split" or "same" CPUs for the fake modem and the clients, "none" unpinned, "auto" split where it can
	workdir string // temporary folder for binaries and scripts
}

func main() {
	var cfg config
	flag.IntVar(&cfg.runs, "runs", 7, "interleaved rounds of the round-trip clients")
	flag.IntVar(&cfg.n, "n", 3000, "timed AT+CSQ round trips per client per round")
	flag.IntVar(&cfg.warmup, "warmup", 200, "untimed round trips before the timed ones")
	flag.IntVar(&cfg.starts, "starts", 20, "interleaved rounds of the start-up comparison")
	flag.StringVar(&cfg.atrun, "atrun", "", "an atrun binary to measure (default: build ../cmd/atrun)")
	flag.StringVar(&cfg.before, "before", "", "another atrun binary (an older build) to measure beside it, in the same runs")
	flag.StringVar(&cfg.pin, "pin", "auto", "round trip: `split` (fake modem on CPU 0, clients on CPU 1), same (both on CPU 0) or none, so that runs do not fall into fast and slow modes by chance (needs taskset; see pin.go); auto: split where it can")
	flag.StringVar(&cfg.only, "only", "", "run only `roundtrip` or startup")
	client := flag.String("client", "", "internal: run one client (raw, handoff, callerreads, engine) against -port and print its median in ns")
	port := flag.String("port", "", "internal: the port for -client")
	traceFile := flag.String("trace", "", "with -client: write a runtime trace of the client to `FILE` (go tool trace)")
	serve := flag.Bool("serve", false, "only start the fake modem, print its port and serve until interrupted (for profiling by hand)")
	flag.Parse()

	if *serve {
		os.Exit(serveModem())
	}

	if *client != "" {
		os.Exit(runClient(*client, *port, cfg.n, cfg.warmup, *traceFile))
	}
	if err := bench(cfg); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

// serveModem runs one fake modem until the process is interrupted.
func serveModem() int {
	m, err := startFakeModem()
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		return 1
	}
	fmt.Println(m.path)
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	<-sig
	m.close()
	return 0
}

// runClient is the harness re-executed as one of the Go clients.
func runClient(name, port string, n, warmup int, traceFile string) int {
	var (
		d   time.Duration
		err error
	)
	if traceFile != "" {
		f, err := os.Create(traceFile)
		if err == nil {
			err = trace.Start(f)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "client:", err)
			return 1
		}
		defer f.Close()
		defer trace.Stop()
	}
	switch name {
	case "raw":
		d, err = rawClient(port, n, warmup)
	case "handoff":
		d, err = handoffClient(port, n, warmup)
	case "callerreads":
		d, err = callerReadsClient(port, n, warmup)
	case "engine":
		d, err = engineClient(port, n, warmup)
	default:
		err = fmt.Errorf("unknown client %q", name)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "client:", err)
		return 1
	}
	fmt.Println(d.Nanoseconds())
	return 0
}

func bench(cfg config) error {
	dir, err := os.MkdirTemp("", "atrun-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	cfg.workdir = dir
	if cfg.atrun == "" {
		if cfg.atrun, err = buildAtrun(dir); err != nil {
			return err
		}
	}
	fmt.Printf("machine: %d CPUs, %s; load before: %s\n", numCPU(), goVersion(), loadAvg())
	if cfg.only != "startup" {
		if err := roundTrips(cfg); err != nil {
			return err
		}
	}
	if cfg.only != "roundtrip" {
		if err := startups(cfg); err != nil {
			return err
		}
	}
	fmt.Printf("\nload after: %s\n", loadAvg())
	return nil
}

// buildAtrun builds the repository's atrun as a user would install it,
// following the README: with CGO_ENABLED=0, a static binary (see "Start-up:
// a static binary" in docs/performance.md).
func buildAtrun(dir string) (string, error) {
	root, err := repoRoot()
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "atrun")
	cmd := exec.Command("go", "build", "-o", bin, "./cmd/atrun")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("building atrun: %v\n%s", err, out)
	}
	return bin, nil
}

// repoRoot is the folder above the one holding this module's go.mod.
func repoRoot() (string, error) {
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %w", err)
	}
	gomod := strings.TrimSpace(string(out))
	root := filepath.Dir(filepath.Dir(gomod))
	if _, err := os.Stat(filepath.Join(root, "cmd", "atrun")); err != nil {
		return "", errors.New("run the harness from the bench folder of the atrun repository (cd bench && go run .), or pass -atrun")
	}
	return root, nil
}

func writeFile(dir, name string, data []byte) (string, error) {
	path := filepath.Join(dir, name)
	return path, os.WriteFile(path, data, 0o644)
}

func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}

func parseNanos(out []byte) (time.Duration, error) {
	s := strings.TrimSpace(string(out))
	if i := strings.LastIndexByte(s, '\n'); i >= 0 {
		s = s[i+1:]
	}
	ns, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("want a median in ns, got %q", string(out))
	}
	return time.Duration(ns), nil
}

// tail is the end of a failed program's error output, enough to say why.
func tail(s string) string {
	if len(s) > 600 {
		return "..." + s[len(s)-600:]
	}
	return s
}
