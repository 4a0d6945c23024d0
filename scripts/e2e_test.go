package scripts_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/atrun/atrun/engine"
	"github.com/atrun/atrun/engine/secret"
	"github.com/atrun/atrun/luabind"
	"github.com/atrun/atrun/scripts"
	"github.com/atrun/atrun/sim"
	"github.com/atrun/atrun/sim/broker"
)

// report keeps what a run reports.
type report struct {
	mu     sync.Mutex
	lines  []string
	prints []string
}

func (r *report) Log(level, msg, where string) { r.add(&r.lines, level+": "+msg) }
func (r *report) Step(name, status string, d time.Duration, err error) {
	s := "step " + name + " " + status
	if err != nil {
		s += ": " + err.Error()
	}
	r.add(&r.lines, s)
}
func (r *report) Print(text string)         { r.add(&r.prints, text) }
func (r *report) Progress(string, int, int) {}
func (r *report) add(list *[]string, s string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	*list = append(*list, s)
}

// runShipped runs a shipped script against a fresh virtual EC20 with the
// given faults, passing the broker's address, credentials and CA.
func runShipped(t *testing.T, name, faults string, extra map[string]string, during func(context.Context, *sim.Sim)) (*report, error) {
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
	return runOn(ctx, t, s, name, extra, during)
}

// runOn runs a shipped script on a running virtual EC20, passing the
// broker's address, credentials and CA.
func runOn(ctx context.Context, t *testing.T, s *sim.Sim, name string, extra map[string]string, during func(context.Context, *sim.Sim)) (*report, error) {
	t.Helper()
	port, err := engine.Open(ctx, s.DevicePath, engine.SerialConfig{})
	if err != nil {
		t.Fatal(err)
	}
	secrets := &secret.Set{}
	conn := engine.New(port, engine.Config{Name: s.DevicePath, Secrets: secrets})
	defer conn.Close()
	host, p, _ := strings.Cut(s.BrokerAddr, ":")
	params := map[string]string{
		"host": host, "port": p, "username": s.Username, "password": s.Password,
		"ca_cert": s.CAFile, "client_id": "dev1", "pub_topic": "dev1/up", "sub_topic": "dev1/down",
	}
	for k, v := range extra {
		params[k] = v
	}
	if during != nil {
		during(ctx, s) // before the script: what it waits for runs on its own goroutine
	}
	src, full, err := scripts.Lookup(name)
	if err != nil {
		t.Fatal(err)
	}
	rep := &report{}
	r := luabind.NewRunner(luabind.Options{Conn: conn, Port: s.DevicePath, Params: params, Secrets: secrets, Modules: scripts.Modules, Report: rep, Getenv: func(string) string { return "" }})
	_, err = r.Run(ctx, luabind.Script{Name: full, Source: src})
	return rep, err
}

func TestEC20HappyPath(t *testing.T) {
	uplink := make(chan string, 1)
	rep, err := runShipped(t, "ec20_mqtts", "", nil, func(ctx context.Context, s *sim.Sim) {
		// Subscribed before the script runs, so its uplink is not missed.
		sub, err := s.Broker.Subscribe(ctx, "dev1/up")
		if err != nil {
			t.Error(err)
			return
		}
		go func() {
			m, err := sub.Next(ctx)
			if err != nil {
				return
			}
			uplink <- string(m.Payload)
			s.Broker.Publish(ctx, "dev1/down", []byte(`{"led":"on"}`), 0, false)
		}()
	})
	t.Logf("log:\n%s", strings.Join(rep.lines, "\n"))
	if err != nil {
		t.Fatal(err)
	}
	select {
	case got := <-uplink:
		if got != `{"params":{"IndoorTemperature":55,"mhumi":55}}` {
			t.Fatalf("broker got %q", got)
		}
	default:
		t.Fatal("no uplink at the broker")
	}
	if len(rep.prints) != 1 || !strings.Contains(rep.prints[0], `"led": "on"`) {
		t.Fatalf("prints %q", rep.prints)
	}
}

// Each fault of the virtual EC20 ends the shipped script with the failure a
// user must see: the step, the modem's answer decoded, what to check.
func TestEC20Faults(t *testing.T) {
	tests := []struct {
		fault string
		extra map[string]string
		step  string
		want  []string
	}{
		{"no-sim", nil, "SIM", []string{"no SIM", "+CME ERROR: 10"}},
		{"sim-pin=1234", nil, "SIM", []string{"wants its PIN", "--set pin="}},
		{"registration-denied", nil, "Network", []string{"registration denied", "+CEREG: 1,3"}},
		{"no-signal", map[string]string{"reg_timeout": "1s"}, "Network", []string{"no signal", "+CSQ: 99,99"}},
		{"server-down", nil, "Open", []string{"+QMTOPEN: 0,-1", "failed to open"}},
		{"tls-failure", nil, "Open", []string{"+QMTOPEN: 0,-1"}},
		{"bad-credentials", nil, "Connect", []string{"+QMTCONN: 0,0,4", "bad user name or password"}},
		{"drop-connection=500ms", map[string]string{"listen": "10s", "count": "0"}, "Receive", []string{"+QMTSTAT: 0,1"}},
	}
	for _, tt := range tests {
		t.Run(tt.fault, func(t *testing.T) {
			rep, err := runShipped(t, "ec20_mqtts", tt.fault, tt.extra, nil)
			t.Log(err)
			var se *luabind.ScriptError
			if !errors.As(err, &se) {
				t.Fatalf("err = %v, want a script error\nlog:\n%s", err, strings.Join(rep.lines, "\n"))
			}
			if tt.step != "" && se.Step != tt.step {
				t.Errorf("failed in step %q, want %q: %v", se.Step, tt.step, err)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("%v\ndoes not mention %q", err, w)
				}
			}
			if tt.step == "Connect" || tt.fault[:4] == "drop" {
				if !slices.Contains(rep.lines, "step Disconnect ok") {
					t.Errorf("no disconnect after a failure once connected:\n%s", strings.Join(rep.lines, "\n"))
				}
			}
		})
	}
}

func TestEC20PinUnlocks(t *testing.T) {
	rep, err := runShipped(t, "ec20_mqtts", "sim-pin=1234", map[string]string{"pin": "1234", "listen": "1ms"}, nil)
	if err != nil {
		t.Fatalf("%v\n%s", err, strings.Join(rep.lines, "\n"))
	}
}

func TestEC20NoMessageIsSuccess(t *testing.T) {
	rep, err := runShipped(t, "ec20_mqtts", "", map[string]string{"listen": "50ms"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !containsSub(rep.lines, "no message arrived within 50ms") {
		t.Fatalf("log:\n%s", strings.Join(rep.lines, "\n"))
	}
}

func containsSub(list []string, s string) bool {
	return slices.ContainsFunc(list, func(l string) bool { return strings.Contains(l, s) })
}

func TestSelftestOnTheVirtualEC20(t *testing.T) {
	rep, err := runShipped(t, "selftest", "", nil, nil)
	if err != nil {
		t.Fatalf("%v\n%s", err, strings.Join(rep.lines, "\n"))
	}
	if !containsSub(rep.lines, "selftest passed") {
		t.Fatalf("log:\n%s", strings.Join(rep.lines, "\n"))
	}
}

// A noisy line, a storm of URCs, output one byte at a time and a slow
// line must not disturb the shipped script.
func TestEC20RobustToLineTrouble(t *testing.T) {
	for _, fault := range []string{"line-noise", "urc-storm=1ms", "split", "slow-line=115200", "line-noise,urc-storm=1ms,split"} {
		t.Run(fault, func(t *testing.T) {
			rep, err := runShipped(t, "ec20_mqtts", fault, map[string]string{"listen": "10ms"}, nil)
			if err != nil {
				t.Fatalf("%v\n%s", err, strings.Join(rep.lines, "\n"))
			}
		})
	}
}

// The README's example script runs as written, against the virtual EC20
// with a slow registration, so its wait for the URC is exercised.
func TestReadmeExample(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	text := string(readme)
	start := strings.Index(text, "    -- csq.lua")
	end := strings.Index(text[start:], "\n\n    atrun run csq.lua")
	if start < 0 || end < 0 {
		t.Fatal("the README has no csq.lua example")
	}
	var src strings.Builder
	for _, l := range strings.Split(text[start:start+end], "\n") {
		src.WriteString(strings.TrimPrefix(l, "    ") + "\n")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	f, _ := sim.ParseFaults("slow-registration=200ms")
	s, err := sim.Start(ctx, sim.Options{Faults: f, Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	port, err := engine.Open(ctx, s.DevicePath, engine.SerialConfig{})
	if err != nil {
		t.Fatal(err)
	}
	conn := engine.New(port, engine.Config{})
	defer conn.Close()
	rep := &report{}
	r := luabind.NewRunner(luabind.Options{Conn: conn, Report: rep, Getenv: func(string) string { return "" }})
	if _, err := r.Run(ctx, luabind.Script{Name: "csq.lua", Source: []byte(src.String())}); err != nil {
		t.Fatalf("%v\n%s", err, strings.Join(rep.lines, "\n"))
	}
	if !containsSub(rep.lines, "network says +CEREG: 1: ") {
		t.Errorf("the script did not wait for the registration URC:\n%s", strings.Join(rep.lines, "\n"))
	}
	if len(rep.prints) != 1 || rep.prints[0] != `{"csq":24,"registered":true}` {
		t.Fatalf("prints %q\n%s", rep.prints, strings.Join(rep.lines, "\n"))
	}
}

// Mutual TLS: the broker asks for a client certificate; with one the
// sequence goes through (seclevel 2), without one the handshake fails.
func TestEC20MutualTLS(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	s, err := sim.Start(ctx, sim.Options{Dir: t.TempDir(), Broker: sim.BrokerOptions{RequireClientCert: true}})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	leaf, err := s.Broker.(*broker.Embedded).CA().IssueClient("dev1")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	cert, key := filepath.Join(dir, "client.pem"), filepath.Join(dir, "client.key")
	if err := os.WriteFile(cert, leaf.CertPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(key, leaf.KeyPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	rep, err := runOn(ctx, t, s, "ec20_mqtts", map[string]string{"client_cert": cert, "client_key": key, "listen": "10ms"}, nil)
	if err != nil {
		t.Fatalf("with a client certificate: %v\n%s", err, strings.Join(rep.lines, "\n"))
	}
	_, err = runOn(ctx, t, s, "ec20_mqtts", map[string]string{"listen": "10ms"}, nil)
	if err == nil || !strings.Contains(err.Error(), "+QMTOPEN: 0,-1") {
		t.Fatalf("without a client certificate: %v", err)
	}
}

// A client left open by an earlier run that stopped half way is closed
// before the new one opens.
func TestEC20ClosesAClientLeftOpen(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	s, err := sim.Start(ctx, sim.Options{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	// The earlier run opened the link to the broker, then stopped.
	port, err := engine.Open(ctx, s.DevicePath, engine.SerialConfig{})
	if err != nil {
		t.Fatal(err)
	}
	host, p, _ := strings.Cut(s.BrokerAddr, ":")
	c := engine.New(port, engine.Config{})
	if _, err := c.Send(ctx, fmt.Sprintf(`AT+QMTOPEN=0,"%s",%s`, host, p)); err != nil {
		t.Fatal(err)
	}
	if u, err := c.WaitURC(ctx, engine.Prefix("+QMTOPEN:"), 10*time.Second); err != nil || u.Text != "+QMTOPEN: 0,0" {
		t.Fatalf("%+v %v", u, err)
	}
	c.Close()
	rep, err := runOn(ctx, t, s, "ec20_mqtts", map[string]string{"listen": "10ms"}, nil)
	if err != nil {
		t.Fatalf("%v\n%s", err, strings.Join(rep.lines, "\n"))
	}
	if !containsSub(rep.lines, "client 0 is still open from an earlier run") {
		t.Fatalf("the open client was not noticed:\n%s", strings.Join(rep.lines, "\n"))
	}
}
