package codes

import (
	"strings"
	"sync"
)

// The one set of rules for splitting parameters, used by the decoders() of
// this package, the secret learner (engine/secret) and the scripts'
// fields():
//
//   - parameters are separated by commas outside quotes, and trimmed;
//   - a quote opens a quoted value only at the start of a parameter; inside
//     one, a quote closes it only when a comma or the end of the text
//     follows (spaces allowed between), so a payload such as
//     "{"a":1,"b":2}" stays one value;
//   - typographic quotes (“ ”), which forum software puts into pasted logs,
//     count as quotes.

// Params splits s on the commas that separate parameters. Quoted values
// keep their quotes, so a caller can tell "1" from 1.
func Params(s string) []string {
	var out []string
	for {
		end := paramEnd(s)
		out = append(out, strings.TrimSpace(s[:end]))
		if end == len(s) {
			return out
		}
		s = s[end+1:]
	}
}

// Fields returns the parameters of an information line with their quotes
// removed: Fields(`+QMTOPEN: 0,"host",8883`) is ["0" "host" "8883"]. A
// leading "+NAME:" is dropped; a line with nothing after it has no fields.
func Fields(line string) []string {
	s := strings.TrimSpace(line)
	if strings.HasPrefix(s, "+") {
		if i := strings.IndexByte(s, ':'); i > 0 {
			s = strings.TrimSpace(s[i+1:])
		}
	}
	if s == "" {
		return nil
	}
	out := Params(s)
	for i, p := range out {
		out[i] = Unquote(p)
	}
	return out
}

// Unquote strips the quotes around a quoted value (either style), and
// returns any other value as it is.
func Unquote(p string) string {
	q, n := openQuote(p)
	if !q {
		return p
	}
	body := p[n:]
	for _, c := range []string{`"`, "\u201d", "\u201c"} {
		if strings.HasSuffix(body, c) {
			return body[:len(body)-len(c)]
		}
	}
	return body // unterminated: the value runs to the end
}

// paramEnd returns the index of the comma that ends the first parameter of
// s, or len(s) when it is the last.
func paramEnd(s string) int {
	lead := len(s) - len(strings.TrimLeft(s, " \t"))
	quoted, n := openQuote(s[lead:])
	if !quoted {
		if i := strings.IndexByte(s, ','); i >= 0 {
			return i
		}
		return len(s)
	}
	for i := lead + n; i < len(s); i++ {
		ok, size := openQuote(s[i:])
		if !ok {
			continue
		}
		rest := strings.TrimLeft(s[i+size:], " \t")
		switch {
		case rest == "":
			return len(s)
		case rest[0] == ',':
			return len(s) - len(rest)
		}
		i += size - 1
	}
	return len(s) // an unterminated quote runs to the end
}

// openQuote reports whether s starts with a quote, and its length in bytes.
func openQuote(s string) (bool, int) {
	for _, q := range []string{`"`, "\u201c", "\u201d"} {
		if strings.HasPrefix(s, q) {
			return true, len(q)
		}
	}
	return false, 0
}

// CommandArgs splits a write command `AT+NAME=a,"b",c` into its upper-case
// name ("+NAME") and its arguments, unquoted, by the rules above. It
// reports false for anything that is not a write command.
func CommandArgs(cmd string) (string, []string, bool) {
	c, ok := ParseCommand(strings.TrimRight(cmd, "\r\n"))
	if !ok || c.Form != Write {
		return "", nil, false
	}
	args := Params(c.Args)
	for i, a := range args {
		args[i] = Unquote(a)
	}
	return c.Name, args, true
}

// secretArgs() lists, per command, the indexes of its arguments that are
// secrets: passwords and PINs.
var secretArgs = sync.OnceValue(func() map[string][]int {
	return map[string][]int{
		"+QMTCONN": {3},    // AT+QMTCONN=<client>,<id>,<user>,<password>
		"+QICSGP":  {4},    // AT+QICSGP=<ctx>,<type>,<apn>,<user>,<password>,<auth>
		"+CGAUTH":  {3},    // AT+CGAUTH=<cid>,<auth>,<user>,<password>
		"+CPIN":    {0, 1}, // AT+CPIN=<pin>[,<new pin>] (a PUK and the new PIN)
		"+CPWD":    {1, 2}, // AT+CPWD=<fac>,<old>,<new>
		"+CLCK":    {2},    // AT+CLCK=<fac>,<mode>,<password>
	}
})

// SecretArgs returns the values of cmd's arguments that are secrets, in
// order, empty ones left out.
func SecretArgs(cmd string) []string {
	name, args, ok := CommandArgs(cmd)
	if !ok {
		return nil
	}
	var out []string
	for _, i := range secretArgs()[name] {
		if i < len(args) && args[i] != "" {
			out = append(out, args[i])
		}
	}
	return out
}
