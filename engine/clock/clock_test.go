package clock

import (
	"context"
	"testing"
	"time"
)

var epoch = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

func TestVirtualTimersRunInDeadlineOrder(t *testing.T) {
	v := NewVirtual(epoch)
	var got []string
	v.AfterFunc(3*time.Second, func() { got = append(got, "3s") })
	v.AfterFunc(time.Second, func() { got = append(got, "1s") })
	stop := v.AfterFunc(2*time.Second, func() { got = append(got, "2s") })
	v.AfterFunc(time.Second, func() { got = append(got, "1s-second") })
	if !stop.Stop() {
		t.Fatal("Stop of a pending timer reported false")
	}
	if stop.Stop() {
		t.Fatal("second Stop reported true")
	}
	if d, ok := v.NextDeadline(); !ok || !d.Equal(epoch.Add(time.Second)) {
		t.Fatalf("NextDeadline = %v, %v", d, ok)
	}
	v.AdvanceTo(epoch.Add(2500 * time.Millisecond))
	want := []string{"1s", "1s-second"}
	if len(got) != len(want) || got[0] != want[0] || got[1] != want[1] {
		t.Fatalf("fired %v, want %v", got, want)
	}
	if !v.Now().Equal(epoch.Add(2500 * time.Millisecond)) {
		t.Fatalf("Now = %v", v.Now())
	}
	v.AdvanceTo(epoch) // never backwards
	if !v.Now().Equal(epoch.Add(2500 * time.Millisecond)) {
		t.Fatalf("clock went backwards to %v", v.Now())
	}
}

func TestVirtualTimerSeesItsDeadline(t *testing.T) {
	v := NewVirtual(epoch)
	var at time.Time
	v.AfterFunc(time.Minute, func() { at = v.Now() })
	v.AdvanceTo(epoch.Add(time.Hour))
	if !at.Equal(epoch.Add(time.Minute)) {
		t.Fatalf("timer ran at %v, want its deadline", at)
	}
}

// A waiter on the virtual clock: the driver waits until the sleeper blocks,
// fires its timeout, and waits until the sleeper has finished.
func TestWaiterTimesOutOnVirtualTime(t *testing.T) {
	v := NewVirtual(epoch)
	v.Busy() // the sleeper
	done := make(chan Reason)
	go func() {
		_, r := NewWaiter[int](v).Wait(context.Background(), 90*time.Second)
		done <- r
		v.Idle()
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := v.WaitIdle(ctx); err != nil {
		t.Fatal(err)
	}
	d, ok := v.NextDeadline()
	if !ok || !d.Equal(epoch.Add(90*time.Second)) {
		t.Fatalf("NextDeadline = %v, %v", d, ok)
	}
	v.AdvanceTo(d)
	if r := <-done; r != TimedOut {
		t.Fatalf("reason = %v", r)
	}
	if err := v.WaitIdle(ctx); err != nil {
		t.Fatal(err)
	}
}

// The first wake wins, and the woken goroutine is counted busy before it runs.
func TestWaiterWakeIsAccounted(t *testing.T) {
	v := NewVirtual(epoch)
	v.Busy()
	w := NewWaiter[string](v)
	got := make(chan string)
	go func() {
		s, r := w.Wait(context.Background(), time.Hour)
		if r != Woken {
			s = r.String()
		}
		got <- s
		v.Idle()
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := v.WaitIdle(ctx); err != nil {
		t.Fatal(err)
	}
	if !w.Wake("hello") {
		t.Fatal("first Wake reported false")
	}
	if w.Wake("again") {
		t.Fatal("second Wake reported true")
	}
	// Busy on the sleeper's behalf: the clock must not look idle now.
	select {
	case <-v.idle:
		t.Fatal("clock idle between Wake and the sleeper running")
	default:
	}
	if s := <-got; s != "hello" {
		t.Fatalf("got %q", s)
	}
	if _, ok := v.NextDeadline(); ok {
		t.Fatal("timer left pending after wake")
	}
}

func TestWaiterCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	w := NewWaiter[int](Real{})
	done := make(chan Reason)
	go func() {
		_, r := w.Wait(ctx, time.Hour)
		done <- r
	}()
	cancel()
	select {
	case r := <-done:
		if r != Cancelled {
			t.Fatalf("reason = %v", r)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Wait did not return after cancel")
	}
}

func TestWakeBeforeWait(t *testing.T) {
	v := NewVirtual(epoch)
	v.Busy()
	w := NewWaiter[int](v)
	w.Wake(7)
	n, r := w.Wait(context.Background(), time.Second)
	if n != 7 || r != Woken {
		t.Fatalf("got %d, %v", n, r)
	}
	v.Idle()
	if err := v.WaitIdle(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func TestIdleWithoutBusyPanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("no panic")
		}
	}()
	NewVirtual(epoch).Idle()
}

func TestRealSleep(t *testing.T) {
	start := time.Now()
	if err := Sleep(context.Background(), Real{}, time.Millisecond); err != nil {
		t.Fatal(err)
	}
	if time.Since(start) < time.Millisecond {
		t.Fatal("Sleep returned early")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := Sleep(ctx, Real{}, time.Hour); err != context.Canceled {
		t.Fatalf("err = %v", err)
	}
}
