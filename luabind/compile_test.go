package luabind

import (
	"fmt"
	"sync"
	"testing"
	"time"
)

// Runs that start together (one script on a fleet of modems) compile each
// chunk once between them, not once each: they all ask for the shipped
// modules at the same moment, before any has them compiled.
func TestCompileOnceForRunsStartingTogether(t *testing.T) {
	src := []byte(fmt.Sprintf("-- %d\nlocal M = {}\nfunction M.f(x) return x * 2 end\nreturn M\n", time.Now().UnixNano()))
	before := compilations.Load()
	var wg sync.WaitGroup
	start := make(chan struct{})
	for range 32 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			if _, err := compile("shared.lua", src); err != nil {
				t.Error(err)
			}
		}()
	}
	close(start)
	wg.Wait()
	if n := compilations.Load() - before; n != 1 {
		t.Fatalf("32 runs starting together compiled the chunk %d times, want once", n)
	}
	if _, err := compile("shared.lua", src); err != nil || compilations.Load()-before != 1 {
		t.Fatalf("a later run compiled it again (err %v)", err)
	}
}

// A chunk that does not compile gives every run the same syntax error.
func TestCompileErrorForEveryRun(t *testing.T) {
	src := []byte("local x = = 1\n")
	for range 2 {
		if _, err := compile("broken.lua", src); err == nil {
			t.Fatal("a chunk with a syntax error compiled")
		}
	}
}
