package engine

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

// A storm nobody reads: the queue keeps the newest, and the report counts
// what it dropped, by code.
func TestDroppedURCsCounted(t *testing.T) {
	host, modem := Pipe()
	c := New(host, Config{QueueSize: 4})
	defer c.Close()
	c.AbortOn(Prefix("RDY")) // marks the end of the storm
	go func() {
		for i := 0; i < 20; i++ {
			fmt.Fprintf(modem, "\r\n+QMTRECV: 0,%d,\"t\",1,\"x\"\r\n\r\n+QIND: \"csq\",%d,99\r\n", i, i)
		}
		fmt.Fprint(modem, "\r\nRDY\r\n")
	}()
	var ae *AbortError
	if err := c.Sleep(ctxT(t), 10*time.Second); !errors.As(err, &ae) {
		t.Fatalf("the storm did not end: %v", err)
	}
	d := c.DroppedURCs()
	if d.Total != 36 || d.Codes["+QMTRECV"] != 18 || d.Codes["+QIND"] != 18 || d.Queue != 4 {
		t.Fatalf("report %+v", d)
	}
	msg := d.String()
	for _, want := range []string{"36 URCs dropped", "queue of 4", "+QIND 18", "+QMTRECV 18"} {
		if !strings.Contains(msg, want) {
			t.Errorf("%q does not say %q", msg, want)
		}
	}
}

func TestNoDropNoReport(t *testing.T) {
	c, _ := startFake(t, 0, step{"AT\r", "\r\nOK\r\n\r\nRDY\r\n"})
	if _, err := c.Send(ctxT(t), "AT"); err != nil {
		t.Fatal(err)
	}
	if d := c.DroppedURCs(); d.Total != 0 || len(d.Codes) != 0 || d.Queue != DefaultQueueSize {
		t.Fatalf("report %+v", d)
	}
}
