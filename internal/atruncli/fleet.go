package atruncli

import (
	"context"
	"fmt"
	"io"
	"os"
	"strconv"
	"sync"

	"github.com/urfave/cli/v3"

	"github.com/atrun/atrun/internal/lazyre"
	"github.com/atrun/atrun/luabind"
	"github.com/atrun/atrun/simproc"
)

// A run of one script on N virtual EC20s (atrun run --sims N) is CPU-bound:
// the modems answer at once. Two fresh processes (atrun with the engines
// and Lua states, atrun-sim with the modems) cost two starts, the page
// faults of two growing heaps and a socket between every engine and its
// modem; one process with in-memory pipes runs 32 of them in 60 % of the
// time and CPU (docs/performance.md, "One script on many virtual EC20s").
// So atrun hands such a run over to atrun-sim, which runs this same
// command line with the modems in its own process.

// Fleet starts o.Count virtual modems sharing one broker in this process,
// each reached over its Modem.Link, and returns them with the function
// that stops them all. A refusal (a bad fault) is a *simproc.Error, as
// atrun-sim's child reports it.
type Fleet func(ctx context.Context, o simproc.Options) ([]simproc.Modem, func() error, error)

// host is what the program running the command line gives it: the
// command line as run, and the in-process fleet when there is one.
type host struct {
	args  []string
	fleet Fleet // nil in atrun
}

type hostKey struct{}

func hostOf(ctx context.Context) host {
	h, _ := ctx.Value(hostKey{}).(host)
	return h
}

// handOver runs the command line args in atrun-sim, in this process's
// place: the same process, standard streams, signals and exit code, so
// nothing a user or CI sees tells the two apart but the time. It returns
// only when atrun-sim cannot be run.
func handOver(args []string) error {
	return execSim(append([]string{simproc.HostArg}, args[min(1, len(args)):]...))
}

// startFleet starts the virtual EC20s of --sims with one broker in this
// process. A user name or password the script is given becomes the
// broker's, as with --sim.
func startFleet(ctx context.Context, c *cli.Command, n int, params map[string]string, log func(string)) ([]simproc.Modem, func() error, error) {
	given := func(name string) string {
		if v, ok := params[name]; ok {
			return v
		}
		return os.Getenv(luabind.EnvName(name))
	}
	// Not the run's context: the modems must outlive a Ctrl+C until
	// every run has stopped cleanly.
	modems, stop, err := hostOf(ctx).fleet(context.WithoutCancel(ctx), simproc.Options{Count: n, Faults: c.StringSlice("fault"),
		Reply: simReply, Log: log, Username: given("username"), Password: given("password")})
	return modems, stop, simError(err)
}

// fleetLog passes the log lines of the virtual modems of --sims to the
// run of the modem each names ("virtual EC20: modem 2: ..."), which tags
// it with its port as it does its other lines; a line that names no
// running modem goes to w as it is.
type fleetLog struct {
	mu   sync.Mutex
	w    io.Writer
	runs map[int]io.Writer // by the modem's index; set as the runs start
}

// memberLineRE is a log line of a fleet's member: the modem's name, its
// index, the note.
var memberLineRE = lazyre.New(`^(virtual [^:]+: )modem (\d+): (.*)$`)

func (f *fleetLog) line(text string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if m := memberLineRE().FindStringSubmatch(text); m != nil {
		n, _ := strconv.Atoi(m[2])
		if w, ok := f.runs[n]; ok {
			fmt.Fprintln(w, m[1]+m[3])
			return
		}
	}
	fmt.Fprintln(f.w, text)
}

// setRun sends the lines of modem index to w.
func (f *fleetLog) setRun(index int, w io.Writer) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.runs == nil {
		f.runs = map[int]io.Writer{}
	}
	f.runs[index] = w
}
