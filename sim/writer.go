package sim

import (
	"errors"
	"io"
	"time"
)

// errStopped ends a paced write when the modem shuts down.
var errStopped = errors.New("sim: modem stopped")

// faultWriter applies the output faults of the line itself: split (one byte
// per write) and slow-line (bytes paced at a baud rate, 10 bits each).
type faultWriter struct {
	w     io.Writer
	split bool
	byteT time.Duration // time per byte; 0: unpaced
	clk   Clock
	done  <-chan struct{}
	next  time.Time // when the next byte may leave
}

func newFaultWriter(w io.Writer, f Faults, clk Clock, done <-chan struct{}) io.Writer {
	if !f.Split && f.SlowLine <= 0 {
		return w
	}
	fw := &faultWriter{w: w, split: f.Split, clk: clk, done: done}
	if f.SlowLine > 0 {
		fw.byteT = time.Second * 10 / time.Duration(f.SlowLine)
	}
	return fw
}

func (fw *faultWriter) Write(p []byte) (int, error) {
	if fw.byteT == 0 {
		return fw.writeSplit(p)
	}
	for i := range p {
		if err := fw.pace(); err != nil {
			return i, err
		}
		if _, err := fw.w.Write(p[i : i+1]); err != nil {
			return i, err
		}
	}
	return len(p), nil
}

// writeSplit writes one byte per Write call.
func (fw *faultWriter) writeSplit(p []byte) (int, error) {
	for i := range p {
		if _, err := fw.w.Write(p[i : i+1]); err != nil {
			return i, err
		}
	}
	return len(p), nil
}

// pace waits until the line is free for the next byte. A line that has
// been idle sends at once; bytes in a row leave one byte time apart.
func (fw *faultWriter) pace() error {
	now := fw.clk.Now()
	if fw.next.Before(now) {
		fw.next = now
	}
	if wait := fw.next.Sub(now); wait > 0 && !sleepOn(fw.clk, wait, fw.done) {
		return errStopped
	}
	fw.next = fw.next.Add(fw.byteT)
	return nil
}
