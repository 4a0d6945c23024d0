package explain

import (
	"bytes"
	"testing"
)

// checkEvents asserts what holds for every conversation: offsets never go
// backwards, no event is empty, and directions are known.
func checkEvents(t *testing.T, events []Event) {
	t.Helper()
	for i, ev := range events {
		if len(ev.Data) == 0 {
			t.Errorf("event %d (line %d) carries no bytes", i, ev.Line)
		}
		if ev.Dir != Host && ev.Dir != Modem {
			t.Errorf("event %d: direction %q", i, ev.Dir)
		}
		if i > 0 && ev.Offset < events[i-1].Offset {
			t.Errorf("event %d: offset %v goes back from %v", i, ev.Offset, events[i-1].Offset)
		}
	}
}

// joined concatenates the bytes of one side.
func joined(events []Event, dir Dir) []byte {
	var b bytes.Buffer
	for _, ev := range events {
		if ev.Dir == dir {
			b.Write(ev.Data)
		}
	}
	return b.Bytes()
}
