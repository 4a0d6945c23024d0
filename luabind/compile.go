package luabind

import (
	"bytes"
	"sync"

	lua "github.com/yuin/gopher-lua"
	"github.com/yuin/gopher-lua/parse"
)

// protos caches compiled chunks by name, then by source. Compiling is
// most of the cost of starting a run (the shipped script and its modules
// are a few hundred lines); a replay of many transcripts, or one script
// run on many modems at once, compiles each chunk once. Compiled
// prototypes are read-only, so states may share them. The cache is keyed
// in two levels so that a lookup, made by every run for the script and
// each module it requires, allocates nothing: a key made of name and
// source was a copy of the whole source per lookup.
var protos struct {
	sync.RWMutex
	byName map[string]map[string]*lua.FunctionProto // name -> source -> prototype
}

// load returns the chunk as a function of L, compiling it on first use.
func load(L *lua.LState, name string, src []byte) (*lua.LFunction, error) {
	proto, err := compile(name, src)
	if err != nil {
		return nil, err
	}
	return L.NewFunctionFromProto(proto), nil
}

// compile returns the chunk's prototype, compiling it on first use.
func compile(name string, src []byte) (*lua.FunctionProto, error) {
	protos.RLock()
	p, ok := protos.byName[name][string(src)]
	protos.RUnlock()
	if ok {
		return p, nil
	}
	chunk, err := parse.Parse(bytes.NewReader(src), name)
	if err != nil {
		return nil, &lua.ApiError{Type: lua.ApiErrorSyntax, Object: lua.LString(err.Error()), Cause: err}
	}
	proto, err := lua.Compile(chunk, name)
	if err != nil {
		return nil, &lua.ApiError{Type: lua.ApiErrorSyntax, Object: lua.LString(err.Error()), Cause: err}
	}
	protos.Lock()
	defer protos.Unlock()
	if protos.byName == nil {
		protos.byName = map[string]map[string]*lua.FunctionProto{}
	}
	bySrc := protos.byName[name]
	if bySrc == nil {
		bySrc = map[string]*lua.FunctionProto{}
		protos.byName[name] = bySrc
	}
	if p, ok := bySrc[string(src)]; ok {
		return p, nil // compiled meanwhile by another run: share that one
	}
	bySrc[string(src)] = proto
	return proto, nil
}

// Check compiles s without running it: a script that does not compile is a
// *SyntaxError, reported before a port is opened (as is a gopher-lua that
// lacks what luabind/upvalues.go needs). The compiled chunk is kept, so the
// run that follows does not compile it again; no Lua state is made for the
// check, which keeps it off the start-up path.
func Check(s Script) error {
	if err := checkUpvalueFlag(); err != nil {
		return err
	}
	if _, err := compile(chunkName(s.Name), s.Source); err != nil {
		return newSyntaxError(s.Name, s.Source, err)
	}
	return nil
}
