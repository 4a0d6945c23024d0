package luabind

import (
	"reflect"
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
// The flag is unexported, so it is set through reflection; the test
// TestUpvaluesSurviveCaughtErrors fails if a gopher-lua upgrade renames it.

var hasErrorFunc = func() uintptr {
	f, ok := reflect.TypeOf(lua.LState{}).FieldByName("hasErrorFunc")
	if !ok || f.Type.Kind() != reflect.Bool {
		return 0
	}
	return f.Offset
}()

// keepUpvalues sets the state's "error handler active" flag.
func keepUpvalues(L *lua.LState) {
	if hasErrorFunc == 0 {
		return
	}
	*(*bool)(unsafe.Add(unsafe.Pointer(L), hasErrorFunc)) = true
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
