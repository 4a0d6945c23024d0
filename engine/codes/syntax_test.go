package codes

import "testing"

// Every command of the syntax table is a command the vocabulary parses,
// listed once, with what it does.
func TestSyntaxesParse(t *testing.T) {
	seen := map[string]bool{}
	for _, s := range Syntaxes() {
		if _, ok := ParseCommand(s.Name); !ok {
			t.Errorf("%s is not a command ParseCommand reads", s.Name)
		}
		if seen[s.Name] {
			t.Errorf("%s is listed twice", s.Name)
		}
		seen[s.Name] = true
		if s.What == "" {
			t.Errorf("%s says nothing of what it does", s.Name)
		}
	}
}
