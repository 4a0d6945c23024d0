package luabind

import lua "github.com/yuin/gopher-lua"

// read_file(path) -> string: a local file's contents, read as upload reads
// its source, so a recorded run keeps them and a replay gets them back.
// For modems whose upload command takes the length first and a ">" prompt
// (SIMCom AT+CCERTDOWN, u-blox AT+USECMNG), where the script needs the
// bytes for send_prompt.
func (r *Runner) readFile(L *lua.LState) int {
	path := L.CheckString(1)
	data, err := r.opts.ReadFile(path)
	if err != nil {
		L.RaiseError("read_file: cannot read %s: %v", path, err)
	}
	L.Push(lua.LString(data))
	return 1
}
