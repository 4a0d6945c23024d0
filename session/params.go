package session

import (
	"io/fs"
	"maps"
	"sort"
	"strings"

	"github.com/atrun/atrun/engine/secret"
	"github.com/atrun/atrun/engine/transcript"
	"github.com/atrun/atrun/internal/lazyre"
	"github.com/atrun/atrun/luabind"
	"github.com/atrun/atrun/scripts"
)

// HeaderParams lists the parameters for the transcript header, sorted by
// name, after adding the values of secret parameters to secrets so that
// the recorder redacts them. A secret the script reads from the
// environment (ATRUN_PASSWORD) is listed too, redacted: a replay then
// gives the script a placeholder for it, as for one given with --set.
func HeaderParams(params map[string]string, src []byte, secrets *secret.Set, getenv func(string) string) []transcript.Param {
	secretKeys := secretNames(src)
	for name := range moduleSecretNames() {
		secretKeys[name] = true
	}
	for name := range secretKeys {
		if _, given := params[name]; given {
			continue
		}
		if v := getenv(luabind.EnvName(name)); v != "" {
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

// nameSecrets adds to secrets the given parameters whose names say they
// hold a secret (password, pin): a run that records no transcript and
// writes no trace skips the scan of HeaderParams, and still redacts them.
func nameSecrets(params map[string]string, secrets *secret.Set) {
	for k, v := range params {
		if looksSecret(k) {
			secrets.Add(v)
		}
	}
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

// secretNameRE finds the names a script reads with secret("name").
var secretNameRE = lazyre.New(`\bsecret\s*\(?\s*["']([^"']+)["']`)

// secretNames lists the parameters the script reads as secrets. The
// transcript header is written before the script runs, so the values of
// those parameters must be known secret before secret() is called.
func secretNames(src []byte) map[string]bool {
	out := map[string]bool{}
	for _, m := range secretNameRE().FindAllSubmatch(src, -1) {
		out[string(m[1])] = true
	}
	return out
}
