package luabind

import (
	"bytes"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"

	lua "github.com/yuin/gopher-lua"
	"github.com/yuin/gopher-lua/parse"
)

// protos caches compiled chunks by name, then by source. Compiling is
// most of the cost of starting a run (the shipped script and its modules
// are a few hundred lines); a replay of many transcripts, or one script
// run on many modems at once, compiles each chunk once. Compiled
// prototypes are read-only, so states may share them.
//
// Runs that start together (a fleet's) all require the same modules at
// the same moment: each entry is compiled by the first run that asks for
// it while the others wait for that one, instead of all of them missing
// the cache and compiling it each. The cache is keyed in two levels so
// that a lookup allocates nothing (a key made of name and source was a
// copy of the whole source per lookup).
var protos struct {
	sync.Mutex
	byName map[string]map[string]*compiled // name -> source -> chunk
}

// compiled is one chunk, compiled once; err is its syntax error.
type compiled struct {
	once  sync.Once
	proto *lua.FunctionProto
	err   error
}

// compilations counts the chunks compiled, for the test that checks that
// runs starting together share one compilation.
var compilations atomic.Int64

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
	c := cached(name, src)
	c.once.Do(func() {
		// A panic in the parser must not leave the entry empty for the
		// runs waiting on it: it becomes the chunk's error.
		defer func() {
			if r := recover(); r != nil {
				msg := fmt.Sprintf("%s: cannot compile: %v", name, r)
				c.proto, c.err = nil, &lua.ApiError{Type: lua.ApiErrorSyntax, Object: lua.LString(msg), Cause: errors.New(msg)}
			}
		}()
		c.proto, c.err = compileNow(name, src)
	})
	return c.proto, c.err
}

// cached returns the cache entry of the chunk, adding an empty one.
func cached(name string, src []byte) *compiled {
	protos.Lock()
	defer protos.Unlock()
	bySrc := protos.byName[name]
	if c, ok := bySrc[string(src)]; ok {
		return c
	}
	if protos.byName == nil {
		protos.byName = map[string]map[string]*compiled{}
	}
	if bySrc == nil {
		bySrc = map[string]*compiled{}
		protos.byName[name] = bySrc
	}
	c := &compiled{}
	bySrc[string(src)] = c
	return c
}

func compileNow(name string, src []byte) (*lua.FunctionProto, error) {
	compilations.Add(1)
	chunk, err := parse.Parse(bytes.NewReader(src), name)
	if err != nil {
		return nil, &lua.ApiError{Type: lua.ApiErrorSyntax, Object: lua.LString(err.Error()), Cause: err}
	}
	proto, err := lua.Compile(chunk, name)
	if err != nil {
		return nil, &lua.ApiError{Type: lua.ApiErrorSyntax, Object: lua.LString(err.Error()), Cause: err}
	}
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
