package atruncli

import (
	"strings"
	"testing"

	"github.com/atrun/atrun/sim"
)

// atrun run --sim hands the socket and HTTPS scripts the echo and web
// servers: they run as they are, and the faults fail them as a user would
// see it.
func TestSocketScriptsOnSim(t *testing.T) {
	tests := []struct {
		name   string
		args   []string
		code   int
		stdout []string
		stderr []string
	}{
		{"ec20_tcp", []string{"run", "ec20_tcp", "--sim"}, exitOK,
			[]string{"TCP echo: hello from atrun", "TLS echo: hello from atrun", "UDP echo: hello from atrun"}, nil},
		{"ec20_https", []string{"run", "ec20_https", "--sim"}, exitOK,
			[]string{"GET 200: " + strings.TrimSpace(sim.HelloBody), `POST 200: {"temperature":21.5}`}, nil},
		{"ec20_tcp server-down", []string{"run", "ec20_tcp", "--sim", "--fault", "server-down"}, exitFailed,
			nil, []string{`step "TCP"`, "+QIOPEN: 0,566", "socket connect failed"}},
		{"ec20_https tls-failure", []string{"run", "ec20_https", "--sim", "--fault", "tls-failure"}, exitFailed,
			nil, []string{`step "GET"`, "+QHTTPGET: 716", "TLS handshake failed"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			o := call{args: tc.args, dir: t.TempDir()}.run(t)
			if o.code != tc.code {
				t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", o.code, tc.code, o.stdout, o.stderr)
			}
			for _, w := range tc.stdout {
				if !strings.Contains(o.stdout, w) {
					t.Errorf("stdout lacks %q:\n%s", w, o.stdout)
				}
			}
			for _, w := range tc.stderr {
				if !strings.Contains(o.stderr, w) {
					t.Errorf("stderr lacks %q:\n%s", w, o.stderr)
				}
			}
			// The server parameters --sim filled in and the script did
			// not read were not the user's: no warning about them.
			if strings.Contains(o.stderr, "never read") {
				t.Errorf("warning about parameters the user did not give:\n%s", o.stderr)
			}
		})
	}
}
