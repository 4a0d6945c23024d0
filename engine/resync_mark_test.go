package engine

import (
	"bufio"
	"fmt"
	"net"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/atrun/atrun/engine/tap"
)

// markTap records what the modem sent before the drain mark and after it.
type markTap struct {
	mu            sync.Mutex
	before, after strings.Builder
	marks         []string
}

func (m *markTap) Tap(d tap.Dir, _ time.Time, p []byte) {
	m.mu.Lock()
	defer m.mu.Unlock()
	switch {
	case d == tap.ToModem:
	case len(m.marks) == 0:
		m.before.Write(p)
	default:
		m.after.Write(p)
	}
}

func (m *markTap) Mark(_ time.Time, name string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.marks = append(m.marks, name)
}

// lines splits modem output into its non-empty lines.
func lines(s string) []string {
	var out []string
	for _, l := range strings.FieldsFunc(s, func(r rune) bool { return r == '\r' || r == '\n' }) {
		out = append(out, l)
	}
	return out
}

// The drain mark splits the modem's bytes exactly as the drain did: the
// lines recorded before it are the lines it drained, whatever the timing.
// The stale lines come one by one at about the quiet gap, so that the
// drain ends among them, sometimes while one is being read.
func TestDrainMarkSplitsAsDrained(t *testing.T) {
	const quiet = 3 * time.Millisecond
	for i := range 15 {
		host, modem := net.Pipe()
		stale := make([]string, 6)
		for j := range stale {
			stale[j] = fmt.Sprintf("+STALE: %d,%d", i, j)
		}
		// The modem answers every AT with OK; the stale lines keep coming
		// meanwhile, one write each.
		var wmu sync.Mutex
		send := func(s string) {
			wmu.Lock()
			defer wmu.Unlock()
			modem.Write([]byte(s))
		}
		go func() {
			r := bufio.NewReader(modem)
			for {
				if _, err := r.ReadString('\r'); err != nil {
					return
				}
				send("\r\nOK\r\n")
			}
		}()
		go func() {
			for j, l := range stale {
				send("\r\n" + l + "\r\n")
				time.Sleep(quiet - time.Millisecond + time.Duration(j%3)*time.Millisecond)
			}
		}()
		mt := &markTap{}
		c := New(host, Config{Name: "pipe", Tap: mt})
		rep, err := c.Resync(ctxT(t), ResyncOptions{Quiet: quiet, Attempt: 200 * time.Millisecond, Budget: 2 * time.Second})
		if err != nil {
			t.Fatal(err)
		}
		mt.mu.Lock()
		before, marks := lines(mt.before.String()), mt.marks
		mt.mu.Unlock()
		if !reflect.DeepEqual(marks, []string{tap.MarkDrained}) {
			t.Fatalf("marks %q", marks)
		}
		if !reflect.DeepEqual(before, rep.Drained) && !(len(before) == 0 && len(rep.Drained) == 0) {
			t.Fatalf("run %d: recorded before the mark %q, drained %q", i, before, rep.Drained)
		}
		c.Close()
		modem.Close()
	}
}
