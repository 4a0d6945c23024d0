package luabind

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"sort"

	lua "github.com/yuin/gopher-lua"
)

// jsonModule is json.encode(v [, indent]) and json.decode(s). Objects are encoded with
// sorted keys, so a payload is the same bytes on every run (and in every
// transcript); a table with keys 1..n is an array, an empty table an
// object. json.null stands for JSON null.
func jsonModule(L *lua.LState) *lua.LTable {
	mod := L.NewTable()
	null := L.NewUserData()
	mod.RawSetString("null", null)
	mod.RawSetString("encode", L.NewFunction(func(L *lua.LState) int {
		v, err := toGo(L.Get(1), null, 0)
		if err != nil {
			L.ArgError(1, err.Error())
		}
		var b bytes.Buffer
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(false)
		if indent, ok := L.Get(2).(lua.LString); ok {
			enc.SetIndent("", string(indent))
		}
		if err := enc.Encode(v); err != nil {
			L.ArgError(1, err.Error())
		}
		L.Push(lua.LString(bytes.TrimRight(b.Bytes(), "\n")))
		return 1
	}))
	mod.RawSetString("decode", L.NewFunction(func(L *lua.LState) int {
		dec := json.NewDecoder(bytes.NewReader([]byte(L.CheckString(1))))
		dec.UseNumber()
		var v any
		if err := dec.Decode(&v); err != nil {
			L.Push(lua.LNil)
			L.Push(lua.LString("json: " + err.Error()))
			return 2
		}
		L.Push(fromGo(L, v, null))
		return 1
	}))
	return mod
}

// toGo converts a Lua value for encoding/json. Maps become
// map[string]any, which encoding/json writes with sorted keys.
func toGo(v lua.LValue, null *lua.LUserData, depth int) (any, error) {
	if depth > 100 {
		return nil, fmt.Errorf("json: nesting deeper than 100 (a table that contains itself?)")
	}
	switch v := v.(type) {
	case *lua.LNilType:
		return nil, nil
	case lua.LBool:
		return bool(v), nil
	case lua.LNumber:
		f := float64(v)
		if math.IsInf(f, 0) || math.IsNaN(f) {
			return nil, fmt.Errorf("json: %v has no JSON form", f)
		}
		return f, nil
	case lua.LString:
		return string(v), nil
	case *lua.LUserData:
		if v == null {
			return nil, nil
		}
	case *lua.LTable:
		return tableToGo(v, null, depth)
	}
	return nil, fmt.Errorf("json: cannot encode a %s", v.Type())
}

func tableToGo(t *lua.LTable, null *lua.LUserData, depth int) (any, error) {
	if n := t.Len(); n > 0 {
		arr := make([]any, 0, n)
		count := 0
		var err error
		t.ForEach(func(lua.LValue, lua.LValue) { count++ })
		if count == n {
			for i := 1; i <= n && err == nil; i++ {
				var e any
				e, err = toGo(t.RawGetInt(i), null, depth+1)
				arr = append(arr, e)
			}
			return arr, err
		}
	}
	obj := map[string]any{}
	var err error
	t.ForEach(func(k, v lua.LValue) {
		if err != nil {
			return
		}
		var e any
		e, err = toGo(v, null, depth+1)
		obj[lua.LVAsString(k)] = e
	})
	return obj, err
}

func fromGo(L *lua.LState, v any, null *lua.LUserData) lua.LValue {
	switch v := v.(type) {
	case nil:
		return null
	case bool:
		return lua.LBool(v)
	case json.Number:
		f, _ := v.Float64()
		return lua.LNumber(f)
	case string:
		return lua.LString(v)
	case []any:
		t := L.NewTable()
		for _, e := range v {
			t.Append(fromGo(L, e, null))
		}
		return t
	case map[string]any:
		t := L.NewTable()
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			t.RawSetString(k, fromGo(L, v[k], null))
		}
		return t
	}
	return lua.LNil
}
