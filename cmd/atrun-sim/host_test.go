package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/atrun/atrun/simproc"
)

// The fleet atrun-sim hosts for atrun run --sims serves each modem on its
// Link, names it as the child's fleet did, and passes the modems' log
// lines on in the child's form with the broker's password hidden.
func TestHostedFleetServesOverLinks(t *testing.T) {
	const password = "s3cret-pass"
	var (
		mu   sync.Mutex
		logs []string
	)
	modems, stop, err := hostedFleet(context.Background(), simproc.Options{Count: 2, Password: password, Verbose: true,
		Log: func(line string) { mu.Lock(); logs = append(logs, line); mu.Unlock() }})
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	if len(modems) != 2 {
		t.Fatalf("%d modems, want 2", len(modems))
	}
	for i, m := range modems {
		if want := fmt.Sprintf("virtual-ec20-%d", i+1); m.Name() != want || m.Link == nil {
			t.Errorf("modem %d is %q (link %v), want %s on a link", i+1, m.Name(), m.Link, want)
		}
		if m.Password != password {
			t.Errorf("modem %d's broker password is not the one given", i+1)
		}
		r := bufio.NewReader(m.Link)
		fmt.Fprintf(m.Link, "AT+QMTCONN=0,\"c\",\"u\",\"%s\"\r", password)
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				t.Fatalf("modem %d: %v", i+1, err)
			}
			if line == "OK\r\n" || strings.Contains(line, "ERROR") {
				break
			}
		}
	}
	stop()
	mu.Lock()
	defer mu.Unlock()
	seen := map[string]bool{}
	for _, l := range logs {
		if strings.Contains(l, password) {
			t.Errorf("a log line shows the password: %q", l)
		}
		for _, m := range []string{"modem 1: ", "modem 2: "} {
			if strings.HasPrefix(l, "virtual EC20: "+m) && strings.Contains(l, "AT+QMTCONN") {
				seen[m] = true
			}
		}
	}
	if len(seen) != 2 {
		t.Errorf("the log does not show each modem's command in the child's form:\n%s", strings.Join(logs, "\n"))
	}
}

// A fault atrun-sim does not know is refused as the child refuses it: a
// message and the hint to list them.
func TestHostedFleetRefusesAnUnknownFault(t *testing.T) {
	_, _, err := hostedFleet(context.Background(), simproc.Options{Count: 2, Faults: []string{"no-such-fault"}})
	var refused *simproc.Error
	if !errors.As(err, &refused) || !strings.Contains(refused.Message, "no-such-fault") || !strings.Contains(refused.Hint, "--fault help") {
		t.Fatalf("err = %#v, want a *simproc.Error naming the fault, with the hint to list them", err)
	}
}
