package atruncli

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
)

// BenchmarkReplay100 is what CI pays for a folder of transcripts: one
// `atrun replay` of 100 transcripts (the shipped ones copied round-robin),
// one replay at a time and with --jobs at its default, the number of
// CPUs. ns/op is the wall time of one whole run, process start included;
// transcripts/s the throughput; peak-RSS-MB the process's peak memory.
//
//	go test ./cmd/atrun -run '^$' -bench Replay100 -benchtime 20x
func BenchmarkReplay100(b *testing.B) {
	const n = 100
	shipped := shippedTranscripts(b)
	dir := b.TempDir()
	args := []string{"replay", "ec20_mqtts"}
	for i := range n {
		src := filepath.Join(repoRoot(b), shipped[i%len(shipped)])
		data, err := os.ReadFile(src)
		if err != nil {
			b.Fatal(err)
		}
		dst := filepath.Join(dir, fmt.Sprintf("%03d_%s", i, filepath.Base(src)))
		if err := os.WriteFile(dst, data, 0o644); err != nil {
			b.Fatal(err)
		}
		args = append(args, dst)
	}
	for _, jobs := range []string{"1", strconv.Itoa(runtime.NumCPU())} {
		b.Run("jobs="+jobs, func(b *testing.B) {
			for b.Loop() {
				o := atrun(b, repoRoot(b), append(args, "--jobs", jobs)...)
				if o.code != exitOK || strings.Count(o.stdout, "PASS ") != n {
					b.Fatalf("exit %d\n%s\n%s", o.code, o.stdout, o.stderr)
				}
			}
			b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "transcripts/s")
			reportRSS(b, call{args: append(args, "--jobs", jobs), dir: repoRoot(b)})
		})
	}
}
