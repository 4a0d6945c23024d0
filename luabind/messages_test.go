package luabind

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/atrun/atrun/engine"
	"github.com/atrun/atrun/engine/enginetest"
)

// stepErrors keeps the error each failed step reported, and runs onStart
// when a step starts.
type stepErrors struct {
	recorder
	onStart func()
	mu      sync.Mutex
	failed  map[string]error
}

func (s *stepErrors) Step(name, status string, d time.Duration, err error) {
	s.recorder.Step(name, status, d, err)
	if status == "start" && s.onStart != nil {
		s.onStart()
	}
	if status == "fail" {
		s.mu.Lock()
		s.failed[name] = err
		s.mu.Unlock()
	}
}

// A step stopped by Ctrl+C (or a run's time limit) says so in words, both
// in its step report and in the run's error: never a raw "context
// canceled".
func TestInterruptedStepReadsRight(t *testing.T) {
	tests := []struct {
		name   string
		script string
		cancel func(context.Context) (context.Context, func())
		want   string
	}{
		{"busy Lua, Ctrl+C", `step("Spin", function() while true do end end)`, withCancel, "interrupted"},
		{"waiting, Ctrl+C", `step("Spin", function() wait_urc("+QMTRECV:", "1h") end)`, withCancel, "interrupted"},
		{"busy Lua, time limit", `step("Spin", function() while true do end end)`, withDeadline, "time limit"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			host, _ := enginetest.Start(t, 1)
			conn := engine.New(host, engine.Config{Name: "pipe"})
			t.Cleanup(func() { conn.Close() })
			ctx, stop := tt.cancel(context.Background())
			rep := &stepErrors{onStart: stop, failed: map[string]error{}}
			_, err := NewRunner(Options{Conn: conn, Report: rep}).Run(ctx, Script{Name: "s.lua", Source: []byte(tt.script)})
			stepErr := rep.failed["Spin"]
			for what, e := range map[string]error{"run": err, "step": stepErr} {
				if e == nil || strings.Contains(e.Error(), "context canceled") || strings.Contains(e.Error(), "deadline exceeded") ||
					!strings.Contains(e.Error(), tt.want) {
					t.Errorf("%s error %v, want it to say %q", what, e, tt.want)
				}
			}
		})
	}
}

func withCancel(ctx context.Context) (context.Context, func()) { return context.WithCancel(ctx) }

// withDeadline ends ctx with DeadlineExceeded when stop is called.
func withDeadline(ctx context.Context) (context.Context, func()) {
	ctx, cancel := context.WithCancelCause(ctx)
	return deadlineCtx{ctx}, func() { cancel(context.DeadlineExceeded) }
}

type deadlineCtx struct{ context.Context }

func (c deadlineCtx) Err() error {
	if c.Context.Err() != nil {
		return context.DeadlineExceeded
	}
	return nil
}

// An error a URC handler raises reaches the script once, with the
// handler's position: not prefixed again with the waiting call's.
func TestHandlerErrorPrefixedOnce(t *testing.T) {
	src := "on_urc('RING', function()\n  error('no ring wanted')\nend)\nsend('AT')\n"
	_, _, err := runSource(t, context.Background(), src, enginetest.Step{Expect: "AT\r", Reply: "\r\nRING\r\n\r\nOK\r\n"})
	se, ok := errorsAs[*ScriptError](err)
	if !ok || strings.Count(err.Error(), "test.lua:") != 1 || !strings.Contains(err.Error(), "test.lua:2: no ring wanted") {
		t.Fatalf("err = %v", err)
	}
	if se.Line != 2 {
		t.Errorf("line %d, want the handler's line 2", se.Line)
	}
}

// A port lost while a step waits is reported under that step, even when a
// later step (a best-effort disconnect) is the one the error escapes from.
func TestPortLostReportedUnderItsStep(t *testing.T) {
	src := `local ok, err = pcall(function()
  step("Receive", function() send("AT+A") wait_urc("+QMTRECV:", "1h") end)
end)
assert(not ok and err.kind == "port", tostring(err))
step("Disconnect", function() send("AT+QMTDISC=0") end)
`
	host, m := enginetest.Start(t, 1, enginetest.Step{Expect: "AT+A\r", Reply: "\r\nOK\r\n"})
	go func() {
		<-m.Done()
		m.Close() // the modem goes away while the script waits
	}()
	conn := engine.New(host, engine.Config{Name: "tcp://h:2000"})
	t.Cleanup(func() { conn.Close() })
	rep := &stepErrors{failed: map[string]error{}}
	_, err := NewRunner(Options{Conn: conn, Report: rep}).Run(context.Background(), Script{Name: "s.lua", Source: []byte(src)})
	se, ok := errorsAs[*ScriptError](err)
	if !ok {
		t.Fatalf("err = %v", err)
	}
	if se.Step != "Receive" || se.Line != 2 {
		t.Fatalf("err = %v (step %q, line %d), want it under Receive at line 2", err, se.Step, se.Line)
	}
	if d := engine.Describe(se.Err); d.Kind != "port" || strings.Contains(d.Hint, "USB") {
		t.Errorf("description %+v", d)
	}
	if rep.failed["Receive"] == nil {
		t.Error("the Receive step did not report its failure")
	}
}
