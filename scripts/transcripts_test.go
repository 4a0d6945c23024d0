package scripts_test

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/atrun/atrun/engine/transcript"
	"github.com/atrun/atrun/luabind"
	"github.com/atrun/atrun/replay"
	"github.com/atrun/atrun/scripts"
	"github.com/atrun/atrun/session"
	"github.com/atrun/atrun/sim"
	"github.com/atrun/atrun/sim/broker"
	"github.com/atrun/atrun/simproc"
	"github.com/atrun/atrun/simproc/inproc"
)

// update re-records testdata/transcripts from the virtual EC20:
//
//	go test ./scripts -run TestRecordTranscripts -update
var update = flag.Bool("update", false, "re-record testdata/transcripts from the virtual EC20")

const transcriptDir = "../testdata/transcripts"

// recordings are the sessions of the shipped script kept for CI, each with
// the sim's faults and parameters that make it, and the failure it must end
// with ("" for success).
var recordings = []struct {
	name   string
	faults string
	params map[string]string
	want   string
}{
	{"ec20_happy", "", map[string]string{"listen": "5s", "downlink": "1"}, ""},
	{"ec20_no_sim", "no-sim", nil, "no SIM"},
	{"ec20_never_registers", "slow-registration=1h", map[string]string{"reg_timeout": "2s"}, "not registered after 2s"},
	{"ec20_registration_denied", "registration-denied", nil, "registration denied"},
	{"ec20_qmtopen_failed", "server-down", nil, "+QMTOPEN: 0,-1"},
	{"ec20_bad_password", "bad-credentials", nil, "+QMTCONN: 0,0,4"},
	{"ec20_link_dropped", "drop-connection=300ms", map[string]string{"listen": "5s", "count": "0"}, "+QMTSTAT: 0,1"},
	{"ec20_no_message", "", map[string]string{"listen": "200ms"}, ""},
	{"ec20_upload_exists", "stale-file=RAM:cacert.pem,delete-fails", map[string]string{"listen": "10ms"}, ""},
	{"ec20_checksum_mismatch", "upload-corrupt", nil, "checksum mismatch"},
	{"ec20_qmtopen_pdp", "pdp-failure", nil, "+QMTOPEN: 0,3"},
	{"ec20_publish_failed", "publish-fail", nil, "0,1,2: client 0: publish msgid 1: failed to send"},
	{"ec20_happy_qmtpub", "", map[string]string{"listen": "5s", "downlink": "1", "publish": "qmtpub"}, ""},
}

// TestTranscripts replays every recorded session with the shipped script:
// the script must send what was recorded and end as the recording ended.
// They hold the files the script read, so they replay from any folder.
func TestTranscripts(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(transcriptDir, "*.atr"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no transcripts in %s (%v)", transcriptDir, err)
	}
	for i, f := range files {
		if files[i], err = filepath.Abs(f); err != nil {
			t.Fatal(err)
		}
	}
	t.Chdir(t.TempDir())
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
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
			if res.Virtual <= 0 || res.Recorded <= 0 {
				t.Fatalf("virtual %v recorded %v", res.Virtual, res.Recorded)
			}
		})
	}
}

func replayFile(t testing.TB, tr *transcript.Transcript) *replay.Result {
	t.Helper()
	src, name, err := scripts.Lookup(tr.Header.Script)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	res, err := replay.Run(ctx, luabind.Script{Name: name, Source: src}, tr, replay.Options{Modules: scripts.Modules})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// TestRecordTranscripts records the sessions of `recordings` against the
// virtual EC20 and one broker, whose CA is kept beside them.
func TestRecordTranscripts(t *testing.T) {
	if !*update {
		t.Skip("run with -update to re-record testdata/transcripts")
	}
	if err := os.MkdirAll(transcriptDir, 0o755); err != nil {
		t.Fatal(err)
	}
	// The sessions run from the repository's root, so that the CA file
	// they read is named as a user there would name it.
	t.Chdir("..")
	b, err := broker.Start(broker.Options{Dir: "testdata/transcripts", Password: "s3cret-sim"})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	for _, rec := range recordings {
		t.Run(rec.name, func(t *testing.T) {
			failure := record(t, b, rec.name, rec.faults, rec.params)
			if rec.want == "" && failure != "" || !strings.Contains(failure, rec.want) {
				t.Fatalf("ended with %q, want %q", failure, rec.want)
			}
		})
	}
}

// record runs ec20_mqtts against a sim using broker b and writes the
// session to testdata/transcripts/<name>.atr through the recorder of
// atrun run (session.Run), as a user's --record would. It returns the
// failure.
func record(t *testing.T, b *broker.Embedded, name, faults string, extra map[string]string) string {
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
		"ca_cert": "testdata/transcripts/ca.pem", "client_id": "dev1", "pub_topic": "dev1/up", "sub_topic": "dev1/down",
		"urcport": "usbat",
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
	virt := inProcess(sim.Options{Faults: f, Broker: sim.BrokerOptions{
		URL: b.URL(), CAFile: b.CAFile(), Username: b.Username(), Password: b.Password()}}, ready)
	src, full, _ := scripts.Lookup("ec20_mqtts")
	file := filepath.Join("testdata/transcripts", name+".atr")
	_, runErr := session.Run(ctx, session.Job{
		Script: luabind.Script{Name: full, Source: src}, Params: params, Sim: virt, Baud: 115200,
		Record: file, Version: "dev", Start: time.Now(), Getenv: func(string) string { return "" },
	})
	var se *session.SetupError
	if errors.As(runErr, &se) {
		t.Fatal(runErr)
	}
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	head := fmt.Sprintf("# The shipped ec20_mqtts script on the virtual EC20 (faults: %s).\n# Re-record with: go test ./scripts -run TestRecordTranscripts -update\n", orNone(faults))
	if err := os.WriteFile(file, append([]byte(head), data...), 0o644); err != nil {
		t.Fatal(err)
	}
	if runErr != nil {
		return runErr.Error()
	}
	return ""
}

// inProcess is a run's virtual modem started in this process, with ready
// (when set) given the simulator itself once it is up, as the tests that
// play the broker's side need.
func inProcess(opts sim.Options, ready func(context.Context, *sim.Sim)) *session.Sim {
	var started *sim.Sim // set by Start, read by Ready on the run's goroutine
	v := &session.Sim{Start: func(ctx context.Context, username, password string) (simproc.Modem, func() error, error) {
		o := opts
		o.Broker.Username, o.Broker.Password = username, password
		s, err := sim.Start(ctx, o)
		if err != nil {
			return simproc.Modem{}, nil, err
		}
		started = s
		return inproc.Describe(s, o, 1), s.Close, nil
	}}
	if ready != nil {
		v.Ready = func(ctx context.Context, _ simproc.Modem) { ready(ctx, started) }
	}
	return v
}

// answerUplink plays the application behind the broker: when the modem's
// message arrives, it sends a command down. It subscribes before it
// returns, so that it is listening before the script runs: subscribing
// from a goroutine could miss an uplink published first.
func answerUplink(ctx context.Context, s *sim.Sim) {
	sub, err := s.Broker.Subscribe(ctx, "dev1/up")
	if err != nil {
		return
	}
	go func() {
		if _, err := sub.Next(ctx); err == nil {
			s.Broker.Publish(ctx, "dev1/down", []byte(`{"led":"on"}`), 0, false)
		}
	}()
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}
