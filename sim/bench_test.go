package sim_test

import (
	"context"
	"runtime"
	"testing"

	"github.com/atrun/atrun/sim"
)

// BenchmarkStart measures starting broker (with its certificates), modem
// and pseudo-terminal, then closing them.
func BenchmarkStart(b *testing.B) {
	ctx := context.Background()
	dir := b.TempDir()
	for b.Loop() {
		s, err := sim.Start(ctx, sim.Options{Dir: dir})
		if err != nil {
			b.Fatal(err)
		}
		s.Close()
	}
}

// BenchmarkMQTTSSequence runs the whole EC20 MQTTS sequence over the pty
// and reports the heap the running simulator holds once it is done
// (heap-B: in-use heap after GC, minus the same before Start).
func BenchmarkMQTTSSequence(b *testing.B) {
	dir := b.TempDir()
	var held float64
	n := 0
	for b.Loop() {
		before := heapInUse()
		ctx := deadline(b)
		s, err := sim.Start(ctx, sim.Options{Dir: dir})
		if err != nil {
			b.Fatal(err)
		}
		c := dialAT(b, s.DevicePath)
		c.waitBoot(ctx)
		mqttsSequence(b, ctx, s, c)
		held += float64(heapInUse()) - float64(before)
		n++
		c.close()
		s.Close()
	}
	b.ReportMetric(held/float64(n), "heap-B")
}

func heapInUse() uint64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapInuse
}
