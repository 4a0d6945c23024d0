package luabind

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/atrun/atrun/engine"
	"github.com/atrun/atrun/engine/enginetest"
)

// runSource runs src against a fake modem playing script.
func runSource(t *testing.T, ctx context.Context, src string, script ...enginetest.Step) (*Runner, *Result, error) {
	t.Helper()
	host, _ := enginetest.Start(t, 1, script...)
	conn := engine.New(host, engine.Config{Name: "pipe"})
	t.Cleanup(func() { conn.Close() })
	r := NewRunner(Options{Conn: conn, Report: &recorder{}})
	res, err := r.Run(ctx, Script{Name: "scripts/test.lua", Source: []byte(src)})
	return r, res, err
}

func TestSyntaxError(t *testing.T) {
	_, _, err := runSource(t, context.Background(), "send('AT')\nlocal x = = 1\n")
	se, ok := errorsAs[*SyntaxError](err)
	if !ok {
		t.Fatalf("err = %v (%T), want *SyntaxError", err, err)
	}
	if se.Line != 2 || !strings.HasPrefix(err.Error(), "scripts/test.lua:2: syntax error") {
		t.Fatalf("%+v: %v", se, err)
	}
}

func TestScriptErrorCarriesEngineError(t *testing.T) {
	_, _, err := runSource(t, context.Background(), "send('AT+QMTCONN=0,\"id\"')", enginetest.Step{Expect: "AT+QMTCONN=0,\"id\"\r", Reply: "\r\nERROR\r\n"})
	se, ok := errorsAs[*ScriptError](err)
	if !ok || se.Line != 1 {
		t.Fatalf("err = %v", err)
	}
	var me *engine.ModemError
	if !errors.As(err, &me) || me.Result != "ERROR" {
		t.Fatalf("no ModemError behind %v", err)
	}
}

func TestHandlerErrorStopsScript(t *testing.T) {
	_, _, err := runSource(t, context.Background(), `
on_urc("RING", function() error("handler broke") end)
send("AT")
print("not reached")
`, enginetest.Step{Expect: "AT\r", Reply: "\r\nRING\r\n\r\nOK\r\n"})
	if err == nil || !strings.Contains(err.Error(), "handler broke") {
		t.Fatalf("err = %v", err)
	}
}

// Cancelling the run stops it promptly wherever it is: in a wait on the
// modem, or in a tight Lua loop.
func TestCancel(t *testing.T) {
	for name, src := range map[string]string{
		"wait_urc":  `wait_urc("+QMTRECV:", "1h")`,
		"sleep":     `sleep("1h")`,
		"busy loop": `while true do end`,
		"send":      `send("AT", {timeout = "1h"})`,
	} {
		t.Run(name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			errc := make(chan error, 1)
			go func() {
				_, _, err := runSource(t, ctx, src, enginetest.Step{Expect: "never"})
				errc <- err
			}()
			time.AfterFunc(20*time.Millisecond, cancel)
			select {
			case err := <-errc:
				if !errors.Is(err, context.Canceled) {
					t.Fatalf("err = %v, want it to wrap context.Canceled", err)
				}
			case <-time.After(5 * time.Second):
				t.Fatal("script did not stop after cancel")
			}
		})
	}
}

func TestWhereTracksTheCall(t *testing.T) {
	for _, tc := range []struct{ name, src, want string }{
		{"through pcall, with options", "\n\npcall(send, 'AT', {timeout='1h'})\n", "w.lua:3"},
		{"plain send", "local x = 1\nsend('AT')\n", "w.lua:2"},
		{"in a function", "local function f()\n  return send('AT')\nend\nf()\n", "w.lua:2"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			host, fake := enginetest.Start(t, 0, enginetest.Step{Expect: "AT\r"})
			conn := engine.New(host, engine.Config{})
			defer conn.Close()
			r := NewRunner(Options{Conn: conn})
			done := make(chan error, 1)
			ctx, cancel := context.WithCancel(context.Background())
			go func() {
				_, err := r.Run(ctx, Script{Name: "w.lua", Source: []byte(tc.src)})
				done <- err
			}()
			fake.Finished(t)
			if got := r.Where(); got != tc.want {
				t.Errorf("Where = %q, want %s", got, tc.want)
			}
			cancel()
			<-done
		})
	}
}

func TestOverPTY(t *testing.T) {
	master, path := enginetest.OpenPTY(t)
	enginetest.Run(t, master, 0,
		enginetest.Step{Expect: "ATE0\r", Reply: "ATE0\r\r\nOK\r\n"},
		enginetest.Step{Expect: "AT+QMTSUB=0,1,\"down\",0\r", Reply: "\r\nOK\r\n\r\n+QMTSUB: 0,1,0,0\r\n\r\n+QMTRECV: 0,0,\"down\",4,\"ping\"\r\n"},
	)
	port, err := engine.Open(context.Background(), path, engine.SerialConfig{})
	if err != nil {
		t.Fatal(err)
	}
	conn := engine.New(port, engine.Config{Name: path})
	defer conn.Close()
	rep := &recorder{}
	r := NewRunner(Options{Conn: conn, Report: rep})
	_, err = r.Run(context.Background(), Script{Name: "pty.lua", Source: []byte(`
send("ATE0")
send('AT+QMTSUB=0,1,"down",0')
local _, _, _, result, qos = wait_urc("+QMTSUB:")
assert(result == "0" and qos == "0")
local line, client, msgid, topic, len, payload = wait_urc("+QMTRECV:")
print(topic .. " " .. payload)
`)})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.prints) != 1 || rep.prints[0] != "down ping" {
		t.Fatalf("prints %q", rep.prints)
	}
}

func TestCheck(t *testing.T) {
	if err := Check(Script{Name: "ok.lua", Source: []byte("send('AT')")}); err != nil {
		t.Fatal(err)
	}
	err := Check(Script{Name: "x/bad.lua", Source: []byte("\nif then\n")})
	se, ok := errorsAs[*SyntaxError](err)
	if !ok || se.Line != 2 || se.Script != "x/bad.lua" {
		t.Fatalf("err = %v", err)
	}
}

// The workaround for gopher-lua's upvalue closing must find the flag it
// sets; a gopher-lua upgrade that renames it fails here.
func TestUpvaluesSurviveCaughtErrors(t *testing.T) {
	if checkUpvalueFlag() != nil {
		t.Fatal("gopher-lua's LState has no hasErrorFunc flag: review luabind/upvalues.go")
	}
	_, _, err := runSource(t, context.Background(), `
local n = 0
local function inc() n = n + 1 end
inc() pcall(error, "x") inc()
assert(n == 2, "n is " .. n)
`)
	if err != nil {
		t.Fatal(err)
	}
}

// Without gopher-lua's flag a run refuses to start, saying why, rather than
// running scripts whose closures would miscount.
func TestMissingUpvalueFlagFailsLoudly(t *testing.T) {
	if f := fieldOf(reflect.TypeOf(struct{ other bool }{}), "hasErrorFunc"); f.ok {
		t.Fatal("fieldOf found a field that is not there")
	}
	saved := hasErrorFunc
	hasErrorFunc = func() boolField { return boolField{} }
	defer func() { hasErrorFunc = saved }()
	_, _, err := runSource(t, context.Background(), `print("ran")`)
	if !errors.Is(err, errNoUpvalueFlag) || !strings.Contains(err.Error(), "gopher-lua issue 448") {
		t.Fatalf("err = %v", err)
	}
	if err := Check(Script{Name: "ok.lua", Source: []byte("print(1)")}); !errors.Is(err, errNoUpvalueFlag) {
		t.Fatalf("Check: err = %v", err)
	}
}

// A script cut short (a block left open) is reported at its last line, in
// words, not at line 0 with gopher-lua's "at EOF".
func TestSyntaxErrorAtEnd(t *testing.T) {
	tests := []struct {
		src  string
		line int
	}{
		{"step('a', function()\n  send('AT')\n", 2},
		{"local x = 1\nif x then\n  print(x)\n\n\n", 3},
		{"print('a'", 1},
	}
	for _, tt := range tests {
		err := Check(Script{Name: "x/cut.lua", Source: []byte(tt.src)})
		se, ok := errorsAs[*SyntaxError](err)
		if !ok || se.Line != tt.line || strings.Contains(err.Error(), "EOF") || !strings.Contains(err.Error(), "end of the script") {
			t.Errorf("%q: err = %v, want line %d", tt.src, err, tt.line)
		}
	}
}

// A script's Lua state starts small and grows: recursion as deep as the
// call stack allows, in functions with many locals, needs more value stack
// than gopher-lua's fixed default (5,120 slots: 200 calls of a function
// with 40 registers is 8,000) and must still run; recursion with no end
// is a clean script error, not a crash or a hang.
func TestLuaStacksGrowOnDemand(t *testing.T) {
	var locals strings.Builder
	for i := range 38 {
		fmt.Fprintf(&locals, "local v%d = n + %d\n", i, i)
	}
	deep := "local function f(n)\n" + locals.String() + "if n == 0 then return v0 end\nreturn f(n - 1) + v37 - 37 - n + 1 -- one per call\nend\n" +
		"assert(f(200) == 200, 'wrong sum')\n"
	if _, _, err := runSource(t, context.Background(), deep); err != nil {
		t.Fatalf("200 calls deep, 40 registers each: %v", err)
	}
	_, _, err := runSource(t, context.Background(), "local function f(n) return 1 + f(n + 1) end\nf(1)\n")
	if _, ok := errorsAs[*ScriptError](err); !ok || !strings.Contains(err.Error(), "stack overflow") {
		t.Fatalf("endless recursion: %v (%T), want a ScriptError saying stack overflow", err, err)
	}
}
