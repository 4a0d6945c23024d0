package atruncli

import (
	"bufio"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	lua "github.com/yuin/gopher-lua"

	"github.com/atrun/atrun/engine"
	"github.com/atrun/atrun/engine/enginetest"
	"github.com/atrun/atrun/engine/secret"
	"github.com/atrun/atrun/luabind"
	"github.com/atrun/atrun/scripts"
	"github.com/atrun/atrun/session"
	"github.com/atrun/atrun/sim"
	"github.com/atrun/atrun/simproc/inproc"
)

// docExample is a ```lua block of docs/scripting.md and what the HTML
// comments before it say about running it:
//
//	<!-- modem: "AT\r" -> "\r\nOK\r\n" -->   the fake modem's steps (Go-quoted)
//	<!-- set: key=value -->                   a --set parameter
//	<!-- file: name = content -->             a file in the folder it runs in
//	<!-- want-print: text -->                 a line the example must print
//	<!-- fake-print: text -->                 ... on the fake modem only
//	<!-- sim-print: text -->                  ... on the virtual EC20 only
//	<!-- sim-model: simcom -->                the virtual modem it runs on
//
// Each example also runs as written on the virtual EC20 (atrun run
// --sim): there the modem notes and the set notes do not apply, the
// simulator fills in its parameters (host, port, echo_host ...).
type docExample struct {
	line      int
	source    string
	steps     []enginetest.Step
	params    map[string]string
	files     map[string]string
	prints    []string // on both
	fakePrint []string
	simPrint  []string
	simModel  string // the virtual modem it needs (--sim simcom), "" for the EC20
}

var docNoteRE = regexp.MustCompile(`^<!-- (modem|set|file|want-print|fake-print|sim-print|sim-model): (.*) -->$`)
var docStepRE = regexp.MustCompile(`^(".*") -> (".*")$`)

func readDocExamples(t *testing.T, path string) []docExample {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var (
		out  []docExample
		cur  = newDocExample()
		body *strings.Builder
	)
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		text := sc.Text()
		switch {
		case body != nil && text == "```":
			cur.source = body.String()
			out = append(out, cur)
			cur, body = newDocExample(), nil
		case body != nil:
			body.WriteString(text + "\n")
		case text == "```lua":
			cur.line, body = n, &strings.Builder{}
		default:
			if m := docNoteRE.FindStringSubmatch(text); m != nil {
				cur.note(t, n, m[1], m[2])
			}
		}
	}
	return out
}

func newDocExample() docExample {
	return docExample{params: map[string]string{}, files: map[string]string{}}
}

func (d *docExample) note(t *testing.T, line int, kind, value string) {
	switch kind {
	case "modem":
		m := docStepRE.FindStringSubmatch(value)
		if m == nil {
			t.Fatalf("scripting.md:%d: bad modem note %q", line, value)
		}
		expect, err1 := strconv.Unquote(m[1])
		reply, err2 := strconv.Unquote(m[2])
		if err1 != nil || err2 != nil {
			t.Fatalf("scripting.md:%d: bad quoting in %q", line, value)
		}
		d.steps = append(d.steps, enginetest.Step{Expect: expect, Reply: reply})
	case "set":
		k, v, _ := strings.Cut(value, "=")
		d.params[k] = v
	case "file":
		k, v, _ := strings.Cut(value, " = ")
		d.files[k] = v
	case "want-print":
		d.prints = append(d.prints, value)
	case "fake-print":
		d.fakePrint = append(d.fakePrint, value)
	case "sim-print":
		d.simPrint = append(d.simPrint, value)
	case "sim-model":
		d.simModel = value
	}
}

// Every Lua example in docs/scripting.md runs, against a fake modem that
// answers as its notes say, and prints what they say it prints.
func TestScriptingDocExamples(t *testing.T) {
	examples := readDocExamples(t, filepath.Join("..", "..", "docs", "scripting.md"))
	if len(examples) < 20 {
		t.Fatalf("only %d Lua examples in docs/scripting.md", len(examples))
	}
	for _, ex := range examples {
		t.Run("line"+strconv.Itoa(ex.line), func(t *testing.T) {
			exampleDir(t, ex)
			prints := runDocExample(t, ex)
			checkPrints(t, ex, prints, append(ex.prints, ex.fakePrint...))
		})
	}
}

// Every Lua example in docs/scripting.md runs as written on the virtual
// EC20, as `atrun run example.lua --sim` runs it (here in this process,
// through simproc/inproc, where atrun runs atrun-sim): over a pty,
// with the parameters the simulator fills in. An example that fails there
// (a URC the simulator never sends, a session it needs and does not open)
// fails here.
func TestScriptingDocExamplesOnSim(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a virtual EC20 per example")
	}
	examples := readDocExamples(t, filepath.Join("..", "..", "docs", "scripting.md"))
	for _, ex := range examples {
		t.Run("line"+strconv.Itoa(ex.line), func(t *testing.T) {
			exampleDir(t, ex)
			rep := &printRecorder{}
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			job := session.Job{
				Script: luabind.Script{Name: "example.lua", Source: []byte(ex.source)},
				Params: map[string]string{},
				Sim:    &session.Sim{Start: inproc.Starter(sim.Options{Model: ex.simModel, Reply: simReply})},
				Baud:   115200, Report: rep, Start: time.Now(), Getenv: func(string) string { return "" },
			}
			if _, err := session.Run(ctx, job); err != nil {
				t.Fatalf("scripting.md:%d on --sim: %v\n%s", ex.line, err, ex.source)
			}
			rep.mu.Lock()
			defer rep.mu.Unlock()
			checkPrints(t, ex, rep.prints, append(ex.prints, ex.simPrint...))
		})
	}
}

// exampleDir makes the files an example needs in a new folder, and runs
// the test there.
func exampleDir(t *testing.T, ex docExample) {
	t.Helper()
	dir := t.TempDir()
	for name, content := range ex.files {
		os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755)
		writeFile(t, dir, name, content)
	}
	t.Chdir(dir)
}

func checkPrints(t *testing.T, ex docExample, prints, want []string) {
	t.Helper()
	for _, w := range want {
		if !containsLine(prints, w) {
			t.Errorf("scripting.md:%d: no print %q in %q", ex.line, w, prints)
		}
	}
}

func runDocExample(t *testing.T, ex docExample) []string {
	host, fake := enginetest.Start(t, 1, ex.steps...)
	secrets := &secret.Set{}
	conn := engine.New(host, engine.Config{Name: "pipe", Secrets: secrets})
	defer conn.Close()
	rep := &printRecorder{}
	r := luabind.NewRunner(luabind.Options{
		Conn: conn, Port: "/dev/ttyUSB2", Params: ex.params, Secrets: secrets,
		Modules: scripts.Modules, Report: rep, Getenv: func(string) string { return "" },
	})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if _, err := r.Run(ctx, luabind.Script{Name: "example.lua", Source: []byte(ex.source)}); err != nil {
		t.Fatalf("scripting.md:%d: %v\n%s", ex.line, err, ex.source)
	}
	fake.Finished(t)
	rep.mu.Lock()
	defer rep.mu.Unlock()
	return rep.prints
}

func containsLine(lines []string, want string) bool {
	for _, l := range lines {
		if l == want {
			return true
		}
	}
	return false
}

// printRecorder keeps what a script prints.
type printRecorder struct {
	mu     sync.Mutex
	prints []string
}

func (p *printRecorder) Print(text string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.prints = append(p.prints, text)
}
func (p *printRecorder) Log(string, string, string)                {}
func (p *printRecorder) Step(string, string, time.Duration, error) {}
func (p *printRecorder) Progress(string, int, int)                 {}
func (p *printRecorder) Notice(string)                             {}
func (p *printRecorder) Dropped(engine.DropReport)                 {}

// Every global the runner installs on top of standard Lua has its own
// section in docs/scripting.md: a function added to luabind without a
// word in the docs fails here.
func TestScriptingDocCoversAPI(t *testing.T) {
	doc, err := os.ReadFile(filepath.Join("..", "..", "docs", "scripting.md"))
	if err != nil {
		t.Fatal(err)
	}
	std := lua.NewState()
	defer std.Close()
	rep := &printRecorder{}
	r := luabind.NewRunner(luabind.Options{Report: rep, Modules: scripts.Modules})
	src := `for k, v in pairs(_G) do print(k) end
for k in pairs(json) do print("json." .. k) end`
	if _, err := r.Run(context.Background(), luabind.Script{Name: "globals.lua", Source: []byte(src)}); err != nil {
		t.Fatal(err)
	}
	for _, name := range rep.prints {
		if std.GetGlobal(name) != lua.LNil && name != "print" || name == "json" {
			continue // standard Lua, or the json table whose members are checked
		}
		if !regexp.MustCompile(`(?m)^### .*\b` + regexp.QuoteMeta(name) + `\b`).Match(doc) {
			t.Errorf("docs/scripting.md has no section for %s", name)
		}
	}
}
