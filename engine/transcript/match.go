package transcript

import (
	"context"
	"time"
)

// The host side of a transcript is matched as one byte stream, whatever the
// chunking of the script's writes. The position is (next, off): the event
// being matched and how many of its bytes matched. A hole at off (a
// redacted secret) matches any bytes up to the next literal byte of the run
// of host writes it belongs to; one that no literal follows matches until
// the script stops writing (the session goes idle) or ends.

// match consumes p against the host writes from the current position, until
// p is used up, the next event is not a host write, or a byte differs. It
// returns how many bytes it consumed and whether they all matched.
func (r *Replay) match(p []byte) (int, bool) {
	for n, c := range p {
		if i, ok := r.current(); !ok || r.t.Events[i].Kind != Host {
			return n, true
		}
		if !r.matchByte(c) {
			return n, false
		}
	}
	return len(p), true
}

func (r *Replay) matchByte(c byte) bool {
	if r.t.Events[r.next].Data.hasHole(r.off) {
		r.got.addHole()
		i, o, ok := r.nextLiteral()
		if !ok || r.t.Events[i].Data.Bytes[o] != c {
			r.holeVal = append(r.holeVal, c)
			return true
		}
		r.closeHole()
		if i != r.next {
			r.next = i
			r.resetGot()
			if r.t.Events[i].Data.hasHole(0) {
				r.got.addHole()
			}
		}
		r.off = o
	}
	if r.t.Events[r.next].Data.Bytes[r.off] != c {
		return false
	}
	r.got.Bytes = append(r.got.Bytes, c)
	r.off++
	r.settle()
	return true
}

// nextLiteral finds the first literal byte at or after the current position
// in the run of host writes that holds it.
func (r *Replay) nextLiteral() (event, off int, ok bool) {
	o := r.off
	for i := r.next; i < len(r.t.Events) && r.t.Events[i].Kind == Host; i++ {
		if o < len(r.t.Events[i].Data.Bytes) {
			return i, o, true
		}
		o = 0
	}
	return 0, 0, false
}

// settle moves past host writes that matched completely.
func (r *Replay) settle() {
	for r.next < len(r.t.Events) {
		d := r.t.Events[r.next].Data
		if r.t.Events[r.next].Kind != Host || r.off < len(d.Bytes) || d.hasHole(r.off) {
			return
		}
		r.next, r.off = r.next+1, 0
		r.resetGot()
	}
}

// resetGot empties what the script wrote for the current event, keeping
// the buffers.
func (r *Replay) resetGot() {
	r.got.Bytes, r.got.Holes = r.got.Bytes[:0], r.got.Holes[:0]
}

// closeHole ends the hole being matched. Its value is a secret: the replay's
// secret set learns it, and the modem's echo of it will repeat it.
func (r *Replay) closeHole() {
	if r.echoStale {
		r.echo, r.echoNext, r.echoStale = r.echo[:0], 0, false
	}
	r.echo = append(r.echo, r.holeVal)
	r.secrets.Add(string(r.holeVal))
	r.holeVal = nil
}

// closeTrailingHole ends a hole that no literal byte follows once the script
// has stopped writing: it matched everything the script wrote for it. A
// write that is nothing but a hole stays pending until the script writes
// something for it.
func (r *Replay) closeTrailingHole() {
	i, ok := r.current()
	if !ok || r.t.Events[i].Kind != Host || !r.t.Events[i].Data.hasHole(r.off) {
		return
	}
	if _, _, lit := r.nextLiteral(); lit || r.off == 0 && len(r.holeVal) == 0 {
		return
	}
	r.closeHole()
	for r.next < len(r.t.Events) && r.t.Events[r.next].Kind == Host {
		r.next++
	}
	r.off = 0
	r.resetGot()
}

// drive is the replay's driver goroutine. Each time the whole session is
// blocked it makes one move: fire the earliest timer, deliver the next modem
// event, or declare a stall.
func (r *Replay) drive(ctx context.Context) {
	for r.clk.WaitIdle(ctx) == nil && r.step() {
	}
}

// stopHere makes the recorded stop happen: Halted closes and, for a lost
// port, the reader is woken (busy on its behalf) to find its reads failing.
func (r *Replay) stopHere() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.halt || r.err != nil || r.closed {
		return
	}
	r.halt = true
	if r.ending.Kind == PortLost {
		r.lost = true
		if !r.readerBusy {
			r.readerBusy = true
			r.clk.Busy()
		}
		r.wake.Broadcast()
	}
	close(r.halted)
}

// step makes one move of an idle session and reports whether anything may
// happen after it.
func (r *Replay) step() bool {
	r.mu.Lock()
	if r.err != nil || r.closed {
		r.mu.Unlock()
		return false
	}
	r.closeTrailingHole()
	i, ok := r.current()
	stop := r.ending.Kind.Stops() && !r.halt
	if r.halt {
		// After the recorded stop every wait of the session ends at once,
		// as it did live: the clock has nothing more to do.
		r.mu.Unlock()
		return false
	}
	r.mu.Unlock()
	deadline, timer := r.clk.NextDeadline()
	if reached, due := r.drainDue(); due {
		// The clean start drains until here, whatever else is pending.
		return r.reachDrain(reached, deadline, timer)
	}
	if stop && (!ok || r.t.Events[i].Kind == Host && r.ending.Kind != PortLost) {
		// The script waits where the recorded session was stopped: either
		// before a write it made only once stopped (cleaning up), or at the
		// end. A timer due before then fires first, as it did live; a
		// recorded time is truncated to the microsecond, so one within the
		// same microsecond counts as before. A lost port has no cleaning
		// up: the engine writes nothing once it knows the port is lost, so
		// every write recorded was made before, and the loss comes after
		// the last one (a read that did not fail let the script go on and
		// write, and that write is where the loss showed).
		at := r.start.Add(r.t.Events[len(r.t.Events)-1].At)
		if ok {
			at = r.start.Add(r.t.Events[i].At)
		}
		if timer && deadline.Before(at.Add(timeUnit)) {
			r.clk.AdvanceTo(deadline)
			return true
		}
		r.clk.AdvanceTo(at)
		r.stopHere()
		return false
	}
	if ok && r.t.Events[i].Kind == Modem {
		at := r.start.Add(r.t.Events[i].At)
		// On a tie the timer goes first: the recorded time is truncated to
		// the microsecond, so the bytes came no earlier than the timer.
		if timer && !deadline.After(at) {
			r.clk.AdvanceTo(deadline)
			return true
		}
		r.clk.AdvanceTo(at)
		r.mu.Lock()
		defer r.mu.Unlock()
		if r.next == i && r.err == nil && !r.closed {
			r.deliver()
		}
		return true
	}
	if timer {
		// The script waits for a timeout before it writes, or the
		// transcript is over and pending waits time out; but not forever.
		if last := r.lastAt(); deadline.After(r.start.Add(last + r.overrun)) {
			r.overran(&OverrunError{File: r.t.Name, At: r.clk.Now().Sub(r.start), Last: last})
			return false
		}
		r.clk.AdvanceTo(deadline)
		return true
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	switch {
	case r.ended || r.err != nil || r.closed:
	case ok:
		r.fail(Stalled, nil)
	default:
		// The recording is over and the script waits with no timeout.
		r.err = &OverrunError{File: r.t.Name, At: r.clk.Now().Sub(r.start), Last: r.lastAt(), Forever: true}
		r.stop()
	}
	return false
}

// lastAt is the time of the recording's last event.
func (r *Replay) lastAt() time.Duration {
	if n := len(r.t.Events); n > 0 {
		return r.t.Events[n-1].At
	}
	return 0
}

// overran stops the replay with e, unless it stopped already.
func (r *Replay) overran(e *OverrunError) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.err == nil && !r.closed && !r.ended {
		r.err = e
		r.stop()
	}
}
