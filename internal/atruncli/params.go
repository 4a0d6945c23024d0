package atruncli

import "strings"

// parseSets reads the --set key=value flags. Keys are words of letters,
// digits, _ . and -, as the transcript header requires; a later --set of
// the same key wins.
func parseSets(sets []string) (map[string]string, error) {
	params := map[string]string{}
	for _, s := range sets {
		k, v, ok := strings.Cut(s, "=")
		switch {
		case !ok:
			return nil, usagef("--set %q: write it as key=value (no '=' found)", s)
		case !validKey(k):
			return nil, usagef("--set %q: the key must be a word of letters, digits, _ . or -", s)
		}
		params[k] = v
	}
	return params, nil
}

func validKey(k string) bool {
	if k == "" {
		return false
	}
	for _, c := range k {
		ok := c == '_' || c == '.' || c == '-' || '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
		if !ok {
			return false
		}
	}
	return true
}
