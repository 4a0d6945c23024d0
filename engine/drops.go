package engine

import (
	"fmt"
	"sort"
	"strings"
)

// DefaultQueueSize is how many URCs the queue keeps unless Config.QueueSize
// says otherwise.
const DefaultQueueSize = 256

// DropReport says which URCs the full queue dropped: nobody waited for
// them, no handler took them, and newer ones pushed them out.
type DropReport struct {
	Total int
	Codes map[string]int // by code: "+QMTRECV", "RDY"
	Queue int            // the queue's size
}

// String words the report for a warning: "1,136 URCs dropped (queue of
// 256 full): +QMTRECV 1100, +QIND 36".
func (d DropReport) String() string {
	if d.Total == 0 {
		return "no URC dropped"
	}
	codes := make([]string, 0, len(d.Codes))
	for c := range d.Codes {
		codes = append(codes, c)
	}
	sort.Slice(codes, func(i, j int) bool {
		if d.Codes[codes[i]] != d.Codes[codes[j]] {
			return d.Codes[codes[i]] > d.Codes[codes[j]]
		}
		return codes[i] < codes[j]
	})
	parts := make([]string, len(codes))
	for i, c := range codes {
		parts[i] = fmt.Sprintf("%s %d", c, d.Codes[c])
	}
	noun := "URCs"
	if d.Total == 1 {
		noun = "URC"
	}
	return fmt.Sprintf("%d %s dropped, the oldest first, because the queue of %d was full and nothing took them: %s (take them with wait_urc or on_urc, or enlarge the queue)",
		d.Total, noun, d.Queue, strings.Join(parts, ", "))
}

// DroppedURCs reports the URCs the full queue has dropped so far.
func (c *Conn) DroppedURCs() DropReport {
	c.mu.Lock()
	defer c.mu.Unlock()
	d := DropReport{Total: c.queue.dropped, Codes: map[string]int{}, Queue: c.queue.size}
	for k, v := range c.queue.codes {
		d.Codes[k] = v
	}
	return d
}
