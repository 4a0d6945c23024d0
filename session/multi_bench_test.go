package session

import (
	"context"
	"syscall"
	"testing"
	"time"

	"github.com/atrun/atrun/luabind"
	"github.com/atrun/atrun/scripts"
	"github.com/atrun/atrun/sim"
	"github.com/atrun/atrun/simproc/inproc"
)

// BenchmarkRunManyMQTTS runs the shipped ec20_mqtts (the whole TLS MQTT
// session) at once on N virtual EC20s sharing one broker; ns/op is the
// wall time of all N runs, the fleet's start and stop included. It also
// reports the CPU the process used (user + system, from getrusage) per op
// and per modem-run: on 2 cores, N runs that do not wait cannot take less
// wall time than their CPU over 2, so cpu-ms/modem is the figure to cut.
func BenchmarkRunManyMQTTS(b *testing.B) {
	src, _, err := scripts.Lookup("ec20_mqtts")
	if err != nil {
		b.Fatal(err)
	}
	script := luabind.Script{Name: "ec20_mqtts.lua", Source: src}
	for _, c := range []struct {
		name   string
		n      int
		params map[string]string
	}{
		{"n=1", 1, nil},
		// As `atrun run ec20_mqtts --sims 32`: every run subscribes to the
		// script's default topic, so the broker's reply to each run's
		// publish reaches every run still subscribed.
		{"n=32", 32, nil},
		// Each run its own topics, as a lab would give them.
		{"n=32/own-topics", 32, map[string]string{"sub_topic": "atrun/{index}/down", "pub_topic": "atrun/{index}/up"}},
	} {
		n := c.n
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			user, sys := cpuTimes(b)
			for i := 0; i < b.N; i++ {
				sims, stop, err := inproc.StartFleet(context.Background(), n, sim.Options{Reply: `{"led":"on"}`})
				if err != nil {
					b.Fatal(err)
				}
				m := Many{Sims: sims, Job: Job{Script: script, Baud: 115200, Start: time.Now(), Sim: &Sim{}, Params: c.params}}
				for _, o := range RunMany(context.Background(), m) {
					if o.Err != nil {
						b.Fatalf("%s: %v", o.Port, o.Err)
					}
				}
				stop()
			}
			user2, sys2 := cpuTimes(b)
			ops := float64(b.N)
			ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) / ops }
			b.ReportMetric(ms(user2-user), "user-ms/op")
			b.ReportMetric(ms(sys2-sys), "sys-ms/op")
			b.ReportMetric(ms(user2-user+sys2-sys)/float64(n), "cpu-ms/modem")
		})
	}
}

// cpuTimes is the CPU the process has used so far, in user and in system
// mode.
func cpuTimes(b *testing.B) (user, sys time.Duration) {
	b.Helper()
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano()), time.Duration(ru.Stime.Nano())
}
