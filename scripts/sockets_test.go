package scripts_test

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
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

// The sessions of ec20_tcp and ec20_https live in their own folders, so
// that the ec20_mqtts replays (testdata/transcripts/*.atr) do not meet
// them. Each is recorded on the virtual EC20 with the CLI:
//
//	atrun run ec20_tcp --sim [--fault F] --record testdata/transcripts/ec20_tcp/NAME.atr
//
// The virtual EC20 makes a new CA every run, and its file goes with it: the
// CA each session uploaded is kept beside it as NAME.ca.pem and the
// transcript's ca_cert names that file, by
//
//	go test ./scripts -run TestKeepSessionCAs -keep-cas
var keepCAs = flag.Bool("keep-cas", false, "write the CA each socket/HTTPS transcript uploaded beside it")

var sessionDirs = map[string]string{
	"ec20_tcp":   filepath.Join(transcriptDir, "ec20_tcp"),
	"ec20_https": filepath.Join(transcriptDir, "ec20_https"),
}

// sessionWant is how each recorded session must end ("" for success).
var sessionWant = map[string]string{
	"ec20_tcp/happy.atr":         "",
	"ec20_tcp/server_down.atr":   "+QIOPEN: 0,566",
	"ec20_tcp/tls_failure.atr":   "+QSSLOPEN: 0,566",
	"ec20_tcp/dropped.atr":       `the connection closed (+QIURC: "closed",0)`,
	"ec20_https/happy.atr":       "",
	"ec20_https/server_down.atr": "+QHTTPGET: 716",
	"ec20_https/tls_failure.atr": "+QHTTPGET: 716",
}

// TestSocketTranscripts replays the recorded sessions of ec20_tcp and
// ec20_https: the script must send what was recorded and end as it ended.
func TestSocketTranscripts(t *testing.T) {
	n := 0
	for script, dir := range sessionDirs {
		files, _ := filepath.Glob(filepath.Join(dir, "*.atr"))
		for _, file := range files {
			n++
			key := script + "/" + filepath.Base(file)
			t.Run(key, func(t *testing.T) {
				tr, err := transcript.ReadFile(file)
				if err != nil {
					t.Fatal(err)
				}
				if tr.Header.Script != "scripts/"+script+".lua" {
					t.Fatalf("recorded script %q", tr.Header.Script)
				}
				res := replaySession(t, tr)
				if res.Verdict != replay.Pass {
					t.Fatalf("%s: %v", res.Verdict, res.Err)
				}
				failure, _ := tr.Outcome()
				want, known := sessionWant[key]
				if !known {
					t.Fatalf("no expected outcome for %s in sessionWant", key)
				}
				if (want == "") != (failure == "") || !strings.Contains(failure, want) {
					t.Fatalf("recorded outcome %q, want %q", failure, want)
				}
			})
		}
	}
	if n != len(sessionWant) {
		t.Fatalf("%d transcripts, %d expected", n, len(sessionWant))
	}
}

func replaySession(t testing.TB, tr *transcript.Transcript) *replay.Result {
	t.Helper()
	src, name, err := scripts.Lookup(tr.Header.Script)
	if err != nil {
		t.Fatal(err)
	}
	params := map[string]string{}
	for _, p := range tr.Header.Params {
		if p.Name == "ca_cert" {
			// Named relative to the repository's root.
			params["ca_cert"] = filepath.Join("..", string(p.Value.Bytes))
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	res, err := replay.Run(ctx, luabind.Script{Name: name, Source: src}, tr, replay.Options{Modules: scripts.Modules, Params: params})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// TestKeepSessionCAs writes, with -keep-cas, the CA each session uploaded
// (the bytes after the AT+QFUPL's CONNECT) beside the transcript, and
// points the transcript's ca_cert at it.
func TestKeepSessionCAs(t *testing.T) {
	if !*keepCAs {
		t.Skip("run with -keep-cas after recording sessions")
	}
	for _, dir := range sessionDirs {
		files, _ := filepath.Glob(filepath.Join(dir, "*.atr"))
		for _, file := range files {
			tr, err := transcript.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			base := strings.TrimSuffix(filepath.Base(file), ".atr")
			caRel := filepath.Join("testdata/transcripts", filepath.Base(dir), base+".ca.pem")
			if ca := uploadedData(tr); ca != nil {
				if err := os.WriteFile(filepath.Join(dir, base+".ca.pem"), ca, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			raw, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			raw = caParamRE.ReplaceAll(raw, []byte(fmt.Sprintf("param ca_cert %q", caRel)))
			if err := os.WriteFile(file, raw, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
}

var caParamRE = regexp.MustCompile(`(?m)^param ca_cert ".*"$`)

// uploadedData is what the host wrote after the first AT+QFUPL's CONNECT,
// up to the modem's +QFUPL: answer; nil when the session uploaded nothing.
func uploadedData(tr *transcript.Transcript) []byte {
	var data []byte
	state := 0 // 0 before the command, 1 waiting for CONNECT, 2 taking data
	for _, e := range tr.Events {
		text := e.Data.Bytes
		switch {
		case state == 0 && e.Kind == transcript.Host && bytes.HasPrefix(text, []byte("AT+QFUPL=")):
			state = 1
		case state == 1 && e.Kind == transcript.Modem && bytes.Contains(text, []byte("CONNECT")):
			state = 2
		case state == 2 && e.Kind == transcript.Host:
			data = append(data, text...)
		case state == 2 && e.Kind == transcript.Modem && bytes.Contains(text, []byte("+QFUPL:")):
			return data
		}
	}
	return nil
}

// runSocketScript runs a shipped script on a fresh virtual EC20 over its
// pseudo-terminal, with the parameters `atrun run --sim` passes.
func runSocketScript(t testing.TB, name, faults string, extra map[string]string) (*report, error) {
	t.Helper()
	f, err := sim.ParseFaults(faults)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	s, err := sim.Start(ctx, sim.Options{Faults: f, Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	port, err := engine.Open(ctx, s.DevicePath, engine.SerialConfig{})
	if err != nil {
		t.Fatal(err)
	}
	secrets := &secret.Set{}
	conn := engine.New(port, engine.Config{Name: s.DevicePath, Secrets: secrets})
	defer conn.Close()
	src, full, err := scripts.Lookup(name)
	if err != nil {
		t.Fatal(err)
	}
	rep := &report{}
	r := luabind.NewRunner(luabind.Options{Conn: conn, Port: s.DevicePath, Params: serverParams(s, extra), Secrets: secrets,
		Modules: scripts.Modules, Report: rep, Getenv: func(string) string { return "" }})
	_, err = r.Run(ctx, luabind.Script{Name: full, Source: src})
	return rep, err
}

func serverParams(s *sim.Sim, extra map[string]string) map[string]string {
	host, p, _ := net.SplitHostPort(s.Servers.EchoAddr)
	_, tlsPort, _ := net.SplitHostPort(s.Servers.EchoTLSAddr)
	_, udpPort, _ := net.SplitHostPort(s.Servers.UDPEchoAddr)
	params := map[string]string{"echo_host": host, "echo_port": p, "echo_tls_port": tlsPort, "echo_udp_port": udpPort,
		"url": s.Servers.HTTPSURL, "ca_cert": s.CAFile}
	for k, v := range extra {
		switch v {
		case "": // as if not given
			delete(params, k)
		case "$http_url":
			params[k] = s.Servers.HTTPURL
		case "$https_404":
			params[k] = s.Servers.HTTPSURL + "status/404"
		default:
			params[k] = v
		}
	}
	return params
}

// The shipped socket and HTTPS scripts over a pty against the virtual
// EC20's real servers: the happy path prints what came back, each fault
// ends with the failure a user must see.
func TestSocketScripts(t *testing.T) {
	tests := []struct {
		script, faults string
		extra          map[string]string
		prints         []string // with "" for success
		failure        []string
	}{
		{"ec20_tcp", "", nil, []string{"TCP echo: hello from atrun", "TLS echo: hello from atrun", "UDP echo: hello from atrun"}, nil},
		{"ec20_tcp", "", map[string]string{"payload": "ping 42", "echo_tls_port": "", "echo_udp_port": ""}, []string{"TCP echo: ping 42"}, nil},
		{"ec20_tcp", "server-down", nil, nil, []string{`step "TCP"`, "+QIOPEN: 0,566", "socket connect failed"}},
		{"ec20_tcp", "tls-failure", nil, []string{"TCP echo: hello from atrun"}, []string{`step "TLS"`, "+QSSLOPEN: 0,566", "check the CA"}},
		{"ec20_tcp", "pdp-failure", nil, nil, []string{`step "Network"`, "+CME ERROR: 561"}},
		{"ec20_tcp", "", map[string]string{"ca_cert": ""}, nil, []string{"TLS needs the echo server's CA"}},
		{"ec20_https", "", nil, []string{"GET 200: " + strings.TrimSpace(sim.HelloBody), `POST 200: {"temperature":21.5}`}, nil},
		{"ec20_https", "", map[string]string{"body": "a=1&b=2", "content_type": "0"}, []string{"GET 200: " + strings.TrimSpace(sim.HelloBody), "POST 200: a=1&b=2"}, nil},
		{"ec20_https", "server-down", nil, nil, []string{`step "GET"`, "+QHTTPGET: 716"}},
		{"ec20_https", "tls-failure", nil, nil, []string{`step "GET"`, "+QHTTPGET: 716"}},
		{"ec20_https", "", map[string]string{"url": ""}, nil, []string{"no URL"}},
		{"ec20_https", "", map[string]string{"url": "$http_url", "ca_cert": ""},
			[]string{"GET 200: " + strings.TrimSpace(sim.HelloBody), `POST 200: {"temperature":21.5}`}, nil},
		{"ec20_https", "", map[string]string{"url": "$https_404"}, []string{"GET 404: status 404"},
			[]string{`step "GET"`, "the server answered HTTP 404"}},
	}
	for _, tt := range tests {
		t.Run(tt.script+"/"+tt.faults+fmt.Sprint(tt.extra), func(t *testing.T) {
			rep, err := runSocketScript(t, tt.script, tt.faults, tt.extra)
			t.Logf("log:\n%s", strings.Join(rep.lines, "\n"))
			if tt.failure == nil && err != nil {
				t.Fatal(err)
			}
			for _, w := range tt.failure {
				if err == nil || !strings.Contains(err.Error(), w) {
					t.Fatalf("error %v, want it to hold %q", err, w)
				}
			}
			if !slices.Equal(rep.prints, tt.prints) {
				t.Fatalf("prints %q, want %q", rep.prints, tt.prints)
			}
		})
	}
}

// BenchmarkSocketScriptsOnSim runs ec20_tcp (TCP and TLS echo) and
// ec20_https (GET and POST) on the virtual EC20 over a pty, timing the
// script's run only (start-up of the simulator and its servers excluded).
func BenchmarkSocketScriptsOnSim(b *testing.B) {
	for _, name := range []string{"ec20_tcp", "ec20_https"} {
		b.Run(name, func(b *testing.B) {
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
				src, full, _ := scripts.Lookup(name)
				r := luabind.NewRunner(luabind.Options{Conn: conn, Secrets: secrets, Modules: scripts.Modules,
					Params: serverParams(s, nil), Getenv: func(string) string { return "" }})
				b.StartTimer()
				start := time.Now()
				_, err = r.Run(ctx, luabind.Script{Name: full, Source: src})
				total += time.Since(start)
				b.StopTimer()
				conn.Close()
				s.Close()
				if err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(total.Microseconds())/float64(b.N), "script-µs")
		})
	}
}

// A server that accepts and hangs up at once: ec20_tcp says the connection
// closed, not that a command failed.
func TestTCPScriptServerCloses(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			c.Close()
		}
	}()
	_, p, _ := net.SplitHostPort(ln.Addr().String())
	rep, err := runSocketScript(t, "ec20_tcp", "", map[string]string{"echo_port": p})
	t.Logf("log:\n%s", strings.Join(rep.lines, "\n"))
	if err == nil || !strings.Contains(err.Error(), `step "TCP": the connection closed (+QIURC: "closed",0) before the echo came back`) {
		t.Fatalf("error %v", err)
	}
}
