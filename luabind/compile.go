package luabind

import (
	"strings"
	"sync"

	lua "github.com/yuin/gopher-lua"
	"github.com/yuin/gopher-lua/parse"
)

// protos caches compiled chunks by name and source. Compiling is most of
// the cost of starting a run (the shipped script and its module are a few
// hundred lines); a replay of many transcripts compiles each chunk once.
// Compiled prototypes are read-only, so states may share them.
var protos sync.Map // string (name + "\x00" + source) -> *lua.FunctionProto

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
	key := name + "\x00" + string(src)
	if p, ok := protos.Load(key); ok {
		return p.(*lua.FunctionProto), nil
	}
	chunk, err := parse.Parse(strings.NewReader(string(src)), name)
	if err != nil {
		return nil, &lua.ApiError{Type: lua.ApiErrorSyntax, Object: lua.LString(err.Error()), Cause: err}
	}
	proto, err := lua.Compile(chunk, name)
	if err != nil {
		return nil, &lua.ApiError{Type: lua.ApiErrorSyntax, Object: lua.LString(err.Error()), Cause: err}
	}
	protos.Store(key, proto)
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
