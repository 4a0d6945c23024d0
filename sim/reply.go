package sim

import "sync"

// replier is the other end of the modem's MQTT session when
// Options.Reply is set: it answers the modem's first successful publish
// with Reply on each topic the modem has subscribed to (wildcard filters
// and the topic it published on are skipped: a loopback test gets its own
// message back and nothing else), through the broker, the way a device's cloud answers a
// telemetry message. Safe for any goroutine.
type replier struct {
	mu     sync.Mutex
	topics []string
	fired  bool
	send   func(topic string) // nil: no replies
}

// subscribed notes filters the broker granted to the modem.
func (r *replier) subscribed(filters []string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, f := range filters {
		if !isWildcard(f) {
			r.topics = append(r.topics, f)
		}
	}
}

// published answers the first publish on topic the broker took.
func (r *replier) published(topic string) {
	r.mu.Lock()
	var topics []string
	for _, t := range r.topics {
		if t != topic {
			topics = append(topics, t)
		}
	}
	if r.send == nil || r.fired || len(topics) == 0 {
		r.mu.Unlock()
		return
	}
	r.fired = true
	r.mu.Unlock()
	for _, t := range topics {
		go r.send(t)
	}
}

func isWildcard(filter string) bool {
	for i := 0; i < len(filter); i++ {
		if filter[i] == '+' || filter[i] == '#' {
			return true
		}
	}
	return false
}
