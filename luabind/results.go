package luabind

import (
	"reflect"
	"sync"
	"unsafe"

	lua "github.com/yuin/gopher-lua"
)

// Most calls of send() are statements (`send("ATE0")`): the response table
// built for them is thrown away at once. That table is the largest cost of
// a send() on the Lua side (gopher-lua keeps a Go map, a key list and a
// key index per table: about 1 KB and a dozen allocations for a response),
// and in a long run of commands it is most of what the collector must
// reclaim (docs/performance.md, "Round trip: where the Lua loop's extra
// CPU goes").
//
// gopher-lua records, in the frame of the Go function being called, how
// many results its caller takes: NRet, 0 for a call made as a statement,
// MultRet when the results are passed on (`return send(...)`,
// `f(send(...))`, pcall), the count otherwise. The frame is an unexported
// field of LState, so it is read through reflection, as upvalues.go sets a
// flag. When a gopher-lua upgrade renames it, resultsDiscarded says false
// and every response is built, as before: slower, never wrong.

// nretPlace is where the running call's NRet lives: the offset of
// LState.currentFrame, and of NRet in the frame it points to.
type nretPlace struct {
	frame, nret uintptr
	ok          bool
}

var nretAt = sync.OnceValue(func() nretPlace {
	f, ok := reflect.TypeOf(lua.LState{}).FieldByName("currentFrame")
	if !ok || f.Type.Kind() != reflect.Pointer || f.Type.Elem().Kind() != reflect.Struct {
		return nretPlace{}
	}
	n, ok := f.Type.Elem().FieldByName("NRet")
	if !ok || n.Type.Kind() != reflect.Int {
		return nretPlace{}
	}
	return nretPlace{f.Offset, n.Offset, true}
})

// resultsDiscarded reports whether the Lua code calling the running Go
// function takes none of its results.
func resultsDiscarded(L *lua.LState) bool {
	p := nretAt()
	if !p.ok {
		return false
	}
	frame := *(*unsafe.Pointer)(unsafe.Add(unsafe.Pointer(L), p.frame))
	if frame == nil {
		return false
	}
	return *(*int)(unsafe.Add(frame, p.nret)) == 0
}
