package atruncli

import (
	"cmp"
	"io"
	"sync"
	"time"
)

// batchDelay is how long a batchWriter holds what it is given before it
// writes: far below what a person watching notices, long enough for the
// runs at once to print many lines in the meantime.
const batchDelay = 10 * time.Millisecond

// batchLimit is how much a batchWriter holds at most; more is written at
// once.
const batchLimit = 64 << 10

// batchWriter writes to w what it is given, whole writes only, batchDelay
// after the first of them: when many runs print at once, one system call
// (and one wake-up of whatever reads the pipe: a CI runner, a terminal)
// carries the lines of all of them instead of one line each, which on a
// pipe cost a run on 32 virtual EC20s a quarter of its time
// (docs/performance.md). No run waits for it. Flush writes what is held;
// the output is complete only after it.
type batchWriter struct {
	w     io.Writer
	delay time.Duration // batchDelay when 0
	mu    sync.Mutex
	buf   []byte      // given and not yet written; under mu
	timer *time.Timer // set while buf holds bytes; under mu
	err   error       // the first error of w; under mu
}

func (b *batchWriter) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.err != nil {
		return 0, b.err
	}
	b.buf = append(b.buf, p...)
	switch {
	case len(b.buf) >= batchLimit:
		b.flushLocked()
	case b.timer == nil:
		b.timer = time.AfterFunc(cmp.Or(b.delay, batchDelay), func() { b.Flush() })
	}
	return len(p), b.err
}

// Flush writes what is held and returns w's first error.
func (b *batchWriter) Flush() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.flushLocked()
	return b.err
}

func (b *batchWriter) flushLocked() {
	if b.timer != nil {
		b.timer.Stop()
		b.timer = nil
	}
	if len(b.buf) > 0 && b.err == nil {
		_, b.err = b.w.Write(b.buf)
	}
	b.buf = b.buf[:0]
}
