package luabind

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	lua "github.com/yuin/gopher-lua"

	"github.com/atrun/atrun/engine"
	"github.com/atrun/atrun/internal/lazyre"
)

// install puts the API into the state's globals; dir is the script's
// folder (see Script.Dir).
func (r *Runner) install(L *lua.LState, dir string) {
	funcs := map[string]lua.LGFunction{
		// talking to the modem (modem.go)
		"send":        r.send,
		"send_prompt": r.sendPrompt,
		"upload":      r.upload,
		"read_file":   r.readFile,
		"expect":      r.expect,
		"wait_urc":    r.waitURC,
		"on_urc":      r.onURC,
		"abort_on":    r.abortOn,
		"write_raw":   r.writeRaw,
		// everything else (util.go)
		"sleep":   r.sleep,
		"now":     r.now,
		"log":     r.logInfo,
		"info":    r.logInfo,
		"warn":    r.logWarn,
		"print":   r.print,
		"fail":    r.fail,
		"param":   r.param,
		"secret":  r.secret,
		"step":    r.stepFn,
		"explain": r.explain,
		"fields":  luaFields,
		"pattern": luaPattern,
		"port":    r.portName,
		"pcall":   basePCall,
		"xpcall":  baseXPCall,
	}
	for name, fn := range funcs {
		L.SetGlobal(name, L.NewFunction(fn))
	}
	L.SetGlobal("json", jsonModule(L))
	if os, ok := L.GetGlobal("os").(*lua.LTable); ok {
		// os.exit would end the process without flushing the transcript.
		os.RawSetString("exit", L.NewFunction(func(L *lua.LState) int {
			L.RaiseError("os.exit is not available: end the script by returning, or call fail(msg)")
			return 0
		}))
	}
	r.installIO(L)
	r.installRequire(L, dir)
}

// installIO sends io.write, io.stdout:write and io.stderr:write through the
// reporter, line by line, like print: the secrets are cut out and --json
// output stays JSON. Written straight to the process's stdout, a password
// would go out as it is.
func (r *Runner) installIO(L *lua.LState) {
	io, ok := L.GetGlobal("io").(*lua.LTable)
	if !ok {
		return
	}
	write := func(L *lua.LState, first int) {
		for i := first; i <= L.GetTop(); i++ {
			v := L.Get(i)
			if v.Type() != lua.LTString && v.Type() != lua.LTNumber {
				L.ArgError(i, "string expected, got "+v.Type().String())
			}
			r.out.write(lua.LVAsString(v), r.opts.Report)
		}
	}
	io.RawSetString("write", L.NewFunction(func(L *lua.LState) int {
		write(L, 1)
		L.Push(io.RawGetString("stdout"))
		return 1
	}))
	for _, name := range []string{"stdout", "stderr"} {
		f := L.NewTable()
		methods := map[string]lua.LGFunction{
			"write":   func(L *lua.LState) int { write(L, 2); L.Push(L.Get(1)); return 1 },
			"flush":   func(L *lua.LState) int { L.Push(L.Get(1)); return 1 },
			"close":   func(L *lua.LState) int { L.Push(lua.LTrue); return 1 },
			"setvbuf": func(L *lua.LState) int { L.Push(lua.LTrue); return 1 },
		}
		for k, fn := range methods {
			f.RawSetString(k, L.NewFunction(fn))
		}
		io.RawSetString(name, f)
	}
}

// installRequire sets where require("name") looks: name.lua in the
// script's own folder (dir), then the shipped modules (require("lib.x")
// loads lib/x.lua). Never the working directory as such, nor LUA_PATH:
// a quectel.lua lying in the folder atrun runs in must not replace the
// shipped module under a shipped script.
func (r *Runner) installRequire(L *lua.LState, dir string) {
	pkg, ok := L.GetGlobal("package").(*lua.LTable)
	if !ok {
		return
	}
	search := ""
	if dir != "" {
		search = filepath.Join(dir, "?.lua")
	}
	pkg.RawSetString("path", lua.LString(search))
	if r.opts.Modules == nil {
		return
	}
	loaders, ok := pkg.RawGetString("loaders").(*lua.LTable)
	if !ok {
		return
	}
	loaders.Append(L.NewFunction(func(L *lua.LState) int {
		name := L.CheckString(1)
		file := strings.ReplaceAll(name, ".", "/") + ".lua"
		src, err := fs.ReadFile(r.opts.Modules, file)
		if err != nil {
			L.Push(lua.LString("\n\tno shipped module " + file))
			return 1
		}
		fn, err := load(L, path.Base(file), src)
		if err != nil {
			L.RaiseError("module %s: %v", name, err)
		}
		L.Push(fn)
		return 1
	}))
}

// at records the script position of the current call for traces and
// returns it: the innermost Lua line, so that a call made through pcall or
// from a module is placed where it was written. It runs on every call to
// the modem, so it formats each position once and reuses the string.
func (r *Runner) at(L *lua.LState) string {
	pl, ok := innermost(L)
	if !ok {
		r.where.Store(new(string))
		return ""
	}
	w := r.places[pl]
	if w == nil {
		if r.places == nil {
			r.places = map[place]*string{}
		}
		w = new(string)
		*w = pl.source + ":" + strconv.Itoa(pl.line)
		r.places[pl] = w
	}
	r.where.Store(w)
	return *w
}

// place is a line of a chunk.
type place struct {
	source string
	line   int
}

// innermost returns the position of the innermost Lua function on the
// stack, skipping Go functions such as pcall; false when there is none.
func innermost(L *lua.LState) (place, bool) {
	for level := 1; ; level++ {
		dbg, ok := L.GetStack(level)
		if !ok {
			return place{}, false
		}
		fn, err := L.GetInfo("Slf", dbg, lua.LNil)
		if f, isFn := fn.(*lua.LFunction); err == nil && isFn && !f.IsG {
			return place{dbg.Source, dbg.CurrentLine}, true
		}
	}
}

// duration reads a duration argument: "5s", "250ms", or seconds as a number.
func duration(L *lua.LState, v lua.LValue, def time.Duration) time.Duration {
	switch v := v.(type) {
	case lua.LNumber:
		return time.Duration(float64(v) * float64(time.Second))
	case lua.LString:
		d, err := time.ParseDuration(string(v))
		if err != nil {
			if n, nerr := strconv.ParseFloat(string(v), 64); nerr == nil {
				return time.Duration(n * float64(time.Second))
			}
			L.RaiseError("bad duration %q: write it as \"5s\", \"250ms\" or a number of seconds", string(v))
		}
		return d
	case *lua.LNilType:
		return def
	}
	L.RaiseError("bad duration %s: write it as \"5s\", \"250ms\" or a number of seconds", v.String())
	return 0
}

// optTable returns argument n as an options table, or an empty one.
func optTable(L *lua.LState, n int) *lua.LTable {
	switch v := L.Get(n).(type) {
	case *lua.LTable:
		return v
	case *lua.LNilType:
		return L.CreateTable(0, 0)
	default:
		L.ArgError(n, "options must be a table, like {timeout = \"5s\"}")
		return nil
	}
}

// raise turns a Go error into a Lua error the script can catch with pcall
// and inspect: a table with kind, message and the engine error's fields,
// printing as its message.
func (r *Runner) raise(L *lua.LState, err error) {
	L.Error(r.errorTable(L, err), 1)
}

// errorTable describes err for Lua. The Go error is remembered with the
// table, so an uncaught error still carries it to the CLI.
func (r *Runner) errorTable(L *lua.LState, err error) *lua.LTable {
	t := L.NewTable()
	t.RawSetString("message", lua.LString(r.opts.Secrets.Redact(err.Error())))
	at, inScript := r.positions(L)
	t.RawSetString("where", lua.LString(at))
	if inScript != "" {
		t.RawSetString("script_where", lua.LString(inScript))
	}
	r.placePortLoss(t, err, at, inScript)
	d := engine.Describe(err)
	kind := d.Kind
	if d.Meaning != "" || kind == "modem" || kind == "abort" {
		t.RawSetString("meaning", lua.LString(r.opts.Secrets.Redact(d.Meaning)))
	}
	if d.Hint != "" || kind == "modem" || kind == "port" {
		t.RawSetString("hint", lua.LString(r.opts.Secrets.Redact(d.Hint)))
	}
	var (
		me *engine.ModemError
		te *engine.TimeoutError
		ae *engine.AbortError
	)
	switch {
	case errors.As(err, &me):
		t.RawSetString("command", lua.LString(me.Command))
		t.RawSetString("result", lua.LString(me.Result))
		t.RawSetString("code", lua.LNumber(me.Code))
	case errors.As(err, &te):
		t.RawSetString("awaited", lua.LString(te.Awaited))
		t.RawSetString("after", lua.LNumber(te.After.Seconds()))
		t.RawSetString("received", lua.LString(r.opts.Secrets.Redact(string(te.Received))))
	case errors.As(err, &ae):
		t.RawSetString("line", lua.LString(ae.Line))
	}
	t.RawSetString("kind", lua.LString(kind))
	mt := L.NewTable()
	mt.RawSetString("__tostring", L.NewFunction(func(L *lua.LState) int {
		L.Push(L.CheckTable(1).RawGetString("message"))
		return 1
	}))
	L.SetMetatable(t, mt)
	r.mu.Lock()
	r.goErrs[t] = err
	r.mu.Unlock()
	return t
}

// portLoss is where the script first met its port's loss.
type portLoss struct {
	err             *engine.PortError // the engine returns this one from then on
	step            string
	where, inScript string
}

// placePortLoss places a port loss where the script first met it: the
// engine fails every later call with the same error, and an error that
// escapes from a later step (a best-effort disconnect) would otherwise be
// reported there, not where the port went.
func (r *Runner) placePortLoss(t *lua.LTable, err error, at, inScript string) {
	var pe *engine.PortError
	if !errors.As(err, &pe) || pe.Op == "open" {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.lost == nil {
		r.lost = &portLoss{err: pe, step: r.step, where: at, inScript: inScript}
		return
	}
	if r.lost.err != pe || r.lost.step == r.step {
		return
	}
	if r.lost.step != "" {
		t.RawSetString("step", lua.LString(r.lost.step))
	}
	t.RawSetString("where", lua.LString(r.lost.where))
	t.RawSetString("script_where", lua.LString(r.lost.inScript))
}

// positions returns where the running Lua code is: the innermost Lua
// position ("quectel.lua:85"), and the innermost one in the script being
// run ("ec20_mqtts.lua:57"), which is what a user of the script can act on.
func (r *Runner) positions(L *lua.LState) (at, inScript string) {
	for level := 0; ; level++ {
		dbg, ok := L.GetStack(level)
		if !ok {
			return at, inScript
		}
		if _, err := L.GetInfo("Sl", dbg, lua.LNil); err != nil || dbg.CurrentLine <= 0 {
			continue
		}
		pos := fmt.Sprintf("%s:%d", dbg.Source, dbg.CurrentLine)
		if at == "" {
			at = pos
		}
		if dbg.Source == r.chunk {
			return at, pos
		}
	}
}

var positionRE = lazyre.New(`^([^:\s]+):(\d+):\s*`)

// scriptError turns what Lua returned from the run into a *ScriptError.
func (r *Runner) scriptError(ctxErr error, name string, err error) error {
	se := &ScriptError{Script: name}
	var api *lua.ApiError
	if !errors.As(err, &api) {
		se.Message, se.Err = err.Error(), err
		return se
	}
	switch obj := api.Object.(type) {
	case *lua.LTable:
		se.Message = lua.LVAsString(obj.RawGetString("message"))
		if step := lua.LVAsString(obj.RawGetString("step")); step != "" {
			se.Step = step
		}
		se.At = lua.LVAsString(obj.RawGetString("where"))
		se.Line = lineOf(lua.LVAsString(obj.RawGetString("script_where")))
		r.mu.Lock()
		se.Err = r.goErrs[obj]
		r.mu.Unlock()
		if se.Message == "" {
			se.Message = "a table was raised as an error"
		}
	default:
		msg := lua.LVAsString(api.Object)
		if m := positionRE().FindStringSubmatch(msg); m != nil {
			se.At = m[1] + ":" + m[2]
			if m[1] == r.chunk {
				se.Line, _ = strconv.Atoi(m[2])
			}
			msg = msg[len(m[0]):]
		}
		se.Message = msg
	}
	if ctxErr != nil && se.Err == nil {
		se.Err = ctxErr
		se.Message = plainStop(se.Message, ctxErr)
	}
	return se
}

func lineOf(where string) int {
	if i := strings.LastIndexByte(where, ':'); i >= 0 {
		n, _ := strconv.Atoi(where[i+1:])
		return n
	}
	return 0
}

var syntaxLineRE = lazyre.New(`line:(\d+)`)

// newSyntaxError describes a script that does not compile. gopher-lua
// reports a script that ends inside an open block as "at EOF", with no
// line: that is the script's last line.
func newSyntaxError(name string, src []byte, err error) error {
	msg := err.Error()
	se := &SyntaxError{Script: name, Message: msg}
	if m := syntaxLineRE().FindStringSubmatch(msg); m != nil {
		se.Line, _ = strconv.Atoi(m[1])
	}
	switch {
	case strings.Contains(msg, " at EOF:"):
		se.Line = lastLine(src)
		se.Message = "unexpected end of the script: a block or a call is not closed (a missing 'end', ')' or '}')"
	case strings.Contains(msg, "near "):
		// gopher-lua's message starts with the chunk name and position;
		// the error names them already.
		se.Message = strings.Join(strings.Fields(msg[strings.Index(msg, "near "):]), " ")
	}
	return se
}

// lastLine is the number of the last line of src that holds anything.
func lastLine(src []byte) int {
	lines := strings.Split(strings.TrimRight(string(src), " \t\r\n"), "\n")
	return len(lines)
}
