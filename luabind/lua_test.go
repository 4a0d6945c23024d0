package luabind

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/atrun/atrun/engine"
	"github.com/atrun/atrun/engine/enginetest"
	"github.com/atrun/atrun/engine/secret"
)

// luaCase is a Lua test file's header: what the fake modem does and what
// the run must produce. Header lines are Lua comments:
//
//	-- modem: "AT\r" -> "AT\r\r\nOK\r\n"   (Go-quoted bytes; "" expects nothing)
//	-- set: key=value
//	-- env: ATRUN_KEY=value
//	-- want-error: text the error message must hold
//	-- want-print: a line the script must print
//	-- want-log: text a log line must hold
//	-- want-unused: a --set key the script never read
type luaCase struct {
	steps  []enginetest.Step
	params map[string]string
	env    map[string]string
	errs   []string
	prints []string
	logs   []string
	unused []string
}

var headerRE = regexp.MustCompile(`^-- (modem|set|env|want-error|want-print|want-log|want-unused): (.*)$`)
var stepRE = regexp.MustCompile(`^(".*") -> (".*")$`)

func parseCase(t *testing.T, src []byte) luaCase {
	t.Helper()
	c := luaCase{params: map[string]string{}, env: map[string]string{}}
	sc := bufio.NewScanner(bytes.NewReader(src))
	for sc.Scan() {
		m := headerRE.FindStringSubmatch(sc.Text())
		if m == nil {
			continue
		}
		switch m[1] {
		case "modem":
			s := stepRE.FindStringSubmatch(m[2])
			if s == nil {
				t.Fatalf("bad modem line %q", m[2])
			}
			expect, err1 := strconv.Unquote(s[1])
			reply, err2 := strconv.Unquote(s[2])
			if err1 != nil || err2 != nil {
				t.Fatalf("bad quoting in %q", m[2])
			}
			c.steps = append(c.steps, enginetest.Step{Expect: expect, Reply: reply})
		case "set":
			k, v, _ := strings.Cut(m[2], "=")
			c.params[k] = v
		case "env":
			k, v, _ := strings.Cut(m[2], "=")
			c.env[k] = v
		case "want-error":
			c.errs = append(c.errs, m[2])
		case "want-print":
			c.prints = append(c.prints, m[2])
		case "want-log":
			c.logs = append(c.logs, m[2])
		case "want-unused":
			c.unused = append(c.unused, m[2])
		}
	}
	return c
}

// recorder is a Reporter that keeps everything.
type recorder struct {
	mu     sync.Mutex
	prints []string
	logs   []string
	steps  []string
	bars   int
}

func (r *recorder) Log(level, msg, where string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.logs = append(r.logs, fmt.Sprintf("%s %s %s", level, where, msg))
}
func (r *recorder) Step(name, status string, d time.Duration, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.steps = append(r.steps, name+":"+status)
}
func (r *recorder) Print(text string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.prints = append(r.prints, text)
}
func (r *recorder) Progress(string, int, int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.bars++
}

var testModules = fstest.MapFS{
	"greet.lua":     {Data: []byte(`local M = {} function M.hello(n) return "hello " .. n end return M`)},
	"lib/twice.lua": {Data: []byte(`return function(x) return x * 2 end`)},
}

// TestLuaFiles runs every testdata/*.lua against its fake modem, at several
// reply splits.
func TestLuaFiles(t *testing.T) {
	files, err := filepath.Glob("testdata/*.lua")
	if err != nil || len(files) == 0 {
		t.Fatal("no Lua test files", err)
	}
	for _, file := range files {
		src, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		for _, chunk := range []int{0, 1, 3} {
			t.Run(fmt.Sprintf("%s/chunk%d", filepath.Base(file), chunk), func(t *testing.T) {
				runCase(t, file, src, chunk)
			})
		}
	}
}

func runCase(t *testing.T, file string, src []byte, chunk int) {
	tc := parseCase(t, src)
	host, fake := enginetest.Start(t, chunk, tc.steps...)
	secrets := &secret.Set{}
	conn := engine.New(host, engine.Config{Name: "pipe", Secrets: secrets})
	defer conn.Close()
	rep := &recorder{}
	r := NewRunner(Options{
		Conn: conn, Params: tc.params, Secrets: secrets, Modules: testModules, Report: rep,
		Getenv: func(k string) string { return tc.env[k] },
	})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	res, err := r.Run(ctx, Script{Name: file, Source: src})
	if len(tc.errs) == 0 && err != nil {
		t.Fatalf("run failed: %v", err)
	}
	for _, want := range tc.errs {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Fatalf("error %v, want it to hold %q", err, want)
		}
	}
	rep.mu.Lock()
	defer rep.mu.Unlock()
	for _, want := range tc.prints {
		if !slices.Contains(rep.prints, want) {
			t.Errorf("no print %q in %q", want, rep.prints)
		}
	}
	for _, want := range tc.logs {
		if !containsSub(rep.logs, want) {
			t.Errorf("no log holding %q in %q", want, rep.logs)
		}
	}
	if len(tc.unused) > 0 && (res == nil || strings.Join(res.UnusedParams, ",") != strings.Join(tc.unused, ",")) {
		t.Errorf("unused params %v, want %v", res, tc.unused)
	}
	if len(tc.errs) == 0 {
		fake.Finished(t)
	}
}

func containsSub(list []string, s string) bool {
	return slices.ContainsFunc(list, func(l string) bool { return strings.Contains(l, s) })
}

// errorsAs is a helper for tests that inspect a run's error.
func errorsAs[T error](err error) (T, bool) {
	var target T
	ok := errors.As(err, &target)
	return target, ok
}
