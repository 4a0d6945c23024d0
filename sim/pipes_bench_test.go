package sim

import (
	"context"
	"fmt"
	"net"
	"os"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/atrun/atrun/engine"
	"github.com/atrun/atrun/luabind"
	"github.com/atrun/atrun/scripts"
)

// BenchmarkMQTTSOverPipes is an experiment for the labs' figure: ec20_mqtts
// on n virtual EC20s whose engines reach them over in-memory pipes in this
// one process, no pseudo-terminal and no second process. cpu-ms/modem is
// to be set beside session's BenchmarkRunManyMQTTS (the same runs over
// ptys, in process).
func BenchmarkMQTTSOverPipes(b *testing.B) {
	src, _, err := scripts.Lookup("ec20_mqtts")
	if err != nil {
		b.Fatal(err)
	}
	script := luabind.Script{Name: "ec20_mqtts.lua", Source: src}
	for _, c := range []struct {
		link string
		n    int
	}{{"pipe", 1}, {"pipe", 32}, {"socketpair", 32}} {
		n := c.n
		b.Run(fmt.Sprintf("%s/n=%d", c.link, n), func(b *testing.B) {
			var ru0, ru1 syscall.Rusage
			syscall.Getrusage(syscall.RUSAGE_SELF, &ru0)
			for range b.N {
				runOverPipes(b, n, script, c.link)
			}
			syscall.Getrusage(syscall.RUSAGE_SELF, &ru1)
			cpu := time.Duration(ru1.Utime.Nano()-ru0.Utime.Nano()+ru1.Stime.Nano()-ru0.Stime.Nano()) / time.Duration(b.N)
			b.ReportMetric(float64(cpu)/float64(time.Millisecond)/float64(n), "cpu-ms/modem")
		})
	}
}

func runOverPipes(b *testing.B, n int, script luabind.Script, link string) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	opts := Options{Reply: `{"led":"on"}`, tlsSessions: newSessionCache()}
	first, err := Start(ctx, opts)
	if err != nil {
		b.Fatal(err)
	}
	defer first.Close()
	host, port, _ := net.SplitHostPort(first.BrokerAddr)
	var wg sync.WaitGroup
	errs := make([]error, n)
	for k := range n {
		mo := opts
		mo.Identity = IdentityOf(k + 2)
		m := NewModem(mo)
		m.reply.send = func(topic string) { _ = first.Broker.Publish(ctx, topic, []byte(mo.Reply), 1, false) }
		hostEnd, modemEnd := net.Pipe()
		if link == "socketpair" {
			hostEnd, modemEnd = socketPair(b)
		}
		go m.Serve(ctx, modemEnd)
		conn := engine.New(hostEnd, engine.Config{Name: fmt.Sprintf("pipe%d", k)})
		params := map[string]string{"host": host, "port": port, "username": first.Username, "password": first.Password,
			"ca_cert": first.CAFile, "urcport": "usbat", "client_id": fmt.Sprintf("dev-%d", k),
			"sub_topic": fmt.Sprintf("atrun/%d/down", k), "pub_topic": fmt.Sprintf("atrun/%d/up", k)}
		r := luabind.NewRunner(luabind.Options{Conn: conn, Params: params, Modules: scripts.Modules})
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer conn.Close()
			defer modemEnd.Close()
			_, errs[k] = r.Run(ctx, script)
		}()
	}
	wg.Wait()
	for k, err := range errs {
		if err != nil {
			b.Fatalf("modem %d: %v", k+2, err)
		}
	}
}

// socketPair is a connected pair of Unix stream sockets, read and written
// through Go's poller.
func socketPair(b *testing.B) (net.Conn, net.Conn) {
	fds, err := syscall.Socketpair(syscall.AF_UNIX, syscall.SOCK_STREAM|syscall.SOCK_CLOEXEC, 0)
	if err != nil {
		b.Fatal(err)
	}
	var conns [2]net.Conn
	for i, fd := range fds {
		f := os.NewFile(uintptr(fd), "socketpair")
		c, err := net.FileConn(f)
		f.Close()
		if err != nil {
			b.Fatal(err)
		}
		conns[i] = c
	}
	return conns[0], conns[1]
}
