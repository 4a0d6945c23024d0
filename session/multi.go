package session

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"maps"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/atrun/atrun/internal/lazyre"
	"github.com/atrun/atrun/luabind"
	"github.com/atrun/atrun/simproc"
)

// Many is one script run on many modems at once: each run has its own
// port, engine, Lua state and transcript, and all share one context, so
// that the caller's Ctrl+C or time limit stops every run cleanly.
type Many struct {
	// Job is what every run shares: the script, the parameters (whose
	// values may hold {index} and {port}), the speed, the caller's hooks.
	// Its Port, Sim, Record and Report are set per run.
	Job Job
	// Ports are the modems to run on, one run each; or
	Ports []string
	// Sims are virtual modems already running (a fleet's members), one
	// run each.
	Sims []simproc.Modem
	// RecordDir, when set, receives one transcript per run, named by
	// RecordName; else Job.Record, if set, is the one run's transcript.
	RecordDir string
	// Each sets what differs per run before it starts (its reporter, its
	// trace); i counts from 1, port is the run's label.
	Each func(i int, port string, j *Job)
	// Done, when set, is told of each run as it ends, from that run's
	// goroutine.
	Done func(o Outcome)
}

// Outcome is how one run of Many ended.
type Outcome struct {
	Index   int    // from 1, in the order the ports were given
	Port    string // as given, or the virtual EC20's device
	Result  *luabind.Result
	Err     error
	Elapsed time.Duration
	Record  string // the transcript written, "" for none
}

// Size is how many runs m makes.
func (m Many) Size() int { return len(m.Ports) + len(m.Sims) }

// RunMany runs the script on every port (or virtual EC20) at once and
// returns how each run ended, in the order given, once all have.
func RunMany(ctx context.Context, m Many) []Outcome {
	n := m.Size()
	out := make([]Outcome, n)
	var wg sync.WaitGroup
	for i := range n {
		j := m.job(i)
		out[i] = Outcome{Index: i + 1, Port: m.label(i), Record: j.Record}
		wg.Add(1)
		go func() {
			defer wg.Done()
			start := time.Now()
			out[i].Result, out[i].Err = Run(ctx, j)
			out[i].Elapsed = time.Since(start)
			if m.Done != nil {
				m.Done(out[i])
			}
		}()
	}
	wg.Wait()
	return out
}

// label names run i (from 0): its port, or its virtual EC20's device.
func (m Many) label(i int) string {
	if i < len(m.Ports) {
		return m.Ports[i]
	}
	return m.Sims[i-len(m.Ports)].Name()
}

// job is the job of run i (from 0), with its own copy of the parameters.
func (m Many) job(i int) Job {
	j := m.Job
	port := m.label(i)
	j.Params = ExpandParams(m.Job.Params, i+1, port)
	if i < len(m.Ports) {
		j.Port, j.Sim = port, nil
	} else {
		j.Port, j.Sim = "", m.simOf(m.Sims[i-len(m.Ports)], j.Params, i+1)
	}
	if m.RecordDir != "" {
		j.Record = filepath.Join(m.RecordDir, RecordName(i+1, m.Size(), port))
	}
	if m.Each != nil {
		m.Each(i+1, port, &j)
	}
	return j
}

// simOf is the run's virtual EC20: the fleet's member. The members share
// one broker, where two MQTT clients with the same identifier push each
// other off, and where runs on the same topics receive one another's
// messages: unless the parameters name them, run i is client atrun-i and
// publishes to atrun-i/up, subscribes to atrun-i/down.
func (m Many) simOf(s simproc.Modem, params map[string]string, i int) *Sim {
	v := &Sim{Running: &s}
	if m.Job.Sim != nil {
		v.Ready = m.Job.Sim.Ready
	}
	own := "atrun-" + strconv.Itoa(i)
	for _, p := range [][2]string{{"client_id", own}, {"pub_topic", own + "/up"}, {"sub_topic", own + "/down"}} {
		if _, given := params[p[0]]; !given {
			params[p[0]] = p[1]
			v.added = append(v.added, p[0])
		}
	}
	return v
}

// ExpandParams replaces {index} (the run's number, from 1) and {port} in
// the values of params, so that each modem gets its own identity
// (--set client_id=dev-{index}). It returns a new map.
func ExpandParams(params map[string]string, index int, port string) map[string]string {
	r := strings.NewReplacer("{index}", strconv.Itoa(index), "{port}", port)
	out := maps.Clone(params)
	if out == nil {
		out = map[string]string{}
	}
	for k, v := range out {
		out[k] = r.Replace(v)
	}
	return out
}

// unsafeName matches what a file name should not hold.
var unsafeName = lazyre.New(`[^A-Za-z0-9._-]+`)

// RecordName is the transcript file of run i of n on port: the number
// first, padded so that the files sort in the order of the ports, then
// the port made a file name (rfc2217://lab1:4001 is 02-rfc2217_lab1_4001.atr).
func RecordName(i, n int, port string) string {
	name := strings.Trim(unsafeName().ReplaceAllString(port, "_"), "_.")
	if name == "" {
		name = "port"
	}
	return fmt.Sprintf("%0*d-%s.atr", len(strconv.Itoa(n)), i, name)
}

// ReadPorts reads a list of ports, one a line. Blank lines and what
// follows a # are left out; a port given twice is an error, since two runs
// on one modem would answer each other's commands.
func ReadPorts(r io.Reader, name string) ([]string, error) {
	var ports []string
	seen := map[string]int{}
	sc := bufio.NewScanner(r)
	for line := 1; sc.Scan(); line++ {
		text, _, _ := strings.Cut(sc.Text(), "#")
		port := strings.TrimSpace(text)
		if port == "" {
			continue
		}
		if first, dup := seen[port]; dup {
			return nil, setupf("%s:%d: port %s is already on line %d: two runs on one modem would answer each other's commands", name, line, port, first)
		}
		seen[port] = line
		ports = append(ports, port)
	}
	if err := sc.Err(); err != nil {
		return nil, setupf("cannot read %s: %v", name, unwrapPath(err))
	}
	return ports, nil
}
