package engine

import (
	"fmt"
	"testing"
)

// The queue grows as URCs pile up, keeps their order across growth, takes
// from the middle, and at its bound drops the oldest, counted.
func TestURCQueueGrowsToItsBound(t *testing.T) {
	for _, size := range []int{1, 3, 8, 9, 20, 256} {
		t.Run(fmt.Sprint(size), func(t *testing.T) {
			q := newURCQueue(size)
			pushed := size + 5
			for i := range pushed {
				q.push(URC{Text: fmt.Sprintf("+QIND: %d", i)})
				if i == 2 && size > 3 {
					// Take one from the middle, as a wait for it would.
					if u, ok := q.take(func(u URC) bool { return u.Text == "+QIND: 1" }); !ok || u.Text != "+QIND: 1" {
						t.Fatalf("take: %v %v", u, ok)
					}
				}
			}
			got := q.snapshot()
			if len(got) != size || len(q.items) != size {
				t.Fatalf("%d queued in a ring of %d, want %d", len(got), len(q.items), size)
			}
			for i := 1; i < len(got); i++ {
				var a, b int
				fmt.Sscanf(got[i-1].Text, "+QIND: %d", &a)
				fmt.Sscanf(got[i].Text, "+QIND: %d", &b)
				if b <= a || got[len(got)-1].Text != fmt.Sprintf("+QIND: %d", pushed-1) {
					t.Fatalf("out of order or not the newest: %v", got)
				}
			}
			wantDropped := pushed - size
			if size > 3 {
				wantDropped-- // the one taken
			}
			if q.dropped != wantDropped {
				t.Errorf("dropped %d, want %d", q.dropped, wantDropped)
			}
		})
	}
}

// Conns share the default URC table until one registers a code: the
// others never see it.
func TestRegisterURCLeavesOtherConnsAlone(t *testing.T) {
	a, _ := Pipe()
	b, _ := Pipe()
	ca, cb := New(a, Config{}), New(b, Config{})
	defer ca.Close()
	defer cb.Close()
	if ca.urcs != cb.urcs {
		t.Fatal("two Conns built their own default tables")
	}
	ca.RegisterURC("+FOO:")
	ca.RegisterURCMatcher(Prefix("BAR"))
	ca.mu.Lock()
	aSees := ca.urcs.matches("+FOO: 1") && ca.urcs.matches("BAR 2")
	ca.mu.Unlock()
	cb.mu.Lock()
	bSees := cb.urcs.matches("+FOO: 1") || cb.urcs.matches("BAR 2")
	cb.mu.Unlock()
	if !aSees || bSees || defaultURCTable().matches("+FOO: 1") {
		t.Errorf("registering on one Conn: it sees %v, the other %v, the default table %v", aSees, bSees, defaultURCTable().matches("+FOO: 1"))
	}
}
