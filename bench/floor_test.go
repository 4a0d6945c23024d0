package main

import (
	"os/exec"
	"strings"
	"testing"
)

// The hello world with atrun's dependencies builds from the overlay alone
// and runs: the start-up table's floor row.
func TestDepsHelloBuildsAndRuns(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a program with every dependency of atrun")
	}
	bin, err := buildDepsHello(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin).Output()
	if err != nil || strings.TrimSpace(string(out)) != "hello" {
		t.Fatalf("%s: %q, %v", bin, out, err)
	}
}

func TestImportable(t *testing.T) {
	for pkg, want := range map[string]bool{
		"fmt": true, "go.bug.st/serial": true, "github.com/urfave/cli/v3": true,
		"github.com/atrun/atrun/engine": false, "internal/godebug": false, "runtime": false,
		"runtime/debug": true, "runtime/internal/sys": false, "vendor/golang.org/x/net/dns/dnsmessage": false, "unsafe": false,
		"golang.org/x/sys/internal/unsafeheader": false,
	} {
		if got := importable(pkg); got != want {
			t.Errorf("importable(%q) = %v, want %v", pkg, got, want)
		}
	}
}
