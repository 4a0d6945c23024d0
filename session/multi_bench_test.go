package session

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/atrun/atrun/luabind"
	"github.com/atrun/atrun/scripts"
	"github.com/atrun/atrun/sim"
	"github.com/atrun/atrun/simproc/inproc"
)

// BenchmarkRunManyMQTTS runs the shipped ec20_mqtts (the whole TLS MQTT
// session) at once on N virtual EC20s sharing one broker; ns/op is the
// wall time of all N runs, the fleet's start and stop included.
func BenchmarkRunManyMQTTS(b *testing.B) {
	src, _, err := scripts.Lookup("ec20_mqtts")
	if err != nil {
		b.Fatal(err)
	}
	script := luabind.Script{Name: "ec20_mqtts.lua", Source: src}
	for _, n := range []int{1, 32} {
		b.Run("n="+strconv.Itoa(n), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				sims, stop, err := inproc.StartFleet(context.Background(), n, sim.Options{Reply: `{"led":"on"}`})
				if err != nil {
					b.Fatal(err)
				}
				m := Many{Sims: sims, Job: Job{Script: script, Baud: 115200, Start: time.Now(), Sim: &Sim{}}}
				for _, o := range RunMany(context.Background(), m) {
					if o.Err != nil {
						b.Fatalf("%s: %v", o.Port, o.Err)
					}
				}
				stop()
			}
		})
	}
}
