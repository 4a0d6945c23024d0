package session

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/atrun/atrun/engine"
	"github.com/atrun/atrun/engine/enginetest"
	"github.com/atrun/atrun/engine/transcript"
	"github.com/atrun/atrun/luabind"
	"github.com/atrun/atrun/replay"
)

// startModem runs a scripted fake modem on a new pseudo-terminal and
// returns the device to open.
func startModem(t *testing.T, steps ...enginetest.Step) (*enginetest.Fake, string) {
	t.Helper()
	master, slave := enginetest.OpenPTY(t)
	return enginetest.Run(t, master, 3, steps...), slave
}

// stoppedBy is a caller's stop cause that names its ending, as the CLI's
// interruption and time limit do.
type stoppedBy struct {
	kind transcript.EndKind
	err  error
}

func (e *stoppedBy) Error() string               { return "stopped: " + e.kind.String() }
func (e *stoppedBy) Unwrap() error               { return e.err }
func (e *stoppedBy) EndKind() transcript.EndKind { return e.kind }
func explainStop(ctx context.Context, err error) error {
	if cause := context.Cause(ctx); cause != nil && err != nil {
		var s *stoppedBy
		if errors.As(cause, &s) {
			return &stoppedBy{kind: s.kind, err: err}
		}
	}
	return err
}

// Run records how the run ended on every exit path, the files the script
// read, and the recording replays against the same script.
func TestRunRecordsTheEnding(t *testing.T) {
	ok := enginetest.Step{Expect: "AT\r", Reply: "\r\nOK\r\n"}
	tests := []struct {
		name   string
		script string
		stop   transcript.EndKind // cancel the run with this cause once AT was answered; 0 for none
		hangUp bool               // the modem's side closes after AT
		want   transcript.EndKind
		msg    string
	}{
		{"success", "send('AT')", 0, false, transcript.Succeeded, ""},
		{"fail()", "send('AT')\nfail('my assertion')", 0, false, transcript.Failed, "s.lua:2: my assertion"},
		{"interrupted", "send('AT')\nprint('waiting')\nwait_urc('+X:', '1h')", transcript.Interrupted, false, transcript.Interrupted, "stopped: interrupted"},
		{"time limit", "send('AT')\nprint('waiting')\nwait_urc('+X:', '1h')", transcript.TimedOut, false, transcript.TimedOut, "stopped: timeout"},
		{"port lost", "send('AT')\nprint('waiting')\nwait_urc('+X:', '1h')", 0, true, transcript.PortLost, "s.lua:3"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake, dev := startModem(t, ok)
			dir := t.TempDir()
			rec := filepath.Join(dir, "rec.atr")
			ctx, cancel := context.WithCancelCause(context.Background())
			defer cancel(nil)
			rep := &printed{ch: make(chan struct{})}
			go func() {
				select {
				case <-rep.ch: // the modem answered; the script is about to wait
				case <-ctx.Done():
					return
				}
				switch {
				case tt.stop != 0:
					cancel(&stoppedBy{kind: tt.stop})
				case tt.hangUp:
					fake.Close()
				}
			}()
			script := luabind.Script{Name: filepath.Join(dir, "s.lua"), Source: []byte(tt.script), Dir: dir}
			_, err := Run(ctx, Job{Script: script, Port: dev, Baud: 115200, Record: rec, Start: time.Now(), Stopped: explainStop, Report: rep, NoResync: true})
			var se *SetupError
			if errors.As(err, &se) {
				t.Fatal(err)
			}
			tr, rerr := transcript.ReadFile(rec)
			if rerr != nil {
				t.Fatal(rerr)
			}
			end := tr.Ending()
			if end.Kind != tt.want || !strings.Contains(end.Message, tt.msg) {
				t.Fatalf("the transcript ends %+v, want %v with %q (run error %v)", end, tt.want, tt.msg, err)
			}
			res, rerr := replay.Run(context.Background(), script, tr, replay.Options{})
			if rerr != nil || res.Verdict != replay.Pass {
				t.Fatalf("replay of its own recording: %v %v", res.Verdict, res.Err)
			}
		})
	}
}

// printed tells when the script first prints.
type printed struct {
	ch   chan struct{}
	once sync.Once
}

func (p *printed) Print(string)                              { p.once.Do(func() { close(p.ch) }) }
func (p *printed) Log(string, string, string)                {}
func (p *printed) Step(string, string, time.Duration, error) {}
func (p *printed) Progress(string, int, int)                 {}
func (p *printed) Notice(string)                             {}
func (p *printed) Dropped(engine.DropReport)                 {}

// A mistake in the job is a *SetupError, and leaves no transcript.
func TestRunSetupErrors(t *testing.T) {
	dir := t.TempDir()
	script := luabind.Script{Name: "s.lua", Source: []byte("send('AT')")}
	_, dev := startModem(t)
	tests := []struct {
		name string
		job  Job
		want string
	}{
		{"bad speed", Job{Script: script, Port: dev, Baud: 0}, "--baud 0"},
		{"no port", Job{Script: script}, "no modem"},
		{"unwritable transcript", Job{Script: script, Port: dev, Baud: 115200, Record: filepath.Join(dir, "no", "such", "dir.atr")}, "cannot write the transcript"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Run(context.Background(), tt.job)
			var se *SetupError
			if !errors.As(err, &se) || !strings.Contains(se.Msg, tt.want) {
				t.Fatalf("err %v (%T), want a *SetupError saying %q", err, err, tt.want)
			}
		})
	}
	if _, err := os.Stat(filepath.Join(dir, "no")); err == nil {
		t.Fatal("a transcript folder was made")
	}
}
