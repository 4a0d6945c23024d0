package scripts_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/atrun/atrun/engine"
	"github.com/atrun/atrun/engine/transcript"
	"github.com/atrun/atrun/luabind"
	"github.com/atrun/atrun/replay"
	"github.com/atrun/atrun/scripts"
	"github.com/atrun/atrun/session"
	"github.com/atrun/atrun/sim"
	"github.com/atrun/atrun/sim/broker"
)

// familyRecordings are the sessions of the SIMCom and u-blox scripts kept
// for CI (replayed by TestTranscripts with every other .atr), each with
// the model, the faults and parameters that make it, and the failure it
// must end with ("" for success). Re-record with
//
//	go test ./scripts -run TestRecordFamilies -update
var familyRecordings = []struct {
	name   string
	model  string
	faults string
	params map[string]string
	want   string
}{
	{"simcom_happy", sim.ModelSIMCom, "", map[string]string{"listen": "5s", "downlink": "1"}, ""},
	{"simcom_bad_password", sim.ModelSIMCom, "bad-credentials", nil, "+CMQTTCONNECT: 0,30"},
	{"simcom_server_down", sim.ModelSIMCom, "server-down", nil, "+CMQTTCONNECT: 0,3"},
	{"simcom_tls_failure", sim.ModelSIMCom, "tls-failure", nil, "+CMQTTCONNECT: 0,32"},
	{"simcom_link_dropped", sim.ModelSIMCom, "drop-connection=300ms", map[string]string{"listen": "5s", "count": "0"}, "+CMQTTCONNLOST: 0,1"},
	{"simcom_publish_failed", sim.ModelSIMCom, "publish-fail", nil, "+CMQTTPUB: 0,16"},
	{"simcom_no_sim", sim.ModelSIMCom, "no-sim", nil, "no SIM"},
	{"ublox_happy", sim.ModelUblox, "", map[string]string{"listen": "5s", "downlink": "1"}, ""},
	{"ublox_bad_password", sim.ModelUblox, "bad-credentials", nil, "+UMQTTER: 1,4"},
	{"ublox_server_down", sim.ModelUblox, "server-down", nil, "+UMQTTER: 2,2"},
	{"ublox_tls_failure", sim.ModelUblox, "tls-failure", nil, "+UMQTTER: 2,3"},
	{"ublox_link_dropped", sim.ModelUblox, "drop-connection=300ms", map[string]string{"listen": "5s", "count": "0"}, "+UUMQTTC: 0,101"},
	{"ublox_publish_failed", sim.ModelUblox, "publish-fail", nil, "+UUMQTTC: 9,0"},
	{"ublox_registration_denied", sim.ModelUblox, "registration-denied", nil, "registration denied"},
}

// TestFamilies runs each family's script against its virtual modem and
// the embedded broker over real TLS: the message published arrives at
// the broker, and the broker's reply arrives at the script.
func TestFamilies(t *testing.T) {
	if testing.Short() {
		t.Skip("talks to a broker over TLS")
	}
	b, err := broker.Start(broker.Options{Dir: t.TempDir(), Password: "s3cret-sim"})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	for _, rec := range familyRecordings {
		t.Run(rec.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), rec.name+".atr")
			failure := recordFamily(t, b, out, b.CAFile(), rec.model, rec.faults, rec.params)
			if (rec.want == "") != (failure == "") || !strings.Contains(failure, rec.want) {
				t.Fatalf("ended with %q, want %q", failure, rec.want)
			}
			tr, err := transcript.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			if res := replayFile(t, tr); res.Verdict != replay.Pass || res.Script == nil != (failure == "") {
				t.Fatalf("replay of the fresh recording: verdict %s, %v", res.Verdict, res.Err)
			}
		})
	}
}

// TestRecordFamilies re-records the family transcripts: one folder per
// family (testdata/transcripts/simcom, .../ublox), each with the CA of the
// broker it was recorded against.
func TestRecordFamilies(t *testing.T) {
	if !*update {
		t.Skip("run with -update to re-record testdata/transcripts")
	}
	// The sessions run from the repository's root, so that the CA file
	// they read is named as a user there would name it.
	t.Chdir("..")
	brokers := map[string]*broker.Embedded{}
	for _, rec := range familyRecordings {
		dir := filepath.Join("testdata/transcripts", rec.model)
		b := brokers[rec.model]
		if b == nil {
			if err := os.MkdirAll(dir, 0o755); err != nil {
				t.Fatal(err)
			}
			var err error
			if b, err = broker.Start(broker.Options{Dir: dir, Password: "s3cret-sim"}); err != nil {
				t.Fatal(err)
			}
			defer b.Close()
			brokers[rec.model] = b
		}
		t.Run(rec.name, func(t *testing.T) {
			failure := recordFamily(t, b, filepath.Join(dir, rec.name+".atr"), b.CAFile(), rec.model, rec.faults, rec.params)
			if (rec.want == "") != (failure == "") || !strings.Contains(failure, rec.want) {
				t.Fatalf("ended with %q, want %q", failure, rec.want)
			}
		})
	}
}

// TestFamilyTranscripts replays every recorded SIMCom and u-blox session
// with its shipped script: the script must send what was recorded and end
// as the recording ended.
func TestFamilyTranscripts(t *testing.T) {
	models := map[string]bool{}
	for _, rec := range familyRecordings {
		models[rec.model] = true
	}
	for model := range models {
		dir := filepath.Join(transcriptDir, model)
		files, _ := filepath.Glob(filepath.Join(dir, "*.atr"))
		if len(files) == 0 {
			t.Errorf("no transcripts in %s", dir)
		}
		for _, file := range files {
			t.Run(model+"/"+filepath.Base(file), func(t *testing.T) {
				tr, err := transcript.ReadFile(file)
				if err != nil {
					t.Fatal(err)
				}
				res := replayFile(t, tr)
				if res.Verdict != replay.Pass {
					t.Fatalf("%s: %v", res.Verdict, res.Err)
				}
				failure, ended := tr.Outcome()
				if !ended {
					t.Fatal("the transcript has no end line")
				}
				if (failure == "") != (res.Script == nil) {
					t.Fatalf("recorded failure %q, replayed error %v", failure, res.Script)
				}
			})
		}
	}
}

// familyScript is the shipped script of each model.
var familyScript = map[string]string{sim.ModelSIMCom: "simcom_mqtts", sim.ModelUblox: "ublox_mqtts"}

// recordFamily runs the model's script against a sim of that model using
// broker b through the recorder of atrun run (session.Run), as a user's
// --record would, writing the session to out. It returns the failure.
func recordFamily(t *testing.T, b *broker.Embedded, out, ca, model, faults string, extra map[string]string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	f, err := sim.ParseFaults(faults)
	if err != nil {
		t.Fatal(err)
	}
	host, port, _ := strings.Cut(b.Addr(), ":")
	params := map[string]string{
		"host": host, "port": port, "username": b.Username(), "password": b.Password(),
		"ca_cert": ca, "client_id": "dev1", "pub_topic": "dev1/up", "sub_topic": "dev1/down",
	}
	downlink := extra["downlink"] == "1"
	for k, v := range extra {
		if k != "downlink" {
			params[k] = v
		}
	}
	var ready func(context.Context, *sim.Sim)
	if downlink {
		ready = answerUplink
	}
	virt := inProcess(sim.Options{Model: model, Faults: f, Broker: sim.BrokerOptions{
		URL: b.URL(), CAFile: b.CAFile(), Username: b.Username(), Password: b.Password()}}, ready)
	script := familyScript[model]
	src, full, _ := scripts.Lookup(script)
	_, runErr := session.Run(ctx, session.Job{
		Script: luabind.Script{Name: full, Source: src}, Params: params, Sim: virt, Baud: 115200,
		Record: out, Version: "dev", Start: time.Now(), Getenv: func(string) string { return "" },
	})
	var se *session.SetupError
	if errors.As(runErr, &se) {
		t.Fatal(runErr)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	head := fmt.Sprintf("# The shipped %s script on the virtual %s (faults: %s).\n# Re-record with: go test ./scripts -run TestRecordFamilies -update\n",
		script, sim.ModelTitle(model), orNone(faults))
	if err := os.WriteFile(out, append([]byte(head), data...), 0o644); err != nil {
		t.Fatal(err)
	}
	if runErr != nil {
		return runErr.Error()
	}
	return ""
}

// prints keeps what a script prints.
type prints struct {
	mu    sync.Mutex
	lines []string
}

func (p *prints) Log(string, string, string)                {}
func (p *prints) Step(string, string, time.Duration, error) {}
func (p *prints) Progress(string, int, int)                 {}
func (p *prints) Notice(string)                             {}
func (p *prints) Dropped(engine.DropReport)                 {}
func (p *prints) Print(text string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.lines = append(p.lines, text)
}

// TestFamiliesLongMessage: a downlink longer than one +CMQTTRXPAYLOAD
// part, holding what a line framer would cut at (CR LF, OK, a prompt, a
// quote), arrives whole on both families: the engine reads the parts and
// the u-blox read answer by their announced lengths.
func TestFamiliesLongMessage(t *testing.T) {
	if testing.Short() {
		t.Skip("talks to a broker over TLS")
	}
	payload := strings.Repeat(`x"y,z`, 400) + "\r\nOK\r\n> \r\nERROR\r\n" + strings.Repeat("0123456789", 80)
	for _, model := range []string{sim.ModelSIMCom, sim.ModelUblox} {
		t.Run(model, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			defer cancel()
			virt := inProcess(sim.Options{Model: model}, func(ctx context.Context, s *sim.Sim) {
				// Listening before the script runs (see answerUplink).
				sub, err := s.Broker.Subscribe(ctx, "dev1/up")
				if err != nil {
					return
				}
				go func() {
					if _, err := sub.Next(ctx); err == nil {
						s.Broker.Publish(ctx, "dev1/down", []byte(payload), 1, false)
					}
				}()
			})
			src, full, _ := scripts.Lookup(familyScript[model])
			out := &prints{}
			_, err := session.Run(ctx, session.Job{
				Script: luabind.Script{Name: full, Source: src}, Sim: virt, Baud: 115200, Report: out,
				Params: map[string]string{"client_id": "dev1", "pub_topic": "dev1/up", "sub_topic": "dev1/down",
					"listen": "10s", "sub_qos": "1"},
				Getenv: func(string) string { return "" },
			})
			if err != nil {
				t.Fatal(err)
			}
			out.mu.Lock()
			defer out.mu.Unlock()
			if len(out.lines) != 1 || out.lines[0] != "dev1/down "+payload {
				t.Fatalf("printed %d lines (first %d bytes: %.80q ... %.80q); want the %d-byte message whole", len(out.lines), len(out.lines[0]), out.lines[0], out.lines[0][max(0, len(out.lines[0])-80):], len(payload))
			}
		})
	}
}
