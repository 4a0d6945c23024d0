package luabind

import (
	"context"
	"errors"
	"fmt"
	"strings"

	lua "github.com/yuin/gopher-lua"

	"github.com/atrun/atrun/engine/clock"
	"github.com/atrun/atrun/engine/codes"
)

// sleep(d): waits on the modem's clock (virtual in a replay), running URC
// handlers; an abort_on line ends it with an error.
func (r *Runner) sleep(L *lua.LState) int {
	d := duration(L, L.Get(1), 0)
	if r.opts.Conn == nil {
		r.at(L)
		if err := clock.Sleep(L.Context(), r.clk, d); err != nil {
			r.raise(L, err)
		}
		return 0
	}
	r.call(L, func() error { return r.opts.Conn.Sleep(L.Context(), d) })
	return 0
}

// now() -> seconds since the epoch, on the session's clock.
func (r *Runner) now(L *lua.LState) int {
	t := r.clk.Now()
	L.Push(lua.LNumber(float64(t.UnixNano()) / 1e9))
	return 1
}

func (r *Runner) logInfo(L *lua.LState) int { return r.logAt(L, "info") }
func (r *Runner) logWarn(L *lua.LState) int { return r.logAt(L, "warn") }

func (r *Runner) logAt(L *lua.LState, level string) int {
	r.opts.Report.Log(level, r.opts.Secrets.Redact(joinArgs(L)), r.at(L))
	return 0
}

// print(...) writes the script's results (standard output).
func (r *Runner) print(L *lua.LState) int {
	r.opts.Report.Print(r.opts.Secrets.Redact(joinArgs(L)))
	return 0
}

func joinArgs(L *lua.LState) string {
	parts := make([]string, L.GetTop())
	for i := range parts {
		parts[i] = L.ToStringMeta(L.Get(i + 1)).String()
	}
	return strings.Join(parts, " ")
}

// fail(msg): stops the script with msg.
func (r *Runner) fail(L *lua.LState) int {
	r.raise(L, fmt.Errorf("%s", r.opts.Secrets.Redact(joinArgs(L))))
	return 0
}

// param(name [, default]): --set name=value, else ATRUN_<NAME>, else the
// default (nil when none).
func (r *Runner) param(L *lua.LState) int {
	v, ok := r.lookup(L.CheckString(1))
	switch {
	case ok:
		L.Push(lua.LString(v))
	default:
		L.Push(L.Get(2))
	}
	return 1
}

// secret(name [, default]): like param, but the value is hidden from every
// log, error, trace and transcript from now on.
func (r *Runner) secret(L *lua.LState) int {
	v, ok := r.lookup(L.CheckString(1))
	if !ok {
		if d, isStr := L.Get(2).(lua.LString); isStr {
			v, ok = string(d), true
		}
	}
	if !ok {
		L.Push(lua.LNil)
		return 1
	}
	r.opts.Secrets.Add(v)
	L.Push(lua.LString(v))
	return 1
}

// EnvName is the environment variable param() and secret() read a
// parameter from: ATRUN_ and the name in capitals, - and . made _.
func EnvName(name string) string {
	return "ATRUN_" + strings.ToUpper(envSeparators.Replace(name))
}

// envSeparators is made once: param() looks names up on every call.
var envSeparators = strings.NewReplacer("-", "_", ".", "_")

func (r *Runner) lookup(name string) (string, bool) {
	key := strings.ToLower(name)
	r.mu.Lock()
	r.used[key] = true
	r.mu.Unlock()
	for k, v := range r.opts.Params {
		if strings.ToLower(k) == key {
			return v, true
		}
	}
	if v := r.opts.Getenv(EnvName(name)); v != "" {
		return v, true
	}
	return "", false
}

// step(name, fn, ...) runs fn as a named step: reported when it starts and
// ends, and named in the message of an error raised inside it. It returns
// what fn returns and raises what fn raises.
func (r *Runner) stepFn(L *lua.LState) int {
	name := L.CheckString(1)
	fn := L.CheckFunction(2)
	r.mu.Lock()
	outer := r.step
	r.step = name
	r.mu.Unlock()
	r.opts.Report.Step(name, "start", 0, nil)
	start := r.clk.Now()
	base := L.GetTop()
	L.Push(fn)
	for i := 3; i <= base; i++ {
		L.Push(L.Get(i))
	}
	err := protect(L, base-2, lua.MultRet)
	elapsed := r.clk.Now().Sub(start)
	r.mu.Lock()
	r.step = outer
	r.mu.Unlock()
	if err != nil {
		stop := ctxErr(L)
		r.opts.Report.Step(name, "fail", elapsed, r.stepErr(err, stop))
		L.Error(r.tagStep(L, err, name, stop), 0)
	}
	r.opts.Report.Step(name, "ok", elapsed, nil)
	return L.GetTop() - base
}

// tagStep returns what a step raised as an error table that names the
// step (the innermost one, if steps nest), so an uncaught error says where
// it happened.
func (r *Runner) tagStep(L *lua.LState, err error, name string, stop error) lua.LValue {
	api, ok := err.(*lua.ApiError)
	if !ok {
		return lua.LString(plainStop(err.Error(), stop))
	}
	t, ok := api.Object.(*lua.LTable)
	if !ok {
		msg := lua.LVAsString(api.Object)
		t = L.NewTable()
		if m := positionRE().FindStringSubmatch(msg); m != nil {
			t.RawSetString("where", lua.LString(m[1]+":"+m[2]))
			if m[1] == r.chunk {
				t.RawSetString("script_where", lua.LString(m[1]+":"+m[2]))
			}
			msg = msg[len(m[0]):]
		}
		t.RawSetString("message", lua.LString(plainStop(msg, stop)))
		t.RawSetString("kind", lua.LString("error"))
	}
	if t.RawGetString("step") == lua.LNil {
		t.RawSetString("step", lua.LString(name))
	}
	return t
}

// stepErr is the Go error behind what a step raised, for the report. stop
// is the run's context error, nil while the run goes on.
func (r *Runner) stepErr(err, stop error) error {
	if api, ok := err.(*lua.ApiError); ok {
		if t, ok := api.Object.(*lua.LTable); ok {
			return fmt.Errorf("%s", plainStop(lua.LVAsString(t.RawGetString("message")), stop))
		}
		return fmt.Errorf("%s", plainStop(lua.LVAsString(api.Object), stop))
	}
	return errors.New(plainStop(err.Error(), stop))
}

// ctxErr is the error of L's context, nil while it is live.
func ctxErr(L *lua.LState) error {
	if ctx := L.Context(); ctx != nil {
		return ctx.Err()
	}
	return nil
}

// plainStop replaces the context's own words in msg ("context canceled",
// which gopher-lua raises when the run is stopped) with what happened:
// "interrupted", or "time limit reached".
func plainStop(msg string, stop error) string {
	if stop == nil {
		return msg
	}
	words := "interrupted"
	if errors.Is(stop, context.DeadlineExceeded) {
		words = "time limit reached"
	}
	return strings.Replace(msg, stop.Error(), words, 1)
}

// explain(line [, command]) -> meaning, hint ("" when unknown)
func (r *Runner) explain(L *lua.LState) int {
	n := codes.Decode(L.CheckString(1), L.OptString(2, ""))
	L.Push(lua.LString(n.Meaning))
	L.Push(lua.LString(n.Hint))
	return 2
}

// fields(line) -> the parameters of an information line, unquoted:
// fields('+QMTOPEN: 0,"host",8883') is {"0", "host", "8883"}.
func luaFields(L *lua.LState) int {
	t := L.NewTable()
	for _, f := range splitFields(L.CheckString(1)) {
		t.Append(lua.LString(f))
	}
	L.Push(t)
	return 1
}

// splitFields is codes.Fields: the one splitter every part uses.
func splitFields(line string) []string { return codes.Fields(line) }

// port() -> the name of the port the script talks to ("/dev/ttyUSB2",
// "tcp://host:2000"), "" when unknown.
func (r *Runner) portName(L *lua.LState) int {
	L.Push(lua.LString(r.opts.Port))
	return 1
}
