package codes

import (
	"strings"
	"unicode"
)

// Verbose errors (AT+CMEE=2) carry the table's text instead of its number:
// "+CME ERROR: SIM not inserted" is 10. ErrorByText finds the number back,
// so a script that tests err.code == 405 works in either mode.

// verboseAliases are verbose texts seen on modems that differ in wording
// from the table's meaning, mapped to their number.
var verboseAliases = map[string]int{
	"file already existed": 407, // the wording of Quectel's file error table
}

// commandGroups says which group of numbers a command's errors come from,
// by the command's name prefix. It picks among rows that share a text:
// "invalid parameter" is 425 after AT+QFUPL and 501 after AT+QGPS.
var commandGroups = []struct {
	prefix string
	group  Group
}{
	{"+QF", GroupFile},
	{"+QGPS", GroupGNSS},
	{"+QI", GroupSocket},
	{"+QSSL", GroupSocket},
	{"+QHTTP", GroupHTTP},
	{"+QPING", GroupSocket},
	{"+QNTP", GroupSocket},
	{"+QMT", GroupSocket},
	{"+QAUD", GroupAudio},
}

// ErrorByText returns the table row of a verbose error: kind is "CME" or
// "CMS", text what follows the colon, command the command it answered ("",
// when unknown). Texts compare without case, punctuation or extra spaces.
// When several rows share the text, the command's group wins, else the
// 3GPP row, else the first in the table.
func ErrorByText(kind, text, command string) (Code, bool) {
	table := cmeTable
	switch kind {
	case "CME":
	case "CMS":
		table = cmsTable
	default:
		return Code{}, false
	}
	key := normText(text)
	if key == "" {
		return Code{}, false
	}
	if kind == "CME" {
		if n, ok := verboseAliases[key]; ok {
			return cmeIndex[n], true
		}
	}
	var found []Code
	for _, c := range table {
		if normText(c.Meaning) == key {
			found = append(found, c)
		}
	}
	if len(found) == 0 {
		return Code{}, false
	}
	if g, ok := groupOf(command); ok {
		for _, c := range found {
			if c.Group == g {
				return c, true
			}
		}
	}
	return found[0], true
}

// groupOf is the group of numbers command's errors come from.
func groupOf(command string) (Group, bool) {
	c, ok := ParseCommand(command)
	if !ok {
		return "", false
	}
	for _, cg := range commandGroups {
		if strings.HasPrefix(c.Name, cg.prefix) {
			return cg.group, true
		}
	}
	return "", false
}

// normText lower-cases s, keeps letters and digits, and joins the words
// with single spaces: "Operation not  supported." is "operation not
// supported".
func normText(s string) string {
	words := strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
	return strings.Join(words, " ")
}
