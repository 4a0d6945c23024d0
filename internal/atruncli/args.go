package atruncli

import (
	"strings"

	"github.com/urfave/cli/v3"
)

// flagsFirst moves a subcommand's flags before its arguments, so that
// `atrun run ec20_mqtts --port auto` works as written: urfave/cli, like Go's
// flag package, stops reading flags at the first argument. A flag that
// takes a value keeps it; "--" ends the flags as usual. The command line is
// left as it is during shell completion, which looks at its last word.
func flagsFirst(app *cli.Command, args []string) []string {
	if len(args) < 2 || args[len(args)-1] == completionFlag {
		return args
	}
	var cmd *cli.Command
	at := 1
	for ; at < len(args); at++ {
		if !strings.HasPrefix(args[at], "-") {
			cmd = findCommand(app.Commands, args[at])
			break
		}
	}
	if cmd == nil {
		return args
	}
	// Follow subcommands (atrun transcript import ...): the flags to move
	// are the innermost command's.
	for at+1 < len(args) {
		sub := findCommand(cmd.Commands, args[at+1])
		if sub == nil {
			break
		}
		cmd, at = sub, at+1
	}
	flags, rest, dashes := splitFlags(cmd, args[at+1:])
	out := append([]string{}, args[:at+1]...)
	out = append(out, flags...)
	if dashes {
		// The arguments held a "--": keep its meaning for all of them.
		out = append(out, "--")
	}
	return append(out, rest...)
}

func findCommand(commands []*cli.Command, name string) *cli.Command {
	for _, c := range commands {
		if c.HasName(name) {
			return c
		}
	}
	return nil
}

// splitFlags separates flags (with their values) from arguments, keeping
// the order within each. Words after "--" are arguments; dashes reports
// whether there was one (it is not among rest).
func splitFlags(cmd *cli.Command, args []string) (flags, rest []string, dashes bool) {
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--":
			return flags, append(rest, args[i+1:]...), true
		case len(a) > 1 && strings.HasPrefix(a, "-"):
			if words, took := simModelWord(args, i); took > 0 && hasFlag(cmd, "model") {
				flags = append(flags, words...)
				i += took - 1
				continue
			}
			flags = append(flags, a)
			if takesValue(cmd, a) && i+1 < len(args) {
				i++
				flags = append(flags, args[i])
			}
		default:
			rest = append(rest, a)
		}
	}
	return flags, rest, false
}

// takesValue reports whether the flag word a (-x, --name) is a flag of cmd
// that reads the next word as its value.
func takesValue(cmd *cli.Command, a string) bool {
	if strings.Contains(a, "=") {
		return false
	}
	name := strings.TrimLeft(a, "-")
	for _, f := range cmd.Flags {
		for _, n := range f.Names() {
			if n != name {
				continue
			}
			if v, ok := f.(cli.DocGenerationFlag); ok {
				return v.TakesValue()
			}
			return false
		}
	}
	return false
}

// hasFlag reports whether cmd has a flag of that name.
func hasFlag(cmd *cli.Command, name string) bool {
	for _, f := range cmd.Flags {
		for _, n := range f.Names() {
			if n == name {
				return true
			}
		}
	}
	return false
}
