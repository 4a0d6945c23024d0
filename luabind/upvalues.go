package luabind

import (
	"errors"
	"reflect"
	"sync"
	"unsafe"

	lua "github.com/yuin/gopher-lua"
)

// gopher-lua v1.1.2 has a bug (yuin/gopher-lua issue 448, open): when an
// error is raised and no error handler is active, it closes the upvalues of
// every frame on the stack, not only of the frames the error unwinds. Once a
// pcall has caught an error, closures are then cut off from the locals of
// the functions still running: after
//
//	local n = 0
//	local function inc() n = n + 1 end
//	inc(); pcall(error, "x"); inc()
//
// n is 1, not 2. A state that runs with an error handler active does not
// close any upvalue on error. luabind keeps that flag set for the whole run
// (keepUpvalues), and restores it after every protected call, since
// LState.PCall clears it when it returns. Frames an error unwinds then leave
// their upvalues open; a later closure over the same stack slot shares the
// open upvalue, which reads and writes that slot: the right value.
//
// The flag belongs to each Lua thread: a coroutine is an LState of its
// own, made by coroutine.create or coroutine.wrap, so those two are
// replaced (keepUpvaluesInThreads) by versions that set it on the new
// thread too.
//
// The flag is unexported, so it is set through reflection. When a
// gopher-lua upgrade renames it, every run fails at its start with
// errNoUpvalueFlag rather than running scripts that silently miscount.

// boolField is where an unexported bool lives in a struct.
type boolField struct {
	offset uintptr
	ok     bool // false when the struct has no such bool field
}

// hasErrorFunc is the flag's place in lua.LState, looked up on the first
// run: a command that runs no script does not pay for the reflection.
var hasErrorFunc = sync.OnceValue(func() boolField { return fieldOf(reflect.TypeOf(lua.LState{}), "hasErrorFunc") })

func fieldOf(t reflect.Type, name string) boolField {
	f, ok := t.FieldByName(name)
	if !ok || f.Type.Kind() != reflect.Bool {
		return boolField{}
	}
	return boolField{f.Offset, true}
}

// errNoUpvalueFlag is the startup error of a gopher-lua without the flag.
var errNoUpvalueFlag = errors.New("this build's gopher-lua has no LState.hasErrorFunc flag, which luabind sets to keep closures' upvalues after a caught error (gopher-lua issue 448): review luabind/upvalues.go for this gopher-lua version")

// checkUpvalueFlag reports whether the workaround can work.
func checkUpvalueFlag() error {
	if !hasErrorFunc().ok {
		return errNoUpvalueFlag
	}
	return nil
}

// keepUpvalues sets the state's "error handler active" flag.
func keepUpvalues(L *lua.LState) {
	f := hasErrorFunc()
	if !f.ok {
		return // Run refused to start; nothing to keep
	}
	*(*bool)(unsafe.Add(unsafe.Pointer(L), f.offset)) = true
}

// keepUpvaluesInThreads wraps coroutine.create and coroutine.wrap so that
// the threads they make keep their upvalues too.
func keepUpvaluesInThreads(L *lua.LState) {
	co, ok := L.GetGlobal("coroutine").(*lua.LTable)
	if !ok {
		return
	}
	create, okc := co.RawGetString("create").(*lua.LFunction)
	wrap, okw := co.RawGetString("wrap").(*lua.LFunction)
	if !okc || !okw || create.GFunction == nil || wrap.GFunction == nil {
		return
	}
	co.RawSetString("create", L.NewFunction(func(L *lua.LState) int {
		n := create.GFunction(L)
		keepUpvalues(L.CheckThread(L.GetTop()))
		return n
	}))
	co.RawSetString("wrap", L.NewFunction(func(L *lua.LState) int {
		n := wrap.GFunction(L)
		// The wrapper is a closure whose only upvalue is the thread.
		if fn, ok := L.Get(L.GetTop()).(*lua.LFunction); ok && len(fn.Upvalues) == 1 {
			if th, ok := fn.Upvalues[0].Value().(*lua.LState); ok {
				keepUpvalues(th)
			}
		}
		return n
	}))
}

// protect runs L.PCall and restores the flag it clears.
func protect(L *lua.LState, nargs, nret int) error {
	err := L.PCall(nargs, nret, nil)
	keepUpvalues(L)
	return err
}

// basePCall is pcall(f, ...), through protect.
func basePCall(L *lua.LState) int {
	L.CheckAny(1)
	nargs := L.GetTop() - 1
	if err := protect(L, nargs, lua.MultRet); err != nil {
		L.Push(lua.LFalse)
		L.Push(errorValue(err))
		return 2
	}
	L.Insert(lua.LTrue, 1)
	return L.GetTop()
}

// baseXPCall is xpcall(f, handler): gopher-lua's runs the handler through
// PCall too, which clears the flag.
func baseXPCall(L *lua.LState) int {
	fn := L.CheckFunction(1)
	handler := L.CheckFunction(2)
	top := L.GetTop()
	L.Push(fn)
	err := L.PCall(0, lua.MultRet, handler)
	keepUpvalues(L)
	if err != nil {
		L.Push(lua.LFalse)
		L.Push(errorValue(err))
		return 2
	}
	L.Insert(lua.LTrue, top+1)
	return L.GetTop() - top
}

// errorValue is what a caught error hands to the script: the raised value.
func errorValue(err error) lua.LValue {
	if api, ok := err.(*lua.ApiError); ok {
		return api.Object
	}
	return lua.LString(err.Error())
}
