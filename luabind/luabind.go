// Package luabind runs Lua scripts against an engine.Conn: it is the only
// package that imports gopher-lua. Scripts get send, expect, upload,
// send_prompt, wait_urc and friends (see docs/scripting.md); every blocking
// call honours the run's context, so Ctrl+C or a run timeout stops a script
// at once, wherever it waits.
package luabind

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	lua "github.com/yuin/gopher-lua"

	"github.com/atrun/atrun/engine"
	"github.com/atrun/atrun/engine/clock"
	"github.com/atrun/atrun/engine/secret"
)

// Script is Lua source and the name errors give it.
type Script struct {
	Name   string // a path, or "scripts/ec20_mqtts.lua" for a shipped one
	Source []byte
	// Dir is the folder of a script read from disk: require() looks for
	// modules there before the shipped ones. "" for a shipped script,
	// which loads shipped modules only, whatever folder atrun runs in.
	Dir string
}

// Reporter receives what a script says and does. Logs go to people (the
// CLI prints them on standard error); prints are the script's results
// (standard output).
type Reporter interface {
	Log(level, msg, where string)                               // level: "info", "warn"
	Step(name, status string, elapsed time.Duration, err error) // status: "start", "ok", "fail"
	Print(text string)                                          // print(...) from the script
	Progress(what string, sent, total int)                      // upload progress
}

// Options set up a run.
type Options struct {
	Conn    *engine.Conn
	Port    string              // the port's name, as port() tells the script
	Params  map[string]string   // --set key=value
	Getenv  func(string) string // reads ATRUN_<NAME>; os.Getenv when nil
	Secrets *secret.Set         // secret() adds the values it reads here
	Modules fs.FS               // what require() loads: "name" -> name.lua
	Report  Reporter            // where logs, steps and prints go; discarded when nil
	// ReadFile reads the files the script names (upload's source): a live
	// run reads the disk and records what it read, a replay serves the
	// recorded contents. os.ReadFile when nil.
	ReadFile func(name string) ([]byte, error)
}

// Result is what a finished run leaves behind.
type Result struct {
	Elapsed      time.Duration
	UnusedParams []string // --set keys the script never read
}

// Runner runs one script at a time.
type Runner struct {
	opts   Options
	clk    clock.Clock
	chunk  string                 // the script's chunk name, as positions show it
	where  atomic.Pointer[string] // the script line of the current call; written by the Lua goroutine
	places map[place]*string      // positions already formatted; owned by the Lua goroutine

	mu         sync.Mutex
	used       map[string]bool
	step       string
	handlerErr error                 // the first error a URC handler raised
	goErrs     map[*lua.LTable]error // the Go error behind each raised table
	out        lineBuffer            // io.write output not yet ended by a newline; the script's goroutine
	lost       *portLoss             // where the port was first found lost
}

// NewRunner prepares a runner.
func NewRunner(opts Options) *Runner {
	if opts.Getenv == nil {
		opts.Getenv = os.Getenv
	}
	if opts.Report == nil {
		opts.Report = discard{}
	}
	if opts.ReadFile == nil {
		opts.ReadFile = os.ReadFile
	}
	if opts.Secrets == nil {
		opts.Secrets = &secret.Set{}
	}
	// Every word the script says goes out through the reporter: cutting
	// the secrets there covers the step lines, logs and prints of every
	// output format, whatever the script raised or wrote.
	opts.Report = redacting{next: opts.Report, secrets: opts.Secrets}
	r := &Runner{opts: opts, clk: clock.Real{}, used: map[string]bool{}, goErrs: map[*lua.LTable]error{}}
	if opts.Conn != nil {
		r.clk = opts.Conn.Clock()
	}
	r.where.Store(new(string))
	return r
}

// Where returns the script position ("ec20_mqtts.lua:42") of the call the
// script is in, for trace lines. Safe from any goroutine.
func (r *Runner) Where() string { return *r.where.Load() }

// stateOptions size a script's Lua state. gopher-lua's default is a fixed
// value stack of 5,120 slots (80 KB) and a call stack of 256 frames made at
// once: most of a new state's memory, touched before the script's first
// line, and 32 of them in a fleet. Here both start small and grow on
// demand: the value stack from 1,024 slots up to 16 times the old fixed
// size, so a script may go deeper than before, never less deep; the call
// stack up to the same 256 frames as before. A run that needs no more
// touches a quarter of the memory (docs/performance.md, "Start-up").
var stateOptions = lua.Options{
	RegistrySize:        1024,
	RegistryMaxSize:     16 * lua.RegistrySize,
	RegistryGrowStep:    1024,
	CallStackSize:       lua.CallStackSize,
	MinimizeStackMemory: true,
}

// Run compiles and runs the script. A script that does not compile is a
// *SyntaxError; an error the script did not catch is a *ScriptError
// wrapping the engine's error when there is one.
func (r *Runner) Run(ctx context.Context, s Script) (*Result, error) {
	if err := checkUpvalueFlag(); err != nil {
		return nil, err
	}
	r.mu.Lock()
	r.lost = nil
	r.mu.Unlock()
	L := lua.NewState(stateOptions)
	defer L.Close()
	r.install(L, s.Dir)
	r.chunk = chunkName(s.Name)
	fn, err := load(L, r.chunk, s.Source)
	if err != nil {
		return nil, newSyntaxError(s.Name, s.Source, err)
	}
	L.SetContext(ctx)
	keepUpvalues(L)
	keepUpvaluesInThreads(L)
	start := r.clk.Now()
	L.Push(fn)
	err = protect(L, 0, 0)
	r.out.flush(r.opts.Report)
	res := &Result{Elapsed: r.clk.Now().Sub(start), UnusedParams: r.unused()}
	if err != nil {
		return res, r.redactError(r.scriptError(ctx.Err(), s.Name, err))
	}
	return res, nil
}

// redactError cuts the secrets the run knows out of the script error's
// words, whatever value the script raised (error(secret("pw")) included).
// The Go error it wraps is kept for its kind (exit codes, hints); its
// message is not shown, only Message.
func (r *Runner) redactError(err error) error {
	se, ok := err.(*ScriptError)
	if !ok {
		return err
	}
	se.Message = r.opts.Secrets.Redact(se.Message)
	se.Step = r.opts.Secrets.Redact(se.Step)
	return se
}

// chunkName is how Lua names the script in positions: its base name, which
// reads well in messages ("ec20_mqtts.lua:42").
func chunkName(name string) string {
	if i := strings.LastIndexByte(name, '/'); i >= 0 {
		return name[i+1:]
	}
	return name
}

func (r *Runner) unused() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for k := range r.opts.Params {
		if !r.used[strings.ToLower(k)] {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

// SyntaxError is a script that does not compile.
type SyntaxError struct {
	Script  string
	Line    int
	Message string
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("%s:%d: syntax error: %s", e.Script, e.Line, e.Message)
}

// ScriptError is an error the script raised or did not catch.
type ScriptError struct {
	Script  string // the script's name
	Line    int    // the script's line the error came from, 0 when unknown
	At      string // where it was raised ("quectel.lua:85"): in the script or a module it called
	Step    string // the step it happened in, "" outside steps
	Message string // the message, with the position removed
	Err     error  // the engine's error (a *engine.ModemError, ...) or the context's, nil for fail()
}

func (e *ScriptError) Error() string {
	var b strings.Builder
	switch {
	case e.Line > 0:
		fmt.Fprintf(&b, "%s:%d", chunkName(e.Script), e.Line)
	case e.At != "":
		b.WriteString(e.At)
	default:
		b.WriteString(chunkName(e.Script))
	}
	if e.Step != "" {
		fmt.Fprintf(&b, ": step %q", e.Step)
	}
	b.WriteString(": ")
	b.WriteString(e.Message)
	return b.String()
}

func (e *ScriptError) Unwrap() error { return e.Err }

// Hint returns what to check, from the engine's error, "" when nothing.
func (e *ScriptError) Hint() string { return engine.Describe(e.Err).Hint }

// redacting is a Reporter that cuts secrets out of everything it passes on.
type redacting struct {
	next    Reporter
	secrets *secret.Set
}

func (r redacting) Log(level, msg, where string) {
	r.next.Log(level, r.secrets.Redact(msg), where)
}

func (r redacting) Step(name, status string, elapsed time.Duration, err error) {
	if err != nil {
		err = &redactedError{msg: r.secrets.Redact(err.Error()), err: err}
	}
	r.next.Step(r.secrets.Redact(name), status, elapsed, err)
}

func (r redacting) Print(text string) { r.next.Print(r.secrets.Redact(text)) }

func (r redacting) Progress(what string, sent, total int) {
	r.next.Progress(r.secrets.Redact(what), sent, total)
}

// redactedError is an error whose message had secrets cut out; it still
// unwraps to the original for its kind.
type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.err }

type discard struct{}

func (discard) Log(string, string, string)                {}
func (discard) Step(string, string, time.Duration, error) {}
func (discard) Print(string)                              {}
func (discard) Progress(string, int, int)                 {}

// lineBuffer holds what io.write wrote until a newline ends the line, so
// that each line goes out whole (a secret split across two writes is still
// found) as one Print.
type lineBuffer struct{ held strings.Builder }

func (b *lineBuffer) write(s string, rep Reporter) {
	for {
		i := strings.IndexByte(s, '\n')
		if i < 0 {
			b.held.WriteString(s)
			return
		}
		b.held.WriteString(s[:i])
		rep.Print(b.held.String())
		b.held.Reset()
		s = s[i+1:]
	}
}

// flush prints a last line the script left unended.
func (b *lineBuffer) flush(rep Reporter) {
	if b.held.Len() > 0 {
		rep.Print(b.held.String())
		b.held.Reset()
	}
}
