package session

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/atrun/atrun/engine"
	"github.com/atrun/atrun/luabind"
	"github.com/atrun/atrun/sim"
	"github.com/atrun/atrun/simproc/inproc"
)

func TestExpandParams(t *testing.T) {
	in := map[string]string{"client_id": "dev-{index}", "topic": "lab/{port}/{index}", "host": "broker"}
	got := ExpandParams(in, 7, "rfc2217://lab1:4001")
	want := map[string]string{"client_id": "dev-7", "topic": "lab/rfc2217://lab1:4001/7", "host": "broker"}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %q, want %q", k, got[k], v)
		}
	}
	if in["client_id"] != "dev-{index}" {
		t.Error("the caller's parameters were changed")
	}
	if ExpandParams(nil, 1, "x") == nil {
		t.Error("nil parameters gave a nil map: a run could not add to it")
	}
}

func TestRecordName(t *testing.T) {
	tests := []struct {
		i, n int
		port string
		want string
	}{
		{1, 3, "/dev/ttyUSB2", "1-dev_ttyUSB2.atr"},
		{2, 12, "rfc2217://lab1:4001", "02-rfc2217_lab1_4001.atr"},
		{10, 100, "tcp://[::1]:2000", "010-tcp_1_2000.atr"},
		{1, 1, "../../etc/passwd", "1-etc_passwd.atr"},
		{1, 1, "///", "1-port.atr"},
	}
	for _, tt := range tests {
		if got := RecordName(tt.i, tt.n, tt.port); got != tt.want {
			t.Errorf("RecordName(%d, %d, %q) = %q, want %q", tt.i, tt.n, tt.port, got, tt.want)
		}
	}
}

func TestReadPorts(t *testing.T) {
	tests := []struct {
		name, in string
		want     []string
		err      string
	}{
		{"plain", "/dev/ttyUSB2\nrfc2217://lab1:4001\n", []string{"/dev/ttyUSB2", "rfc2217://lab1:4001"}, ""},
		{"comments and blanks", "# rack 1\n\n  /dev/ttyUSB2  # EC20 #1\r\n\t\n/dev/ttyUSB6", []string{"/dev/ttyUSB2", "/dev/ttyUSB6"}, ""},
		{"none", "# nothing\n", nil, ""},
		{"twice", "a\nb\n a # again\n", nil, "ports.txt:3: port a is already on line 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ReadPorts(strings.NewReader(tt.in), "ports.txt")
			var se *SetupError
			if tt.err != "" {
				if !errors.As(err, &se) || !strings.Contains(se.Msg, tt.err) {
					t.Fatalf("err %v, want a *SetupError saying %q", err, tt.err)
				}
				return
			}
			if err != nil || strings.Join(got, "|") != strings.Join(tt.want, "|") {
				t.Fatalf("got %q, %v; want %q", got, err, tt.want)
			}
		})
	}
}

// Whatever the file holds, the ports read are trimmed, free of comments
// and distinct, or the error is a *SetupError.
func FuzzReadPorts(f *testing.F) {
	f.Add("/dev/ttyUSB2 # one\n\nrfc2217://h:1\n")
	f.Add("a\na\n")
	f.Add("#\r\n \t#x\n")
	f.Fuzz(func(t *testing.T, in string) {
		ports, err := ReadPorts(strings.NewReader(in), "f")
		if err != nil {
			var se *SetupError
			if !errors.As(err, &se) {
				t.Fatalf("err %T %v", err, err)
			}
			return
		}
		seen := map[string]bool{}
		for _, p := range ports {
			if p == "" || p != strings.TrimSpace(p) || strings.Contains(p, "#") || seen[p] {
				t.Fatalf("port %q in %q", p, ports)
			}
			seen[p] = true
		}
	})
}

// RunMany runs on each member of a fleet with its own parameters: each
// sees its own modem (IMEI) and gets its own MQTT client identifier and
// topics, so that no run receives another's messages.
func TestRunManyOnFleet(t *testing.T) {
	sims, stop, err := inproc.StartFleet(context.Background(), 3, sim.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	const src = `
local r = send('AT+GSN')
print(param('tag') .. ' ' .. param('client_id') .. ' ' .. param('pub_topic') .. ' ' .. param('sub_topic') .. ' ' .. r.lines[1])
`
	var mu sync.Mutex
	printed := map[int]string{}
	m := Many{
		Job:  Job{Script: luabind.Script{Name: "s.lua", Source: []byte(src)}, Params: map[string]string{"tag": "n{index}"}, Baud: 115200, Start: time.Now(), Sim: &Sim{}},
		Sims: sims,
		Each: func(i int, port string, j *Job) {
			j.Report = printer(func(s string) { mu.Lock(); printed[i] = s; mu.Unlock() })
		},
	}
	out := RunMany(context.Background(), m)
	for i, o := range out {
		if o.Err != nil || o.Index != i+1 || o.Port != sims[i].Device {
			t.Fatalf("run %d: %+v", i+1, o)
		}
		want := fmt.Sprintf("n%d atrun-%d atrun-%d/up atrun-%d/down %s", i+1, i+1, i+1, i+1, sim.IdentityOf(i+1).IMEI)
		if printed[i+1] != want {
			t.Errorf("run %d printed %q, want %q", i+1, printed[i+1], want)
		}
		if len(o.Result.UnusedParams) != 0 {
			t.Errorf("run %d warns of parameters it was not given: %v", i+1, o.Result.UnusedParams)
		}
	}
}

// printer is a reporter that hands on what the script prints.
type printer func(string)

func (p printer) Print(s string)                          { p(s) }
func (printer) Log(string, string, string)                {}
func (printer) Step(string, string, time.Duration, error) {}
func (printer) Progress(string, int, int)                 {}
func (printer) Notice(string)                             {}
func (printer) Dropped(engine.DropReport)                 {}
