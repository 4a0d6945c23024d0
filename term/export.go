package term

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/atrun/atrun/engine/codes"
	"github.com/atrun/atrun/engine/transcript"
)

// secretNames names the script parameter of each secret argument, by
// command; codes.SecretArgs says which arguments are secrets.
var secretNames = map[string][]string{
	"+QMTCONN": {"password"},
	"+QICSGP":  {"apn_password"},
	"+CGAUTH":  {"auth_password"},
	"+CPIN":    {"pin", "new_pin"},
	"+CPWD":    {"old_password", "new_password"},
	"+CLCK":    {"lock_password"},
}

// learn notes the secrets of a command line written to the modem, so that
// they are redacted from then on and become parameters in an export.
func (s *Session) learn(line string) {
	s.secrets.LearnCommand(line)
	name, _, _ := codes.CommandArgs(line)
	for i, v := range codes.SecretArgs(line) {
		param := "secret"
		if names := secretNames[name]; i < len(names) {
			param = names[i]
		}
		s.addSecret(v, param)
	}
}

// addSecret keeps value as the secret parameter param (made unique).
func (s *Session) addSecret(value, param string) {
	s.secrets.Add(value)
	s.mu.Lock()
	defer s.mu.Unlock()
	taken := map[string]bool{}
	for _, k := range s.known {
		if k.value == value {
			return
		}
		taken[k.param] = true
	}
	name := param
	for n := 2; taken[name]; n++ {
		name = param + strconv.Itoa(n)
	}
	s.known = append(s.known, secretUse{value: value, param: name})
}

// exportCmd writes the session so far as a script and its transcript.
func (s *Session) exportCmd(_ context.Context, args []string) error {
	if len(args) != 1 {
		return errors.New("usage: :export FILE.lua")
	}
	script, trans, err := s.Export(args[0])
	if err != nil {
		return err
	}
	s.out.linef(styleInfo, "wrote %s and %s; check them with: atrun replay %s %s", script, trans, script, trans)
	return nil
}

// Export writes the session since it began as a Lua script at path, and
// its transcript beside it (path with .atr in place of .lua), such that
// `atrun replay path transcript` passes.
func (s *Session) Export(path string) (script, trans string, err error) {
	if !strings.HasSuffix(path, ".lua") {
		return "", "", errors.New("the script's name must end in .lua, e.g. :export session.lua")
	}
	trans = strings.TrimSuffix(path, ".lua") + ".atr"
	s.mu.Lock()
	mem, steps, known, start := s.mem, append([]step(nil), s.steps...), append([]secretUse(nil), s.known...), s.start
	s.mu.Unlock()
	if mem == nil {
		return "", "", errors.New("nothing recorded yet")
	}
	t, err := s.transcriptOf(mem, filepath.Base(path), known, start)
	if err != nil {
		return "", "", err
	}
	src := luaScript(filepath.Base(path), filepath.Base(trans), s.port, start, steps, known)
	if err := os.WriteFile(path, src, 0o644); err != nil {
		return "", "", fmt.Errorf("cannot write the script: %w", unwrapPath(err))
	}
	var b bytes.Buffer
	if _, err := t.WriteTo(&b); err != nil {
		return "", "", fmt.Errorf("cannot write the transcript: %w", err)
	}
	if err := os.WriteFile(trans, b.Bytes(), 0o644); err != nil {
		return "", "", fmt.Errorf("cannot write the transcript: %w", unwrapPath(err))
	}
	return path, trans, nil
}

// transcriptOf is what the session recorded so far, ended now as a
// success, with the script's name and its secret parameters (redacted).
func (s *Session) transcriptOf(mem *memRecorder, script string, known []secretUse, start time.Time) (*transcript.Transcript, error) {
	if err := mem.rec.Flush(); err != nil {
		return nil, fmt.Errorf("recording the session: %w", err)
	}
	t, err := transcript.Parse(mem.buf.Bytes(), script)
	if err != nil {
		return nil, fmt.Errorf("reading back the session's recording: %w", err)
	}
	t.Header.Script = script
	for _, k := range known {
		t.Header.Params = append(t.Header.Params, transcript.Param{Name: k.param, Value: transcript.Text{Holes: []int{0}}})
	}
	at := time.Since(start).Truncate(time.Microsecond)
	if n := len(t.Events); n > 0 {
		at = max(at, t.Events[n-1].At)
	}
	t.Events = append(t.Events, transcript.Event{At: at, Kind: transcript.End, EndKind: transcript.Succeeded})
	return t, nil
}

// luaScript writes the steps as a script: one send per command, wait_urc
// for each URC that arrived, send_prompt and upload for prompts and
// uploads, secrets as secret() parameters.
func luaScript(name, trans, port string, start time.Time, steps []step, known []secretUse) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "-- %s: recorded with atrun term on %s, %s.\n", name, port, start.UTC().Format(time.RFC3339))
	fmt.Fprintf(&b, "-- Replay it:  atrun replay %s %s\n", name, trans)
	run := fmt.Sprintf("atrun run %s --port PORT", name)
	for _, k := range known {
		run += fmt.Sprintf(" --set %s=...", k.param)
	}
	fmt.Fprintf(&b, "-- Run it:     %s\n\n", run)
	for _, k := range known {
		fmt.Fprintf(&b, "local %s = secret(%q) or fail(%q)\n", k.param, k.param,
			fmt.Sprintf("pass --set %s=... or set ATRUN_%s", k.param, strings.ToUpper(k.param)))
	}
	if len(known) > 0 {
		b.WriteString("\n")
	}
	last := start
	// URCs that came before the first command are the modem's own news
	// (RDY after a restart): no command of the script waits for them, and
	// a modem that did not just restart would never send them again.
	first := 0
	for first < len(steps) && steps[first].kind == stepURC {
		fmt.Fprintf(&b, "-- before the first command the modem sent %s\n", luaWithSecrets(steps[first].cmd, known))
		first++
	}
	for i := first; i < len(steps); i++ {
		st := steps[i]
		b.WriteString(luaStep(st, known, last))
		b.WriteString("\n")
		if !st.at.IsZero() {
			last = st.at
		}
		if st.noAnswer && i+1 < len(steps) && steps[i+1].at.After(st.end) {
			// A late answer (to the command, or to the ESC that left its
			// prompt) came meanwhile: give it the time it had.
			fmt.Fprintf(&b, "sleep(%q)\n", luaDuration(steps[i+1].at.Sub(st.end)))
		}
	}
	return []byte(b.String())
}

// luaStep is one step as a line of Lua.
func luaStep(st step, known []secretUse, last time.Time) string {
	cmd := luaWithSecrets(st.cmd, known)
	switch {
	case st.kind == stepURC:
		return fmt.Sprintf("wait_urc(%s, %q)", luaWithSecrets(st.cmd, known), luaDuration(max(60*time.Second, 2*st.at.Sub(last))))
	case st.noAnswer:
		// The wait is counted from the step before: a replay's clock may
		// stand there when the command is written. It becomes an orphan
		// that takes its late answer, as it did live.
		wait := luaDuration(max(st.elapsed, st.end.Sub(last)))
		switch st.kind {
		case stepPrompt:
			return fmt.Sprintf("pcall(send, %s, {timeout = %q})  -- the prompt was left with ESC\nwrite_raw(\"\\27\")", cmd, wait)
		case stepUpload:
			return fmt.Sprintf("pcall(upload, %s, %s, {data = true})  -- cancelled", luaString(st.name), luaData(st.payload))
		}
		return fmt.Sprintf("pcall(send, %s, {timeout = %q})  -- no answer", cmd, wait)
	}
	opts := ""
	if st.failed {
		opts = ", {allow_error = true}"
	}
	switch st.kind {
	case stepPrompt:
		o := []string{}
		if st.fixed {
			o = append(o, "fixed = true")
		}
		if st.failed {
			o = append(o, "allow_error = true")
		}
		opts = ""
		if len(o) > 0 {
			opts = ", {" + strings.Join(o, ", ") + "}"
		}
		return fmt.Sprintf("send_prompt(%s, %s%s)", cmd, luaWithSecrets(string(st.payload), known), opts)
	case stepUpload:
		return fmt.Sprintf("upload(%s, %s, {data = true})", luaString(st.name), luaData(st.payload))
	case stepDownload:
		if st.failed {
			return fmt.Sprintf("send(%s, {download = true, allow_error = true})", cmd)
		}
		return fmt.Sprintf("send(%s, {download = true})", cmd)
	}
	return fmt.Sprintf("send(%s%s)", cmd, opts)
}

// luaDuration is d as a duration string scripts take, rounded up to the
// millisecond so that a wait is never shorter than the one recorded.
func luaDuration(d time.Duration) string {
	ms := (d + time.Millisecond - 1) / time.Millisecond
	if ms%1000 == 0 {
		return fmt.Sprintf("%ds", ms/1000)
	}
	return fmt.Sprintf("%dms", ms)
}

// luaWithSecrets is s as a Lua expression, each known secret in it
// replaced by its parameter.
func luaWithSecrets(s string, known []secretUse) string {
	var parts []string
	for s != "" {
		at, which := -1, secretUse{}
		for _, k := range known {
			if i := strings.Index(s, k.value); i >= 0 && (at < 0 || i < at) {
				at, which = i, k
			}
		}
		if at < 0 {
			parts = append(parts, luaString(s))
			break
		}
		if at > 0 {
			parts = append(parts, luaString(s[:at]))
		}
		parts = append(parts, which.param)
		s = s[at+len(which.value):]
	}
	if len(parts) == 0 {
		return `""`
	}
	return strings.Join(parts, " .. ")
}

// luaString quotes s for Lua, escaping what is not printable ASCII.
func luaString(s string) string {
	q := byte('\'')
	if strings.ContainsRune(s, '\'') && !strings.ContainsRune(s, '"') {
		q = '"'
	}
	var b strings.Builder
	b.WriteByte(q)
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == q || c == '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c == '\n':
			b.WriteString(`\n`)
		case c == '\r':
			b.WriteString(`\r`)
		case c == '\t':
			b.WriteString(`\t`)
		case c < 0x20 || c >= 0x7f:
			fmt.Fprintf(&b, "\\%03d", c)
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte(q)
	return b.String()
}

// luaData is data as a Lua string: a long bracket for text (a
// certificate reads as it is), quoted and escaped otherwise. Lua turns
// every line end inside a long bracket into \n and drops a newline right
// after the opening bracket, so text holding a CR stays quoted.
func luaData(data []byte) string {
	s := string(data)
	if !utf8.ValidString(s) || strings.ContainsAny(s, "\r\x00\x1a\x1b") {
		return luaString(s)
	}
	// The closing bracket must not occur earlier, the data's own end
	// included (data ending in "]" would close "]]" one byte early).
	level := ""
	for strings.Index(s+"]"+level+"]", "]"+level+"]") != len(s) {
		level += "="
	}
	return "[" + level + "[\n" + s + "]" + level + "]"
}
