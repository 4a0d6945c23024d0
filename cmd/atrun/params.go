package main

import (
	"io/fs"
	"maps"
	"sort"
	"strings"

	"github.com/atrun/atrun/engine/secret"
	"github.com/atrun/atrun/engine/transcript"
	"github.com/atrun/atrun/scripts"
)

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

// headerParams lists the parameters for the transcript header, sorted by
// name, after adding the values of secret parameters to secrets so that
// the recorder redacts them. A secret the script reads from the
// environment (ATRUN_PASSWORD) is listed too, redacted: a replay then
// gives the script a placeholder for it, as for one given with --set.
func headerParams(params map[string]string, src []byte, secrets *secret.Set, getenv func(string) string) []transcript.Param {
	secretKeys := secretNames(src)
	for name := range moduleSecretNames() {
		secretKeys[name] = true
	}
	for name := range secretKeys {
		if _, given := params[name]; given {
			continue
		}
		if v := getenv(envName(name)); v != "" {
			secrets.Add(v)
			params = maps.Clone(params)
			params[name] = v
		}
	}
	out := make([]transcript.Param, 0, len(params))
	for k, v := range params {
		if secretKeys[k] || looksSecret(k) {
			secrets.Add(v)
		}
		out = append(out, transcript.Param{Name: k, Value: transcript.Plain(v)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// envName is the environment variable a parameter is read from, as
// param() reads it: ATRUN_ and the name in capitals, - and . made _.
func envName(name string) string {
	return "ATRUN_" + strings.ToUpper(strings.NewReplacer("-", "_", ".", "_").Replace(name))
}

// moduleSecretNames are the names the shipped modules read with secret().
func moduleSecretNames() map[string]bool {
	out := map[string]bool{}
	_ = fs.WalkDir(scripts.Modules, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".lua") {
			return nil
		}
		if src, err := fs.ReadFile(scripts.Modules, path); err == nil {
			for k := range secretNames(src) {
				out[k] = true
			}
		}
		return nil
	})
	return out
}

// looksSecret reports whether a parameter's name says it holds a secret,
// for scripts that read it in a way secretNames cannot see.
func looksSecret(name string) bool {
	n := strings.ToLower(name)
	for _, w := range []string{"password", "passwd", "secret", "token", "psk", "apikey", "api_key", "credential"} {
		if strings.Contains(n, w) {
			return true
		}
	}
	return n == "pin" || n == "puk" || strings.HasSuffix(n, "_pin") || strings.HasPrefix(n, "pin_")
}
