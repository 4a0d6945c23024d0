package atruncli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/atrun/atrun/engine/enginetest"
	"github.com/atrun/atrun/engine/transcript"
	"github.com/atrun/atrun/sim"
)

// startExportedSim runs a virtual EC20 exported by Debian's ser2net, over
// RFC 2217 or raw TCP, and returns the --port that reaches it.
func startExportedSim(t *testing.T, ctx context.Context, rfc2217 bool) (*sim.Sim, string) {
	t.Helper()
	s, err := sim.Start(ctx, sim.Options{Dir: t.TempDir(), Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	srv := enginetest.StartSer2netWith(ctx, t, s.DevicePath, enginetest.Ser2netOptions{RFC2217: rfc2217})
	if rfc2217 {
		return s, "rfc2217://" + srv.Addr
	}
	return s, "tcp://" + srv.Addr
}

// brokerArgs are the parameters that point a shipped script at the
// virtual EC20's broker.
func brokerArgs(s *sim.Sim) []string {
	host, port, _ := strings.Cut(s.BrokerAddr, ":")
	return []string{"--set", "host=" + host, "--set", "port=" + port,
		"--set", "username=" + s.Username, "--set", "ca_cert=" + s.CAFile}
}

// A modem in a lab, exported as labgrid and ser2net's telnet(rfc2217)
// accepter export it: the shipped scripts run with --port
// rfc2217://HOST:PORT, as the README shows.
func TestRunOverSer2netRFC2217(t *testing.T) {
	for _, script := range []string{"ec20_mqtts", "selftest"} {
		t.Run(script, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			defer cancel()
			s, port := startExportedSim(t, ctx, true)
			args := append([]string{"run", script, "--port", port, "--set", "listen=10ms"}, brokerArgs(s)...)
			o := call{args: args, env: []string{"ATRUN_PASSWORD=" + s.Password}}.run(t)
			if o.code != exitOK {
				t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", o.code, o.stdout, o.stderr)
			}
			if strings.Contains(o.stderr+o.stdout, s.Password) {
				t.Fatalf("the password leaked:\n%s", o.stderr)
			}
		})
	}
}

// The transcript records the modem's data only: the same session over a
// local device, raw TCP and RFC 2217 records the same bytes both ways.
// What the modem said before the script's first command (its boot URCs,
// still in a local device's buffer; a serial server's connect purges it)
// is no part of the session.
func TestTranscriptSameOverRFC2217(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	dir := t.TempDir()
	streams := map[string][2][]byte{}
	for _, kind := range []string{"device", "tcp", "rfc2217"} {
		var port string
		switch kind {
		case "device":
			s, err := sim.Start(ctx, sim.Options{Dir: t.TempDir(), Seed: 1})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { s.Close() })
			port = s.DevicePath
		default:
			_, port = startExportedSim(t, ctx, kind == "rfc2217")
		}
		rec := filepath.Join(dir, kind+".txt")
		o := atrun(t, dir, "run", "selftest", "--port", port, "--record", rec)
		if o.code != exitOK {
			t.Fatalf("%s: exit %d\n%s", kind, o.code, o.stderr)
		}
		tr, err := transcript.ReadFile(rec)
		if err != nil {
			t.Fatal(err)
		}
		if failure, ended := tr.Outcome(); !ended || failure != "" {
			t.Fatalf("%s: the transcript ends %v %q", kind, ended, failure)
		}
		var host, modem []byte
		for _, ev := range tr.Events {
			switch ev.Kind {
			case transcript.Host:
				host = append(host, ev.Data.Bytes...)
			case transcript.Modem:
				if len(host) > 0 {
					modem = append(modem, ev.Data.Bytes...)
				}
			}
		}
		streams[kind] = [2][]byte{host, modem}
	}
	for _, kind := range []string{"tcp", "rfc2217"} {
		for i, dir := range []string{"host", "modem"} {
			got, want := streams[kind][i], streams["device"][i]
			if !bytes.Equal(got, want) {
				n := commonLen(got, want)
				t.Errorf("%s: the %s bytes differ from the local device's at %d: %q vs %q",
					kind, dir, n, got[n:min(len(got), n+40)], want[n:min(len(want), n+40)])
			}
		}
	}
	if len(streams["rfc2217"][1]) == 0 {
		t.Fatal("nothing recorded")
	}
}

// The serial server going away mid-run ends the run at once with the
// port's error, exit 1, and a transcript that says the port was lost.
func TestRunRFC2217ServerGone(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	s, err := sim.Start(ctx, sim.Options{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	srv := enginetest.StartSer2netWith(ctx, t, s.DevicePath, enginetest.Ser2netOptions{RFC2217: true})
	dir := t.TempDir()
	writeFile(t, dir, "wait.lua", "send('AT')\nwait_urc('+ATRUN-NEVER:', '1h')\n")
	rec := filepath.Join(dir, "rec.txt")
	cmd, stdout, stderr := call{args: []string{"run", "wait.lua", "--port", "rfc2217://" + srv.Addr, "--record", rec}, dir: dir}.command(t)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// The recorder writes each event as it comes: once the modem's second
	// OK (the first answers the clean start's AT) is in the transcript,
	// the script waits.
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for {
		if b, _ := os.ReadFile(rec); bytes.Count(b, []byte(`OK\r\n"`)) >= 2 {
			break
		}
		select {
		case <-tick.C:
		case <-ctx.Done():
			t.Fatal("the script never got its OK")
		}
	}
	srv.Stop()
	o := waitFor(t, cmd, stdout, stderr, 10*time.Second)
	if o.code != exitFailed {
		t.Fatalf("exit %d, want %d\n%s", o.code, exitFailed, o.stderr)
	}
	for _, want := range []string{"port rfc2217://" + srv.Addr + ": read: EOF", "the serial server closed the connection"} {
		if !strings.Contains(o.stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, o.stderr)
		}
	}
	tr, err := transcript.ReadFile(rec)
	if err != nil {
		t.Fatal(err)
	}
	if end := tr.Ending(); end.Kind != transcript.PortLost {
		t.Errorf("the transcript ends %+v, want port-lost", end)
	}
}

func commonLen(a, b []byte) int {
	n := 0
	for n < len(a) && n < len(b) && a[n] == b[n] {
		n++
	}
	return n
}
