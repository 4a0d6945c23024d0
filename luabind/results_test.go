package luabind

import (
	"context"
	"strings"
	"testing"

	"github.com/atrun/atrun/engine/enginetest"
	lua "github.com/yuin/gopher-lua"
)

// The gopher-lua in go.mod keeps the call's NRet where results.go looks:
// an upgrade that moves it fails here, not silently in every run.
func TestNRetFound(t *testing.T) {
	if !nretAt().ok {
		t.Fatal("lua.LState.currentFrame.NRet not found: review luabind/results.go for this gopher-lua version")
	}
}

// resultsDiscarded is true only for a call whose results nobody takes.
func TestResultsDiscarded(t *testing.T) {
	for _, tc := range []struct {
		call      string
		discarded bool
	}{
		{"f()", true},
		{"do f() end", true},
		{"for i = 1, 2 do f() end", true},
		{"local r = f()", false},
		{"local a, b = f()", false},
		{"x = f()", false},
		{"local t = {f()}", false},
		{"local s = tostring(f())", false},
		{"if f() then end", false},
		{"local y = f() or 1", false},
		{"return f()", false},
		{"pcall(f)", false},
		// A tail call hands f's results to g's caller: a statement here.
		{"local g = function() return f() end g()", true},
		{"local g = function() return f() end local v = g()", false},
		{"coroutine.wrap(f)()", false},
	} {
		t.Run(tc.call, func(t *testing.T) {
			L := lua.NewState()
			defer L.Close()
			var seen []bool
			L.SetGlobal("f", L.NewFunction(func(L *lua.LState) int {
				seen = append(seen, resultsDiscarded(L))
				L.Push(lua.LTrue)
				return 1
			}))
			if err := L.DoString(tc.call); err != nil {
				t.Fatal(err)
			}
			if len(seen) == 0 {
				t.Fatal("f was not called")
			}
			for _, got := range seen {
				if got != tc.discarded {
					t.Errorf("resultsDiscarded = %v, want %v", got, tc.discarded)
				}
			}
		})
	}
}

// send() as a statement still fails the script on an error, and with
// allow_error it does not; as a value it is the whole response.
func TestSendAsStatementAndAsValue(t *testing.T) {
	step := func(cmd, reply string) enginetest.Step { return enginetest.Step{Expect: cmd + "\r", Reply: reply} }
	_, res, err := runSource(t, context.Background(), `
send("AT+A")
send("AT+B", {allow_error = true})
local r = send("AT+C")
assert(r.final == "OK" and r.lines[1] == "+C: 1" and r.ok == true and r.command == "AT+C", "response of a value call")
local e = send("AT+D", {allow_error = true})
assert(e.ok == false and e.final == "ERROR" and e.error ~= nil, "failed response of a value call")
send("AT+E")
`, step("AT+A", "\r\nOK\r\n"), step("AT+B", "\r\nERROR\r\n"), step("AT+C", "\r\n+C: 1\r\n\r\nOK\r\n"),
		step("AT+D", "\r\nERROR\r\n"), step("AT+E", "\r\nERROR\r\n"))
	if err == nil || !strings.Contains(err.Error(), "test.lua:8") {
		t.Fatalf("the last send, a statement answered ERROR, must fail the script at line 8: %v %+v", err, res)
	}
}
