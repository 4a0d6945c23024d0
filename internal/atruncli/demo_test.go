package atruncli

import (
	"regexp"
	"strings"
	"testing"
)

// atrun demo tells the whole story: each step, the modem's message as the
// broker received it, the broker's reply as the modem received it; with a
// fault, the failure as atrun reports it.
func TestDemo(t *testing.T) {
	tests := []struct {
		name   string
		args   []string
		code   int
		stderr []string // regular expressions, in order
		stdout string   // a text stdout must hold
	}{
		{name: "happy path", code: exitOK,
			stderr: []string{
				`(?m)^✓ Sync \(`, `(?m)^✓ Connect \(`, `(?m)^▸ Publish$`,
				`(?m)^  broker received on atrun/up: \{"params":\{"IndoorTemperature":55,"mhumi":55\}\}$`,
				`(?m)^  broker replied on atrun/down: \{"led":"on"\}`,
				`(?m)^✓ Receive \(`, `(?m)^✓ Disconnect \(`,
				`(?m)^Done in .*Both messages went through`,
			},
			stdout: "atrun/down {\n  \"led\": \"on\"\n}\n"},
		{name: "bad credentials", args: []string{"--fault", "bad-credentials"}, code: exitFailed,
			stderr: []string{
				`(?m)^✗ Connect \(.*bad user name or password`,
				`(?m)^The virtual EC20 ran with --fault bad-credentials`,
				`(?m)^atrun: .*step "Connect": \+QMTCONN: 0,0,4: .*bad user name or password$`,
			}},
		{name: "line trouble is no trouble", args: []string{"--fault", "line-noise", "--fault", "split"}, code: exitOK,
			stderr: []string{`(?m)^Done in `}, stdout: `"led": "on"`},
		{name: "unknown fault", args: []string{"--fault", "gremlins"}, code: exitUsage,
			stderr: []string{`^atrun: --fault: unknown fault "gremlins"`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			o := atrun(t, t.TempDir(), append([]string{"demo"}, tc.args...)...)
			if o.code != tc.code {
				t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", o.code, tc.code, o.stdout, o.stderr)
			}
			rest := o.stderr
			for _, re := range tc.stderr {
				loc := regexp.MustCompile(re).FindStringIndex(rest)
				if loc == nil {
					t.Fatalf("stderr lacks %s (after the texts before it):\n%s", re, o.stderr)
				}
				rest = rest[loc[1]:]
			}
			if !strings.Contains(o.stdout, tc.stdout) {
				t.Errorf("stdout lacks %q:\n%s", tc.stdout, o.stdout)
			}
			checkNoTrace(t, o)
		})
	}
}

// BenchmarkDemo runs `atrun demo`: ns/op is the wall time of one whole
// process (start, broker and certificates, the session, exit);
// peak-RSS-MB its peak resident memory, read by GNU time.
func BenchmarkDemo(b *testing.B) {
	dir := b.TempDir()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if o := atrun(b, dir, "demo"); o.code != 0 {
			b.Fatalf("exit %d: %s", o.code, o.stderr)
		}
	}
	b.StopTimer()
	reportRSS(b, call{args: []string{"demo"}, dir: dir})
}
