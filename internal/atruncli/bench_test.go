package atruncli

import (
	"bytes"
	"context"
	"io"
	"net"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/atrun/atrun/engine"
	"github.com/atrun/atrun/engine/enginetest"
	"github.com/atrun/atrun/luabind"
)

// BenchmarkStartup runs `atrun run` on a script that needs no port: the
// cost of starting the binary, setting up Lua and running nothing. ns/op
// is the wall time of one process; peak-RSS-MB its peak resident memory.
func BenchmarkStartup(b *testing.B) {
	dir := b.TempDir()
	writeFile(b, dir, "trivial.lua", "local x = 1 + 1\n")
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if o := atrun(b, dir, "run", "trivial.lua"); o.code != 0 {
			b.Fatalf("exit %d: %s", o.code, o.stderr)
		}
	}
	b.StopTimer()
	reportRSS(b, call{args: []string{"run", "trivial.lua"}, dir: dir})
}

// reportRSS runs c once more under GNU time and reports the peak resident
// memory of atrun alone. The rusage of a child of this test process would
// not do: Go starts children with vfork, so until exec the child shares,
// and is charged with, the test binary's much larger memory.
func reportRSS(b *testing.B, c call) {
	gnuTime, err := exec.LookPath("/usr/bin/time")
	if err != nil {
		b.Log("no /usr/bin/time (apt-get install time): peak RSS not measured")
		return
	}
	cmd, stdout, stderr := c.command(b)
	cmd.Args = append([]string{gnuTime, "-f", "maxrss-kB %M", atrunBin}, c.args...)
	cmd.Path = gnuTime
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	o := waitFor(b, cmd, stdout, stderr, 30*time.Second)
	i := strings.LastIndex(o.stderr, "maxrss-kB ")
	if o.code != 0 || i < 0 {
		b.Fatalf("exit %d: %s", o.code, o.stderr)
	}
	kb, err := strconv.ParseFloat(strings.TrimSpace(o.stderr[i+len("maxrss-kB "):]), 64)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(kb/1024, "peak-RSS-MB")
}

// BenchmarkRunOverPTY runs a script of 200 commands against the fake modem
// on a pseudo-terminal, with a trace and a recording: a run's peak memory
// with everything switched on. ns/op is one whole run.
func BenchmarkRunOverPTY(b *testing.B) {
	const commands = 200
	dir := b.TempDir()
	writeFile(b, dir, "many.lua", "for i = 1, "+strconv.Itoa(commands)+" do send('AT+CSQ') end\n")
	steps := make([]enginetest.Step, commands)
	for i := range steps {
		steps[i] = enginetest.Step{Expect: "AT+CSQ\r", Reply: "\r\n+CSQ: 19,99\r\n\r\nOK\r\n"}
	}
	args := func() []string {
		master, slave := enginetest.OpenPTY(b)
		enginetest.Run(b, master, 0, steps...)
		return []string{"run", "many.lua", "--port", slave, "--trace", "--record", "rec.txt"}
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		a := args()
		b.StartTimer()
		if o := atrun(b, dir, a...); o.code != 0 {
			b.Fatalf("exit %d: %s", o.code, o.stderr)
		}
	}
	b.StopTimer()
	reportRSS(b, call{args: args(), dir: dir})
}

// okModem answers every command (anything ending in CR) with OK, on the
// modem's end of an in-memory pipe, until the pipe closes.
func okModem(modem io.ReadWriteCloser) {
	buf := make([]byte, 4096)
	for {
		n, err := modem.Read(buf)
		for i := 0; i < bytes.Count(buf[:n], []byte{'\r'}); i++ {
			if _, werr := modem.Write([]byte("\r\nOK\r\n")); werr != nil {
				return
			}
		}
		if err != nil {
			return
		}
	}
}

func okConn(b *testing.B) *engine.Conn {
	host, modem := net.Pipe()
	go okModem(modem)
	conn := engine.New(host, engine.Config{Name: "pipe"})
	b.Cleanup(func() {
		conn.Close()
		modem.Close()
	})
	return conn
}

// BenchmarkSendDirect is one AT/OK round trip through engine.Conn.Send:
// the baseline for BenchmarkSendLua.
func BenchmarkSendDirect(b *testing.B) {
	conn := okConn(b)
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := conn.Send(ctx, "AT"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSendLua is the same round trip as send("AT") from a Lua loop;
// the difference in ns/op is what the Lua layer costs per call.
func BenchmarkSendLua(b *testing.B) {
	conn := okConn(b)
	r := luabind.NewRunner(luabind.Options{Conn: conn, Params: map[string]string{"n": strconv.Itoa(b.N)}})
	src := []byte(`for i = 1, tonumber(param("n")) do send("AT") end`)
	b.ReportAllocs()
	b.ResetTimer()
	if _, err := r.Run(context.Background(), luabind.Script{Name: "bench.lua", Source: src}); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkSendLuaValue is BenchmarkSendLua with the response kept
// (`local r = send("AT")`): a statement's response is never built.
func BenchmarkSendLuaValue(b *testing.B) {
	conn := okConn(b)
	r := luabind.NewRunner(luabind.Options{Conn: conn, Params: map[string]string{"n": strconv.Itoa(b.N)}})
	src := []byte(`local r for i = 1, tonumber(param("n")) do r = send("AT") end`)
	b.ReportAllocs()
	b.ResetTimer()
	if _, err := r.Run(context.Background(), luabind.Script{Name: "bench.lua", Source: src}); err != nil {
		b.Fatal(err)
	}
}

// The benchmarks' fakes must hold up: a quick check that they answer.
func TestOKModem(t *testing.T) {
	host, modem := net.Pipe()
	go okModem(modem)
	conn := engine.New(host, engine.Config{Name: "pipe"})
	defer conn.Close()
	defer modem.Close()
	for i := 0; i < 3; i++ {
		resp, err := conn.Send(context.Background(), "AT")
		if err != nil || resp.Final != "OK" || !strings.EqualFold(resp.Command, "AT") {
			t.Fatalf("%+v %v", resp, err)
		}
	}
}
