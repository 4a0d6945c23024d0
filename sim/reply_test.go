package sim_test

import (
	"strings"
	"sync"
	"testing"

	"github.com/atrun/atrun/sim"
)

// With Options.Reply the broker answers the modem's first publish on the
// topic the modem subscribed to, and Verbose logs commands and broker
// traffic as they happen.
func TestReplyToTheFirstPublish(t *testing.T) {
	ctx := deadline(t)
	var mu sync.Mutex
	var logged []string
	s, err := sim.Start(ctx, sim.Options{Dir: t.TempDir(), Reply: `{"led":"on"}`, Verbose: true,
		Log: func(l string) { mu.Lock(); logged = append(logged, l); mu.Unlock() }})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	c := dialAT(t, s.DevicePath)
	defer c.close()
	c.waitBoot(ctx)
	prerequisites(t, ctx, c)
	provisionTLS(t, ctx, s, c)
	openSession(t, ctx, s, c)
	c.prompt(ctx, `AT+QMTPUBEX=0,1,1,0,"atrun/up",2`)
	c.write("hi")
	if _, final := c.collect(ctx, ""); final != "OK" {
		t.Fatal(final)
	}
	checkRecv(t, c.waitURC(ctx, "+QMTRECV:"), "atrun/down", `{"led":"on"}`)
	mu.Lock()
	defer mu.Unlock()
	all := strings.Join(logged, "\n")
	for _, want := range []string{`host: AT+QMTPUBEX=0,1,1,0,"atrun/up",2`, "broker: message on atrun/up (2 bytes): hi",
		`broker: replied on atrun/down: {"led":"on"}`, "URC: +QMTRECV:",
		`broker: client "ec20-test" connected from 127.0.0.1:`, `broker: client "ec20-test" subscribed to atrun/down (granted 1)`} {
		if !strings.Contains(all, want) {
			t.Errorf("log lacks %q:\n%s", want, all)
		}
	}
}
