package atruncli

import (
	"context"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/atrun/atrun/sim/broker"
)

// BenchmarkSimRSS measures the peak resident memory of `atrun sim`, read
// by GNU time: idle (started, then stopped with Ctrl+C), and after a
// demo-like session (the shipped script's whole MQTT session on it, with a
// subscriber at the broker that answers the modem's message). ns/op is
// the whole life of one `atrun sim`.
func BenchmarkSimRSS(b *testing.B) {
	gnuTime, err := exec.LookPath("/usr/bin/time")
	if err != nil {
		b.Skip("no /usr/bin/time (apt-get install time): peak RSS not measured")
	}
	for _, session := range []bool{false, true} {
		name := "idle"
		if session {
			name = "after-session"
		}
		b.Run(name, func(b *testing.B) {
			var peak float64
			for i := 0; i < b.N; i++ {
				p := startTimedSim(b, gnuTime)
				if session {
					demoSession(b, p)
				}
				peak = max(peak, maxRSS(b, p.interrupt(b)))
			}
			b.ReportMetric(peak, "peak-RSS-MB")
		})
	}
}

// startTimedSim starts `atrun sim` under GNU time.
func startTimedSim(b *testing.B, gnuTime string) *simProcess {
	cmd, _, stderr := call{args: []string{"sim"}, dir: b.TempDir()}.command(b)
	cmd.Path = gnuTime
	cmd.Args = []string{gnuTime, "-f", "maxrss-kB %M", atrunBin, "sim"}
	return launchSim(b, cmd, stderr)
}

// maxRSS reads GNU time's report of a run that ended well, in MB.
func maxRSS(b *testing.B, o outcome) float64 {
	i := strings.LastIndex(o.stderr, "maxrss-kB ")
	if o.code != 0 || i < 0 {
		b.Fatalf("exit %d: %s", o.code, o.stderr)
	}
	kb, err := strconv.ParseFloat(strings.TrimSpace(o.stderr[i+len("maxrss-kB "):]), 64)
	if err != nil {
		b.Fatal(err)
	}
	return kb / 1024
}

// demoSession does what atrun demo does, against a sim in another
// process: a client at the broker answers the modem's message, and the
// shipped script runs the line atrun sim printed until the answer is in.
func demoSession(b *testing.B, p *simProcess) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	url, _, _ := strings.Cut(p.field(b, "broker"), " ")
	r, err := broker.Connect(ctx, broker.External{URL: url, CAFile: p.field(b, "CA file"),
		Username: p.field(b, "username"), Password: p.field(b, "password")})
	if err != nil {
		b.Fatal(err)
	}
	defer r.Close()
	sub, err := r.Subscribe(ctx, demoUp)
	if err != nil {
		b.Fatal(err)
	}
	go func() {
		if _, err := sub.Next(ctx); err == nil {
			r.Publish(ctx, demoDown, []byte(demoReply), 1, false)
		}
	}()
	o := runPasted(b, p, "", "--set", "listen=5s", "--set", "count=1")
	if !strings.Contains(o.stdout, `"led": "on"`) {
		b.Fatalf("the answer never reached the modem:\n%s", o.stderr)
	}
}
