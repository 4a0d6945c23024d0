package atruncli

import (
	"os/exec"
	"strconv"
	"testing"
)

// BenchmarkRunManySims measures ec20_mqtts (the whole TLS MQTT session)
// run at once on N in-process virtual EC20s sharing one broker, against
// the same script on one (--sim): ns/op is one whole `atrun run`, from
// start to exit, and peak-RSS-MB the process's peak resident memory as
// GNU time reads it. docs/performance.md compares the figures.
func BenchmarkRunManySims(b *testing.B) {
	gnuTime, err := exec.LookPath("/usr/bin/time")
	if err != nil {
		b.Skip("no /usr/bin/time (apt-get install time): peak RSS not measured")
	}
	for _, n := range []int{0, 1, 8, 32} {
		name, args := "sim", []string{"--sim"}
		if n > 0 {
			name, args = "sims="+strconv.Itoa(n), []string{"--sims", strconv.Itoa(n)}
		}
		b.Run(name, func(b *testing.B) {
			var peak float64
			for i := 0; i < b.N; i++ {
				cmd, stdout, stderr := call{args: []string{"run"}, dir: b.TempDir()}.command(b)
				cmd.Path = gnuTime
				cmd.Args = append([]string{gnuTime, "-f", "maxrss-kB %M", atrunBin, "run", "ec20_mqtts"}, args...)
				if err := cmd.Start(); err != nil {
					b.Fatal(err)
				}
				peak = max(peak, maxRSS(b, waitFor(b, cmd, stdout, stderr, 120e9)))
			}
			b.ReportMetric(peak, "peak-RSS-MB")
		})
	}
}
