package engine

import (
	"context"
	"io"
	"testing"
	"time"

	"github.com/atrun/atrun/engine/enginetest"
	"github.com/atrun/atrun/engine/tap"
)

// step is one exchange of the scripted fake modem: wait for expect, send
// reply.
type step struct{ expect, reply string }

func steps(script []step) []enginetest.Step {
	out := make([]enginetest.Step, len(script))
	for i, s := range script {
		out[i] = enginetest.Step{Expect: s.expect, Reply: s.reply}
	}
	return out
}

// startFake runs script on a fake modem and returns a Conn on the host end.
// chunk 0 sends each reply whole.
func startFake(t *testing.T, chunk int, script ...step) (*Conn, *enginetest.Fake) {
	t.Helper()
	host, m := enginetest.Start(t, chunk, steps(script)...)
	c := New(host, Config{Name: "pipe"})
	t.Cleanup(func() { c.Close() })
	return c, m
}

// chunkSizes are the reply splits every conversation test runs with.
var chunkSizes = []int{0, 1, 2, 3, 7}

func ctxT(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// tapFunc is a tap that reports each chunk as "w:" or "r:" and its bytes.
func tapFunc(f func(dir, s string)) tap.Sink {
	return tap.Func(func(d tap.Dir, _ time.Time, p []byte) { f(string(d)+":", string(p)) })
}

// enginetestPTY and enginetestRun open a pty and run a fake modem on its
// master.
func enginetestPTY(t *testing.T) (io.ReadWriteCloser, string) {
	t.Helper()
	return enginetest.OpenPTY(t)
}

func enginetestRun(t *testing.T, master io.ReadWriteCloser, script ...step) *enginetest.Fake {
	return enginetest.Run(t, master, 0, steps(script)...)
}
