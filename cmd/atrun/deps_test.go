package main

import (
	"os/exec"
	"strings"
	"testing"
)

// atrun links none of the virtual modems: the simulator, its MQTT broker
// and client and its pty code cost every command start-up time at init
// (docs/performance.md, Start-up), and atrun-sim runs them instead. A
// package that brings one back fails here.
func TestAtrunLinksNoSimulator(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", ".").Output()
	if err != nil {
		t.Fatalf("go list -deps: %v", err)
	}
	forbidden := []string{"github.com/atrun/atrun/sim/", "github.com/atrun/atrun/simproc/inproc",
		"github.com/mochi-mqtt/", "github.com/eclipse/paho", "github.com/creack/pty", "golang.org/x/net/icmp"}
	for _, pkg := range strings.Fields(string(out)) {
		for _, f := range forbidden {
			if pkg == strings.TrimSuffix(f, "/") || strings.HasPrefix(pkg, f) {
				t.Errorf("cmd/atrun depends on %s: the simulator's packages belong to cmd/atrun-sim (go list -deps ./cmd/atrun shows the way in)", pkg)
			}
		}
	}
}
