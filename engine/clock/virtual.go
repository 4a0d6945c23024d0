package clock

import (
	"container/heap"
	"context"
	"sync"
	"time"
)

// Virtual is a clock that moves only when AdvanceTo is called. It also counts
// busy goroutines (Busy/Idle), so that whoever drives it can wait until the
// whole session is blocked (WaitIdle) before moving time or feeding input.
//
// The driver's loop is: WaitIdle; compare the next input's time with
// NextDeadline; AdvanceTo the earlier of the two; feed the input if it came
// first. Timer functions run on the driver's goroutine, inside AdvanceTo.
type Virtual struct {
	mu     sync.Mutex
	now    time.Time
	timers timerHeap
	seq    uint64
	busy   int
	idle   chan struct{} // closed while busy == 0
}

// NewVirtual returns a virtual clock that reads start and counts no busy
// goroutine.
func NewVirtual(start time.Time) *Virtual {
	idle := make(chan struct{})
	close(idle)
	return &Virtual{now: start, idle: idle}
}

// Now returns the virtual time.
func (v *Virtual) Now() time.Time {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.now
}

// AfterFunc schedules f at Now()+d. With d <= 0, f runs before AfterFunc
// returns, as it would run at once on the real clock.
func (v *Virtual) AfterFunc(d time.Duration, f func()) Timer {
	if d <= 0 {
		f()
		return stopped{}
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	v.seq++
	t := &vtimer{v: v, at: v.now.Add(d), seq: v.seq, f: f, index: -1}
	heap.Push(&v.timers, t)
	return t
}

// Busy counts one more running goroutine.
func (v *Virtual) Busy() {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.busy == 0 {
		v.idle = make(chan struct{})
	}
	v.busy++
}

// Idle counts one goroutine fewer. An Idle without a matching Busy is a
// programming error and panics, since it would let time run ahead.
func (v *Virtual) Idle() {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.busy == 0 {
		panic("clock: Idle without Busy")
	}
	v.busy--
	if v.busy == 0 {
		close(v.idle)
	}
}

// WaitIdle blocks until no goroutine is busy, or ctx ends.
func (v *Virtual) WaitIdle(ctx context.Context) error {
	v.mu.Lock()
	ch := v.idle
	v.mu.Unlock()
	select {
	case <-ch:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// NextDeadline returns when the earliest pending timer is due.
func (v *Virtual) NextDeadline() (time.Time, bool) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if len(v.timers) == 0 {
		return time.Time{}, false
	}
	return v.timers[0].at, true
}

// AdvanceTo moves the clock to t (never backwards), running every timer due
// by then in deadline order, each with the clock set to its deadline.
func (v *Virtual) AdvanceTo(t time.Time) {
	for {
		v.mu.Lock()
		if len(v.timers) == 0 || v.timers[0].at.After(t) {
			if t.After(v.now) {
				v.now = t
			}
			v.mu.Unlock()
			return
		}
		next := heap.Pop(&v.timers).(*vtimer)
		if next.at.After(v.now) {
			v.now = next.at
		}
		v.mu.Unlock()
		next.f()
	}
}

type stopped struct{}

func (stopped) Stop() bool { return false }

type vtimer struct {
	v     *Virtual
	at    time.Time
	seq   uint64 // keeps timers due at the same instant in creation order
	f     func()
	index int // position in the heap, -1 once popped or stopped
}

func (t *vtimer) Stop() bool {
	t.v.mu.Lock()
	defer t.v.mu.Unlock()
	if t.index < 0 {
		return false
	}
	heap.Remove(&t.v.timers, t.index)
	return true
}

type timerHeap []*vtimer

func (h timerHeap) Len() int { return len(h) }
func (h timerHeap) Less(i, j int) bool {
	if h[i].at.Equal(h[j].at) {
		return h[i].seq < h[j].seq
	}
	return h[i].at.Before(h[j].at)
}
func (h timerHeap) Swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].index, h[j].index = i, j
}
func (h *timerHeap) Push(x any) {
	t := x.(*vtimer)
	t.index = len(*h)
	*h = append(*h, t)
}
func (h *timerHeap) Pop() any {
	old := *h
	t := old[len(old)-1]
	old[len(old)-1] = nil
	*h = old[:len(old)-1]
	t.index = -1
	return t
}
