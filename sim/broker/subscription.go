package broker

import (
	"context"
	"sync"
	"sync/atomic"
)

// Message is one message seen at the broker.
type Message struct {
	Topic   string
	Payload []byte
	QoS     byte
	Retain  bool
}

// subscriptionDepth is how many unread messages a Subscription holds before
// it drops new ones.
const subscriptionDepth = 256

// Subscription receives the messages published on a topic filter. Read C
// or call Next; Close when done. A reader that falls more than 256 messages
// behind loses the newest ones (counted by Dropped) rather than stalling
// the broker.
type Subscription struct {
	C <-chan Message

	mu      sync.Mutex
	c       chan Message
	closed  bool
	dropped atomic.Int64
	cancel  func()
}

func newSubscription() *Subscription {
	c := make(chan Message, subscriptionDepth)
	return &Subscription{C: c, c: c}
}

// deliver hands a message to the reader without ever blocking the sender.
func (s *Subscription) deliver(m Message) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return
	}
	select {
	case s.c <- m:
	default:
		s.dropped.Add(1)
	}
}

// Next waits for the next message or ctx's end.
func (s *Subscription) Next(ctx context.Context) (Message, error) {
	select {
	case m, ok := <-s.C:
		if !ok {
			return Message{}, context.Canceled
		}
		return m, nil
	case <-ctx.Done():
		return Message{}, ctx.Err()
	}
}

// Dropped returns how many messages were lost to a slow reader.
func (s *Subscription) Dropped() int64 { return s.dropped.Load() }

// Close ends the subscription and closes C.
func (s *Subscription) Close() {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return
	}
	s.closed = true
	close(s.c)
	cancel := s.cancel
	s.mu.Unlock()
	if cancel != nil {
		cancel()
	}
}
