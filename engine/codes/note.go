package codes

import "strings"

// Note is what a line means and, apart, what to check about it.
type Note struct {
	Meaning string
	Hint    string
}

// Suffix is the note as it follows a line shown to a person,
// "  (meaning; hint)", or "" when nothing is known.
func (n Note) Suffix() string {
	switch {
	case n.Meaning != "" && n.Hint != "":
		return "  (" + n.Meaning + "; " + n.Hint + ")"
	case n.Meaning != "":
		return "  (" + n.Meaning + ")"
	}
	return ""
}

// lineCtx is what a decoder knows about the command a line may answer.
type lineCtx struct {
	// answers is true when the command's name equals the line's name, so
	// the line can be its information response.
	answers bool
	form    Form
}

// decoder turns a parsed information line into a Note.
type decoder func(in info, c lineCtx) Note

// note builds a Note from a table row.
func note(c Code) Note { return Note{Meaning: c.Meaning, Hint: c.Hint} }

// join concatenates the non-empty parts with sep.
func join(sep string, parts ...string) string {
	var kept []string
	for _, p := range parts {
		if p != "" {
			kept = append(kept, p)
		}
	}
	return strings.Join(kept, sep)
}

// lookup returns the row for n in t as a Note, with a fallback meaning for
// numbers the table lacks.
func lookup(t map[int]Code, n int, what string) Note {
	if c, ok := t[n]; ok {
		return note(c)
	}
	return Note{Meaning: "unknown " + what + " " + itoa(n)}
}
