package atruncli

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// writes records each write it is given, whole.
type writes struct {
	mu    sync.Mutex
	got   []string
	wrote chan struct{} // told of each write, when set
	err   error
}

func (w *writes) Write(p []byte) (int, error) {
	w.mu.Lock()
	w.got = append(w.got, string(p))
	w.mu.Unlock()
	if w.wrote != nil {
		w.wrote <- struct{}{}
	}
	return len(p), w.err
}

func (w *writes) all() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return slices.Clone(w.got)
}

// Lines written at once by many runs all arrive, each whole, once, and
// in the order each run wrote them; held ones are written by Flush, in
// one write.
func TestBatchWriterKeepsEveryLineWhole(t *testing.T) {
	w := &writes{}
	b := &batchWriter{w: w, delay: time.Hour}
	var wg sync.WaitGroup
	for run := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 200 {
				fmt.Fprintf(b, "[run %d] line %d\n", run, i)
			}
		}()
	}
	wg.Wait()
	if got := w.all(); len(got) != 0 {
		t.Fatalf("%d writes before the delay and the limit, want none held back: %q", len(got), got[0][:40])
	}
	if err := b.Flush(); err != nil {
		t.Fatal(err)
	}
	got := w.all()
	if len(got) != 1 {
		t.Fatalf("Flush made %d writes, want 1", len(got))
	}
	next := map[string]int{}
	for _, line := range strings.Split(strings.TrimSuffix(got[0], "\n"), "\n") {
		var run, i int
		if _, err := fmt.Sscanf(line, "[run %d] line %d", &run, &i); err != nil || i != next[fmt.Sprint(run)] {
			t.Fatalf("line %q out of place (run %d expected line %d)", line, run, next[fmt.Sprint(run)])
		}
		next[fmt.Sprint(run)]++
	}
	for run := range 8 {
		if next[fmt.Sprint(run)] != 200 {
			t.Errorf("run %d: %d lines arrived, want 200", run, next[fmt.Sprint(run)])
		}
	}
}

// What is held is written after the delay without a Flush, and more than
// the limit at once.
func TestBatchWriterWritesByItself(t *testing.T) {
	w := &writes{wrote: make(chan struct{}, 1)}
	b := &batchWriter{w: w, delay: time.Millisecond}
	b.Write([]byte("a line\n"))
	<-w.wrote // the timer's write; a lost timer hangs here until the test's deadline
	if got := w.all(); !slices.Equal(got, []string{"a line\n"}) {
		t.Errorf("wrote %q, want the line once", got)
	}
	b = &batchWriter{w: w, delay: time.Hour}
	big := strings.Repeat("x", batchLimit)
	b.Write([]byte(big))
	select {
	case <-w.wrote:
	default:
		t.Fatal("a write of the limit was held")
	}
}

// w's error reaches the writers and Flush, and nothing more is written.
func TestBatchWriterReportsTheError(t *testing.T) {
	broken := errors.New("broken pipe")
	w := &writes{err: broken}
	b := &batchWriter{w: w, delay: time.Hour}
	b.Write([]byte("one\n"))
	if err := b.Flush(); !errors.Is(err, broken) {
		t.Fatalf("Flush: %v, want %v", err, broken)
	}
	if _, err := b.Write([]byte("two\n")); !errors.Is(err, broken) {
		t.Errorf("Write after the error: %v, want %v", err, broken)
	}
	b.Flush()
	if got := w.all(); len(got) != 1 {
		t.Errorf("%d writes, want 1: nothing after the error", len(got))
	}
}
