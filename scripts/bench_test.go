package scripts_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/atrun/atrun/engine"
	"github.com/atrun/atrun/engine/secret"
	"github.com/atrun/atrun/engine/transcript"
	"github.com/atrun/atrun/luabind"
	"github.com/atrun/atrun/replay"
	"github.com/atrun/atrun/scripts"
	"github.com/atrun/atrun/sim"
)

// BenchmarkReplay replays each recorded session in process. It reports the
// recorded session's length and how many times faster the replay ran.
func BenchmarkReplay(b *testing.B) {
	files, _ := filepath.Glob(filepath.Join(transcriptDir, "*.atr"))
	for _, file := range files {
		b.Run(filepath.Base(file), func(b *testing.B) { benchmarkReplay(b, file) })
	}
}

func benchmarkReplay(b *testing.B, file string) {
	tr, err := transcript.ReadFile(file)
	if err != nil {
		b.Fatal(err)
	}
	var res *replay.Result
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		if res = replayFile(b, tr); res.Verdict != replay.Pass {
			b.Fatal(res.Err)
		}
	}
	per := time.Since(start) / time.Duration(b.N)
	b.ReportMetric(float64(res.Recorded.Microseconds()), "recorded-µs")
	b.ReportMetric(float64(res.Recorded)/float64(per), "x-faster-than-live")
}

// BenchmarkEC20OnSim runs the whole shipped sequence against the virtual
// EC20 (no simulated delays) over a pty and a TLS broker, timing the
// script's run only: its wall time is the engine's and the script's cost,
// since the simulator was told to add no delay.
func BenchmarkEC20OnSim(b *testing.B) {
	ctx := context.Background()
	var total time.Duration
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		s, err := sim.Start(ctx, sim.Options{Dir: b.TempDir()})
		if err != nil {
			b.Fatal(err)
		}
		port, err := engine.Open(ctx, s.DevicePath, engine.SerialConfig{})
		if err != nil {
			b.Fatal(err)
		}
		secrets := &secret.Set{}
		conn := engine.New(port, engine.Config{Secrets: secrets})
		host, p := splitAddr(s.BrokerAddr)
		src, name, _ := scripts.Lookup("ec20_mqtts")
		r := luabind.NewRunner(luabind.Options{Conn: conn, Secrets: secrets, Modules: scripts.Modules,
			Params: map[string]string{"host": host, "port": p, "username": s.Username, "password": s.Password,
				"ca_cert": s.CAFile, "listen": "0s"},
			Getenv: func(string) string { return "" }})
		b.StartTimer()
		start := time.Now()
		_, err = r.Run(ctx, luabind.Script{Name: name, Source: src})
		total += time.Since(start)
		b.StopTimer()
		conn.Close()
		s.Close()
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(total.Microseconds())/float64(b.N), "script-µs")
}

func splitAddr(addr string) (string, string) {
	for i := len(addr) - 1; i >= 0; i-- {
		if addr[i] == ':' {
			return addr[:i], addr[i+1:]
		}
	}
	return addr, ""
}
