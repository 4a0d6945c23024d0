package term

import (
	"sort"
	"strings"

	"github.com/atrun/atrun/engine/codes"
)

// completer completes AT command names and the terminal's :commands, and
// shows a command's parameters when its name is complete.
type completer struct{ s *Session }

// Do implements readline.AutoCompleter: the suffixes that complete the
// word before pos, and how long that word is.
func (c *completer) Do(line []rune, pos int) ([][]rune, int) {
	typed := string(line[:pos])
	if strings.HasPrefix(typed, ":") && !strings.Contains(typed, " ") {
		var out [][]rune
		for _, m := range metaCommands() {
			if strings.HasPrefix(":"+m.name, typed) {
				out = append(out, []rune((":" + m.name)[len(typed):]+" "))
			}
		}
		return out, len(typed)
	}
	if i := strings.IndexAny(typed, "=?"); i >= 0 {
		c.hint(typed[:i])
		return nil, 0
	}
	names := completions(typed)
	if len(names) == 1 && strings.EqualFold(names[0].Name, typed) {
		c.hint(typed)
		if names[0].Args != "" {
			return [][]rune{[]rune("=")}, len(typed)
		}
		return nil, 0
	}
	out := make([][]rune, 0, len(names))
	for _, n := range names {
		out = append(out, []rune(n.Name[len(typed):]))
	}
	return out, len(typed)
}

// hint prints a command's parameters above the line being typed.
func (c *completer) hint(name string) {
	for _, a := range codes.Syntaxes() {
		if strings.EqualFold(a.Name, name) {
			c.s.out.linef(styleInfo, "%s=%s  (%s)", a.Name, a.Args, a.What)
			return
		}
	}
}

// completions are the commands whose name starts with typed (any case),
// in order; typed in lower case completes in lower case too.
func completions(typed string) []codes.Syntax {
	var out []codes.Syntax
	for _, a := range codes.Syntaxes() {
		if len(a.Name) >= len(typed) && strings.EqualFold(a.Name[:len(typed)], typed) {
			if typed != strings.ToUpper(typed) {
				a.Name = typed + strings.ToLower(a.Name[len(typed):])
			} else {
				a.Name = typed + a.Name[len(typed):]
			}
			out = append(out, a)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return len(out[i].Name) < len(out[j].Name) })
	return out
}
