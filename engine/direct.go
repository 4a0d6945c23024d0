package engine

import (
	"sync/atomic"
	"time"
)

// A caller waiting for its answer reads the port itself when it can,
// instead of sleeping until the reader goroutine hands the answer over. On
// a fast port that hand-off (waking a second goroutine, often on another
// thread, and waiting for it to be scheduled) cost as much as the round
// trip itself: a Lua send() took 1.4-1.9x a bare serial loop, and under
// load more (docs/performance.md, "Round trip: where the time goes").
//
// The reader goroutine still reads whenever no caller waits, so output
// that comes between operations (URCs) is read and routed as it arrives.
// It stays off the port for directGrace after a caller last read it, long
// enough for a script's next command to find the port free, unless a
// caller is parked waiting for it to read. Whoever reads holds the read
// token, and routes what it read before giving the token back, so frames
// are routed in wire order whoever reads them.
//
// Only ports whose reads can be bounded in time take part (serial devices
// and pseudo-terminals, through go.bug.st/serial), and only on the wall
// clock: on a virtual clock (replay) the reader goroutine does all reads.

// timedPort is a port whose reads can be bounded in time.
type timedPort interface {
	SetReadTimeout(time.Duration) error
}

const (
	// directGrace is how long the reader goroutine stays off the port after
	// a caller read it.
	directGrace = time.Millisecond
	// directSlice bounds one read by a caller, so that a cancelled context
	// ends its wait within this time.
	directSlice = 20 * time.Millisecond
)

// readRole hands the right to read the port between the reader goroutine
// and a waiting caller.
type readRole struct {
	port  timedPort
	token chan struct{} // holds the one token while nobody reads
	kick  chan struct{} // a caller parked: the reader must not wait out its grace
	stop  chan struct{} // closed by Close
	last  atomic.Int64  // when a caller last read, or was handed its answer (UnixNano)
	buf   []byte        // the caller's read buffer; owned by the token's holder among callers
}

func newReadRole(port timedPort) *readRole {
	r := &readRole{
		port:  port,
		token: make(chan struct{}, 1),
		kick:  make(chan struct{}, 1),
		stop:  make(chan struct{}),
		buf:   make([]byte, 4096),
	}
	r.token <- struct{}{}
	return r
}

// tryTake takes the token if nobody reads now.
func (r *readRole) tryTake() bool {
	select {
	case <-r.token:
		return true
	default:
		return false
	}
}

// give hands the token back; byCaller marks the port as just used by a
// caller, which keeps the reader goroutine off it for the grace.
func (r *readRole) give(byCaller bool) {
	if byCaller {
		r.last.Store(time.Now().UnixNano())
	}
	r.token <- struct{}{}
}

// graceLeft is how long the reader goroutine must still stay off the port.
func (r *readRole) graceLeft() time.Duration {
	return directGrace - time.Duration(time.Now().UnixNano()-r.last.Load())
}

// parked tells the reader goroutine that a caller waits for it to read.
func (r *readRole) parked() {
	select {
	case r.kick <- struct{}{}:
	default:
	}
}

// takeForReader blocks until the reader goroutine may read: it holds the
// token, and the grace has passed or a caller is parked. It sleeps out the
// grace before asking for the token, so that a caller's every read does
// not wake it. It returns false once the Conn closes.
func (r *readRole) takeForReader(callerParked func() bool) bool {
	var timer *time.Timer
	defer func() {
		if timer != nil {
			timer.Stop()
		}
	}()
	for {
		if wait := r.graceLeft(); wait > 0 && !callerParked() {
			if timer == nil {
				timer = time.NewTimer(wait)
			} else {
				timer.Reset(wait)
			}
			select {
			case <-timer.C:
			case <-r.kick:
				timer.Stop() // since Go 1.23 no stale tick is left in C
			case <-r.stop:
				return false
			}
			continue
		}
		select {
		case <-r.token:
		case <-r.stop:
			return false
		}
		if r.graceLeft() > 0 && !callerParked() {
			r.token <- struct{}{} // a caller read meanwhile
			continue
		}
		// A kick left over from a caller the reader now serves would
		// only cut a later grace short.
		select {
		case <-r.kick:
		default:
		}
		return true
	}
}
