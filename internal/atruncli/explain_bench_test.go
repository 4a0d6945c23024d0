package atruncli

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// logBlock is one stretch of a time-stamped terminal log: commands with
// echoes and answers, a prompt and payload, URCs, an application print.
const logBlock = `[%s] AT+CSQ
[%s] +CSQ: 19,99
[%s] OK
[%s] AT+CEREG?
[%s] +CEREG: 0,1
[%s] OK
[%s] [INFO] publishing
[%s] AT+QMTPUBEX=0,1,1,0,"dev1/up",5
[%s] > 
[%s] hello world
[%s] OK
[%s] +QMTPUBEX: 0,1,0
[%s] +QMTRECV: 0,1,"dev1/down","{\"temp\":21.5,\"hum\":40}"
[%s] AT+QMTDISC=0
[%s] OK
[%s] +QMTDISC: 0,0
`

// writeLargeLog writes a log of about size bytes and returns its path.
func writeLargeLog(b *testing.B, size int) string {
	b.Helper()
	path := filepath.Join(b.TempDir(), fmt.Sprintf("large-%d.log", size))
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	written := 0
	at := 10 * time.Hour
	for written < size {
		stamps := make([]any, strings.Count(logBlock, "%s"))
		for i := range stamps {
			at += 7 * time.Millisecond
			stamps[i] = time.Time{}.Add(at % (24 * time.Hour)).Format("15:04:05.000")
		}
		n, err := fmt.Fprintf(f, logBlock, stamps...)
		if err != nil {
			b.Fatal(err)
		}
		written += n
	}
	return path
}

// BenchmarkExplainLarge runs explain and import on logs of 10 and 50 MB,
// as a user would, and reports each run's peak resident memory, that
// memory as a multiple of the log's size, and the throughput. Neither
// holds the log's entries or events: memory stays a small multiple of the
// input, and time grows linearly with it.
func BenchmarkExplainLarge(b *testing.B) {
	gnuTime, err := exec.LookPath("/usr/bin/time")
	if err != nil {
		b.Skip("no /usr/bin/time (apt-get install time): peak RSS not measured")
	}
	for _, mb := range []int{10, 50} {
		log := writeLargeLog(b, mb<<20)
		out := filepath.Join(b.TempDir(), "out.atr")
		for _, tc := range []struct {
			name string
			args []string
		}{
			{"explain", []string{"explain", log}},
			{"explain-json", []string{"explain", "--json", log}},
			{"import", []string{"transcript", "import", log, "-o", out}},
		} {
			b.Run(fmt.Sprintf("%s/%dMB", tc.name, mb), func(b *testing.B) {
				var rss, cpu float64
				for range b.N {
					r, c := peakRSS(b, gnuTime, tc.args)
					rss, cpu = max(rss, r), cpu+c
				}
				b.ReportMetric(rss, "peak-RSS-MB")
				b.ReportMetric(rss/float64(mb), "RSS/input")
				b.ReportMetric(float64(mb)/(cpu/float64(b.N)), "MB/cpu-s")
			})
		}
	}
}

// BenchmarkExplainOneLongLine explains and imports a 20 MB log that is
// one line (a binary dump with no line end): the line is held once.
func BenchmarkExplainOneLongLine(b *testing.B) {
	gnuTime, err := exec.LookPath("/usr/bin/time")
	if err != nil {
		b.Skip("no /usr/bin/time (apt-get install time): peak RSS not measured")
	}
	const mb = 20
	log := filepath.Join(b.TempDir(), "one-line.log")
	if err := os.WriteFile(log, []byte("AT+QISEND=0,5\n> "+strings.Repeat("x", mb<<20)+"\n"), 0o644); err != nil {
		b.Fatal(err)
	}
	out := filepath.Join(b.TempDir(), "out.atr")
	for _, tc := range []struct {
		name string
		args []string
	}{
		{"explain-json", []string{"explain", "--json", log}},
		{"import", []string{"transcript", "import", log, "-o", out}},
	} {
		b.Run(tc.name, func(b *testing.B) {
			var rss float64
			for range b.N {
				r, _ := peakRSS(b, gnuTime, tc.args)
				rss = max(rss, r)
			}
			b.ReportMetric(rss, "peak-RSS-MB")
			b.ReportMetric(rss/mb, "RSS/input")
		})
	}
}

// peakRSS runs atrun with args under GNU time, its output thrown away,
// and returns its peak resident memory in MB and the CPU seconds it used
// (user and system): on a shared machine, CPU time is what shows whether
// the work grows linearly.
func peakRSS(b *testing.B, gnuTime string, args []string) (float64, float64) {
	b.Helper()
	cmd := exec.Command(gnuTime, append([]string{"-f", "cpu-s %U %S maxrss-kB %M", atrunBin}, args...)...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		b.Fatalf("%v: %s", err, stderr.String())
	}
	s := stderr.String()
	i := strings.LastIndex(s, "maxrss-kB ")
	if i < 0 {
		b.Fatalf("no maxrss in %q", s)
	}
	kb, err := strconv.ParseFloat(strings.TrimSpace(s[i+len("maxrss-kB "):]), 64)
	if err != nil {
		b.Fatal(err)
	}
	var user, sys float64
	if j := strings.LastIndex(s, "cpu-s "); j >= 0 {
		fmt.Sscanf(s[j:], "cpu-s %g %g", &user, &sys)
	}
	return kb / 1024, user + sys
}
