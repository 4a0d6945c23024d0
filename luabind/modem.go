package luabind

import (
	"fmt"
	"strings"
	"time"

	lua "github.com/yuin/gopher-lua"
	"github.com/yuin/gopher-lua/pm"

	"github.com/atrun/atrun/engine"
)

// conn returns the engine connection, or raises if the run has none.
func (r *Runner) conn(L *lua.LState) *engine.Conn {
	if r.opts.Conn == nil {
		L.RaiseError("no modem: this run has no port")
	}
	return r.opts.Conn
}

// call runs an engine call for the script: it records the script position,
// runs any URC handler errors up, and raises the call's error.
func (r *Runner) call(L *lua.LState, f func() error) {
	r.at(L)
	err := f()
	r.handlerRaised(L)
	if err != nil {
		r.raise(L, err)
	}
}

// handlerRaised raises, in the script, the first error a URC handler
// raised during the call that just returned.
func (r *Runner) handlerRaised(L *lua.LState) {
	r.mu.Lock()
	herr := r.handlerErr
	r.handlerErr = nil
	r.mu.Unlock()
	if herr != nil {
		// Level 0: the value already names the handler's line.
		L.Error(herr.(*luaRaised).value, 0)
	}
}

// send(cmd [, opts]) -> response
func (r *Runner) send(L *lua.LState) int {
	cmd := L.CheckString(1)
	if L.Get(2) == lua.LNil {
		return r.sendPlain(L, cmd)
	}
	o := optTable(L, 2)
	var eopts []engine.Option
	if v := o.RawGetString("timeout"); v != lua.LNil {
		eopts = append(eopts, engine.Timeout(duration(L, v, 0)))
	}
	if v := o.RawGetString("prefix"); v != lua.LNil {
		eopts = append(eopts, engine.ResponsePrefix(lua.LVAsString(v)))
	}
	eopts = append(eopts, downloadOptions(L, o)...)
	var want *luaMatcher
	if v := o.RawGetString("expect"); v != lua.LNil {
		want = matcherOf(L, v)
	}
	retries := int(lua.LVAsNumber(o.RawGetString("retries")))
	delay := duration(L, o.RawGetString("retry_delay"), time.Second)
	valueOnError := lua.LVAsBool(o.RawGetString("allow_error"))
	c := r.conn(L)

	var resp *engine.Response
	var err error
	for attempt := 0; ; attempt++ {
		r.call(L, func() error {
			resp, err = c.Send(L.Context(), cmd, eopts...)
			if err == nil && want != nil && !responseHolds(resp, want) {
				err = fmt.Errorf("%s: the answer does not hold %s (got %s)", r.opts.Secrets.Redact(cmd), want.desc, strings.Join(append(append([]string{}, resp.Lines...), resp.Final), " | "))
			}
			return nil
		})
		if err == nil || attempt >= retries || L.Context().Err() != nil {
			break
		}
		r.opts.Report.Log("info", fmt.Sprintf("%s failed (%v); retrying in %v (%d of %d)", r.opts.Secrets.Redact(cmd), r.opts.Secrets.Redact(err.Error()), delay, attempt+1, retries), r.Where())
		r.call(L, func() error { return c.Sleep(L.Context(), delay) })
	}
	if err != nil && (!valueOnError || resp == nil) {
		r.raise(L, err)
	}
	if resultsDiscarded(L) {
		L.Push(lua.LNil) // a statement: nobody reads the table
		return 1
	}
	t := responseTable(L, resp)
	if err != nil {
		t.RawSetString("ok", lua.LFalse)
		t.RawSetString("error", r.errorTable(L, err))
	}
	L.Push(t)
	return 1
}

// sendPlain is send(cmd) with no options, the common call and the one a
// polling loop makes: no option table, no closure, nothing kept for
// retries, so that a round trip from Lua costs little more than one from
// Go.
func (r *Runner) sendPlain(L *lua.LState, cmd string) int {
	c := r.conn(L)
	r.at(L)
	resp, err := c.Send(L.Context(), cmd)
	r.handlerRaised(L)
	if err != nil {
		r.raise(L, err)
	}
	if resultsDiscarded(L) {
		L.Push(lua.LNil) // a statement: nobody reads the table
		return 1
	}
	L.Push(responseTable(L, resp))
	return 1
}

// downloadOptions reads {download = true [, size = n]}: the data after the
// command's CONNECT goes to r.data, read by size when given.
func downloadOptions(L *lua.LState, o *lua.LTable) []engine.Option {
	size := o.RawGetString("size")
	if !lua.LVAsBool(o.RawGetString("download")) {
		if size != lua.LNil {
			L.ArgError(2, "size is the size of a download: pass download = true with it")
		}
		return nil
	}
	if size == lua.LNil {
		return []engine.Option{engine.Download()}
	}
	n, ok := size.(lua.LNumber)
	if !ok || n < 1 || float64(n) != float64(int(n)) {
		L.ArgError(2, fmt.Sprintf("size must be a whole number of bytes, at least 1 (got %s)", lua.LVAsString(size)))
	}
	return []engine.Option{engine.DownloadSize(int(n))}
}

func responseHolds(resp *engine.Response, m *luaMatcher) bool {
	for _, l := range resp.Lines {
		if m.m.Match(l) {
			return true
		}
	}
	return m.m.Match(resp.Final)
}

// responseTable is the script's view of a response.
func responseTable(L *lua.LState, resp *engine.Response) *lua.LTable {
	t := L.CreateTable(0, 7)
	if resp == nil {
		return t
	}
	lines := L.CreateTable(len(resp.Lines), 0)
	for _, l := range resp.Lines {
		lines.Append(lua.LString(l))
	}
	t.RawSetString("command", lua.LString(resp.Command))
	t.RawSetString("lines", lines)
	t.RawSetString("final", lua.LString(resp.Final))
	t.RawSetString("elapsed", lua.LNumber(resp.Elapsed.Seconds()))
	t.RawSetString("ok", lua.LTrue)
	if resp.Data != nil {
		t.RawSetString("data", lua.LString(resp.Data))
	}
	return t
}

// send_prompt(cmd, payload [, opts]) -> response
func (r *Runner) sendPrompt(L *lua.LState) int {
	cmd := L.CheckString(1)
	payload := L.CheckString(2)
	o := optTable(L, 3)
	var eopts []engine.Option
	if v := o.RawGetString("timeout"); v != lua.LNil {
		eopts = append(eopts, engine.Timeout(duration(L, v, 0)))
	}
	if lua.LVAsBool(o.RawGetString("fixed")) {
		eopts = append(eopts, engine.FixedLength())
	}
	var resp *engine.Response
	c := r.conn(L)
	r.call(L, func() (err error) {
		resp, err = c.SendPrompt(L.Context(), cmd, []byte(payload), eopts...)
		return err
	})
	L.Push(responseTable(L, resp))
	return 1
}

// upload(remote_name, local_path_or_data [, opts]) -> {size, checksum, final}
//
// With opts.command, the generic form: that command is sent, the data
// streamed after its CONNECT, and no checksum checked (other modems' upload
// commands).
func (r *Runner) upload(L *lua.LState) int {
	name := L.CheckString(1)
	src := L.CheckString(2)
	o := optTable(L, 3)
	data := r.uploadData(L, src, lua.LVAsBool(o.RawGetString("data")))
	var eopts []engine.Option
	if v := o.RawGetString("timeout"); v != lua.LNil {
		eopts = append(eopts, engine.Timeout(duration(L, v, 0)))
	}
	eopts = append(eopts, engine.Progress(func(sent, total int) {
		r.opts.Report.Progress(name, sent, total)
	}))
	c := r.conn(L)
	var resp *engine.Response
	if cmd := lua.LVAsString(o.RawGetString("command")); cmd != "" {
		r.call(L, func() (err error) {
			resp, err = c.Upload(L.Context(), cmd, data, eopts...)
			return err
		})
		L.Push(responseTable(L, resp))
		return 1
	}
	wait := duration(L, o.RawGetString("modem_wait"), 60*time.Second)
	r.call(L, func() (err error) {
		resp, err = c.UploadFile(L.Context(), name, data, wait, eopts...)
		return err
	})
	t := responseTable(L, resp)
	t.RawSetString("size", lua.LNumber(len(data)))
	t.RawSetString("checksum", lua.LString(engine.FormatChecksum(engine.QFUPLChecksum(data))))
	L.Push(t)
	return 1
}

// uploadData reads src as a file path, or takes it as the data itself when
// asked to, or when it cannot be a path (it holds a line end).
func (r *Runner) uploadData(L *lua.LState, src string, isData bool) []byte {
	if isData || strings.ContainsAny(src, "\r\n") {
		return []byte(src)
	}
	data, err := r.opts.ReadFile(src)
	if err != nil {
		L.RaiseError("upload: cannot read %s: %v (pass {data = true} to upload the string itself)", src, err)
	}
	return data
}

// expect(match [, timeout]) -> line, captures...
func (r *Runner) expect(L *lua.LState) int {
	return r.waitLine(L, false)
}

// wait_urc(match [, timeout]) -> line, captures...
func (r *Runner) waitURC(L *lua.LState) int {
	return r.waitLine(L, true)
}

func (r *Runner) waitLine(L *lua.LState, urcOnly bool) int {
	m := matcherOf(L, L.Get(1))
	timeout := duration(L, L.Get(2), 10*time.Second)
	c := r.conn(L)
	var u engine.URC
	r.call(L, func() (err error) {
		if urcOnly {
			u, err = c.WaitURC(L.Context(), m.m, timeout)
		} else {
			u, err = c.Expect(L.Context(), m.m, timeout)
		}
		return err
	})
	L.Push(lua.LString(u.Text))
	caps := m.captures(u.Text)
	if u.Data != "" {
		caps = append(caps, u.Data) // the payload or text line that came with it
	}
	for _, c := range caps {
		L.Push(lua.LString(c))
	}
	return 1 + len(caps)
}

// on_urc(match, fn) -> remove function. fn(line, captures...) runs while
// the script waits on the modem (in send, wait_urc, sleep ...).
func (r *Runner) onURC(L *lua.LState) int {
	m := matcherOf(L, L.Get(1))
	fn := L.CheckFunction(2)
	remove := r.conn(L).OnURC(m.m, func(u engine.URC) {
		args := []lua.LValue{lua.LString(u.Text)}
		for _, c := range m.captures(u.Text) {
			args = append(args, lua.LString(c))
		}
		if u.Data != "" {
			args = append(args, lua.LString(u.Data))
		}
		L.Push(fn)
		for _, a := range args {
			L.Push(a)
		}
		if err := protect(L, len(args), 0); err != nil {
			r.handlerFailed(err)
		}
	})
	L.Push(removeFunc(L, remove))
	return 1
}

// handlerFailed keeps the first error a handler raised, to raise it in the
// script once the call the handler ran in returns.
func (r *Runner) handlerFailed(err error) {
	raised := &luaRaised{value: lua.LString(err.Error())}
	if api, ok := err.(*lua.ApiError); ok {
		raised.value = api.Object
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.handlerErr == nil {
		r.handlerErr = raised
	}
}

type luaRaised struct{ value lua.LValue }

func (e *luaRaised) Error() string { return lua.LVAsString(e.value) }

// abort_on(match) -> remove function
func (r *Runner) abortOn(L *lua.LState) int {
	m := matcherOf(L, L.Get(1))
	L.Push(removeFunc(L, r.conn(L).AbortOn(m.m)))
	return 1
}

func removeFunc(L *lua.LState, remove func()) *lua.LFunction {
	return L.NewFunction(func(*lua.LState) int {
		remove()
		return 0
	})
}

// write_raw(bytes): no line end added.
func (r *Runner) writeRaw(L *lua.LState) int {
	b := L.CheckString(1)
	c := r.conn(L)
	r.call(L, func() error { return c.WriteRaw(L.Context(), []byte(b)) })
	return 0
}

// luaMatcher is a match as a script gives it: a literal prefix, or a Lua
// pattern made with pattern("...").
type luaMatcher struct {
	m       engine.Matcher
	desc    string
	pattern string
}

// patternSpec is what pattern("...") returns.
type patternSpec struct{ src string }

func luaPattern(L *lua.LState) int {
	src := L.CheckString(1)
	if _, err := pm.Find(src, []byte{}, 0, 1); err != nil {
		L.ArgError(1, "bad Lua pattern: "+err.Error())
	}
	ud := L.NewUserData()
	ud.Value = patternSpec{src: src}
	L.Push(ud)
	return 1
}

func matcherOf(L *lua.LState, v lua.LValue) *luaMatcher {
	switch v := v.(type) {
	case lua.LString:
		s := string(v)
		return &luaMatcher{m: engine.Prefix(s), desc: fmt.Sprintf("%q", s)}
	case *lua.LUserData:
		if p, ok := v.Value.(patternSpec); ok {
			return &luaMatcher{
				m:       engine.MatchFunc("pattern "+p.src, func(s string) bool { return findPattern(p.src, s) != nil }),
				desc:    "pattern " + p.src,
				pattern: p.src,
			}
		}
	}
	L.RaiseError("a match is a string (a literal prefix such as \"+QMTOPEN:\") or pattern(\"lua pattern\"), not %s", v.Type())
	return nil
}

func findPattern(pattern, s string) *pm.MatchData {
	mds, err := pm.Find(pattern, []byte(s), 0, 1)
	if err != nil || len(mds) == 0 {
		return nil
	}
	return mds[0]
}

// captures returns what a matched line yields besides itself: a pattern's
// captures, or for a prefix match on a `+NAME: a,b` line all its fields
// (a, b), whatever part of them the prefix named.
func (m *luaMatcher) captures(line string) []string {
	if m.pattern == "" {
		if !strings.HasPrefix(line, "+") || !strings.Contains(line, ":") {
			return nil
		}
		return splitFields(line)
	}
	md := findPattern(m.pattern, line)
	if md == nil {
		return nil
	}
	var out []string
	for i := 2; i+1 < md.CaptureLength(); i += 2 {
		if md.IsPosCapture(i) {
			out = append(out, fmt.Sprint(md.Capture(i)+1))
			continue
		}
		out = append(out, line[md.Capture(i):md.Capture(i+1)])
	}
	return out
}
