package inproc

import (
	"slices"
	"testing"

	"github.com/atrun/atrun/sim"
	"github.com/atrun/atrun/simproc"
)

// ec20 is the EC20 as atrun-sim describes it.
func ec20() simproc.Modem {
	return simproc.Modem{Model: sim.ModelEC20, Commands: sim.CommandsOf(sim.ModelEC20)}
}

// The description's Lacks answers as the simulator's own sim.Lacks, which
// atrun can no longer call: the hint of a bare ERROR depends on it.
func TestLacksAsTheSimulator(t *testing.T) {
	lines := []string{"AT", "AT+CSQ", "at+csq", "AT+QFOO=1", "AT+QPING=1,\"x\"", "at+cmgf=1", "ATE0", "ATI", "AT&F",
		"AT&F0", "ATS0=1", "ATS0?", "ATX", "AT+", "AT;+CSQ", "AT +CSQ", "AT+CSQ;+QFOO", "AT+QFOO;+CSQ", "AT&", "AT+Q_X",
		"AT+QMTOPEN=0,\"127.0.0.1\",8883", "AT+QMTCONN=0,\"c\",\"u\",\"p\"", "AT\r\n", "hello", "", "A", "AT+QIND\r", "AT;A", "AT ;;+QFOO"}
	m := ec20()
	for _, l := range lines {
		if got, want := m.Lacks(l), sim.Lacks(l); got != want {
			t.Errorf("Lacks(%q) = %v, the simulator says %v", l, got, want)
		}
	}
}

// FuzzLacks compares the two on any line. sim.Lacks refuses lines its
// parser rejects after the first command; those are left out.
func FuzzLacks(f *testing.F) {
	for _, s := range []string{"AT+CSQ", "ATE0", "AT&F", "ATS0=1", "AT+QFOO=1", "AT+CMGS=\"x\"", "at+qmtopen?"} {
		f.Add(s)
	}
	m := ec20()
	f.Fuzz(func(t *testing.T, line string) {
		got, want := m.Lacks(line), sim.Lacks(line)
		if got == want {
			return
		}
		// The simulator parses the whole line: a syntax error anywhere
		// makes it report false. The description looks at the first
		// command alone, which is the one that answers.
		if got && !want {
			t.Skip()
		}
		t.Errorf("Lacks(%q) = %v, the simulator says %v", line, got, want)
	})
}

// simproc's list of models, which atrun checks --model against, is the
// simulator's.
func TestModelsAsTheSimulator(t *testing.T) {
	if !slices.Equal(simproc.Models(), sim.Models()) {
		t.Fatalf("simproc.Models() = %v, sim.Models() = %v", simproc.Models(), sim.Models())
	}
	for _, name := range append(sim.Models(), "", "EC20", "nokia") {
		if simproc.ModelTitle(name) != sim.ModelTitle(name) {
			t.Errorf("ModelTitle(%q) = %q, the simulator says %q", name, simproc.ModelTitle(name), sim.ModelTitle(name))
		}
		if (simproc.CheckModel(name) == nil) != (sim.CheckModel(name) == nil) {
			t.Errorf("CheckModel(%q) = %v, the simulator says %v", name, simproc.CheckModel(name), sim.CheckModel(name))
		}
	}
}
