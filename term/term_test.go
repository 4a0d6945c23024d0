package term

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/atrun/atrun/engine/enginetest"
	"github.com/atrun/atrun/engine/transcript"
	"github.com/atrun/atrun/luabind"
	"github.com/atrun/atrun/replay"
	"github.com/atrun/atrun/sim"
	"github.com/atrun/atrun/simproc"
	"github.com/atrun/atrun/simproc/inproc"
)

// syncBuffer collects output written from several goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// startSim starts a virtual EC20 for one test.
func startSim(t testing.TB) *sim.Sim {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	v, err := sim.Start(ctx, sim.Options{Reply: SimReply, Dir: t.TempDir()})
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	t.Cleanup(func() { v.Close(); cancel() })
	return v
}

// inprocSim starts the virtual EC20 of a --sim session in this process.
func inprocSim(t testing.TB) func(context.Context) (simproc.Modem, func() error, error) {
	start := inproc.Starter(sim.Options{Reply: SimReply, Dir: t.TempDir()})
	return func(ctx context.Context) (simproc.Modem, func() error, error) { return start(ctx, "", "") }
}

// runPipe runs a piped session on port with the given input lines.
func runPipe(t *testing.T, o Options, lines ...string) (string, error) {
	t.Helper()
	var out syncBuffer
	o.In, o.Out, o.Err = strings.NewReader(strings.Join(lines, "\n")+"\n"), &out, io.Discard
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	err := Run(ctx, o)
	return out.String(), err
}

func TestPipeDecodesAnswers(t *testing.T) {
	out, err := runPipe(t, Options{Sim: inprocSim(t)}, ":help", "AT", "AT+CSQ", "AT+CPIN?", "AT+QMTCONN=9", "AT+CMEE=1", "AT+QFDEL=\"UFS:none.txt\"")
	var fe *FailedError
	if !errors.As(err, &fe) || fe.Failed != 2 || fe.Total != 6 {
		t.Fatalf("want 2 of 6 failed, got %v\n%s", err, out)
	}
	for _, want := range []string{
		"virtual EC20 on /dev/pts/",
		"> AT+CSQ",
		"dBm",                        // the signal decoded
		"(SIM ready, no PIN needed)", // the SIM state decoded
		"= OK  (",                    // a final result with its time
		"= ERROR  (",
		"= +CME ERROR: 405", // the file error
		"meaning: ",
		":export FILE.lua", // :help lists the terminal's commands
		":upload FILE [NAME]",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "\x1b") {
		t.Errorf("piped output holds terminal codes:\n%q", out)
	}
}

func TestPipeFlagsTypographicQuotes(t *testing.T) {
	v := startSim(t)
	out, err := runPipe(t, Options{Port: v.DevicePath}, "AT+QMTOPEN=0,“host”,1883", "AT")
	if !strings.Contains(out, "not sent: ") || !strings.Contains(out, "typographic") {
		t.Errorf("a command with typographic quotes is not flagged:\n%s", out)
	}
	var fe *FailedError
	if !errors.As(err, &fe) || fe.Failed != 1 {
		t.Errorf("want the refused command counted as failed, got %v", err)
	}
}

// replayGreen replays script against its transcript as atrun replay does,
// and fails the test unless it passes.
func replayGreen(t *testing.T, script, trans string) {
	t.Helper()
	src, err := os.ReadFile(script)
	if err != nil {
		t.Fatal(err)
	}
	tr, err := transcript.ReadFile(trans)
	if err != nil {
		t.Fatalf("the exported transcript does not read back: %v", err)
	}
	res, err := replay.Run(context.Background(), luabind.Script{Name: script, Source: src}, tr, replay.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Verdict != replay.Pass {
		t.Fatalf("the export does not replay: %v: %v\nscript:\n%s\ntranscript:\n%s", res.Verdict, res.Err, src, mustRead(t, trans))
	}
}

func mustRead(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestExportReplays(t *testing.T) {
	v := startSim(t)
	dir := t.TempDir()
	script := filepath.Join(dir, "s.lua")
	out, err := runPipe(t, Options{Port: v.DevicePath},
		"AT", "AT+CSQ", "AT+QFDEL=\"UFS:none.txt\"", "AT+CPIN=1234",
		":export "+script)
	if err == nil {
		t.Fatalf("the failed commands were not reported:\n%s", out)
	}
	if !strings.Contains(out, "wrote "+script) {
		t.Fatalf("no export:\n%s", out)
	}
	src := mustRead(t, script)
	for _, want := range []string{`send('AT')`, `send('AT+CSQ')`, `{allow_error = true}`, `secret("pin")`, `'AT+CPIN=' .. pin`} {
		if !strings.Contains(src, want) {
			t.Errorf("script lacks %s:\n%s", want, src)
		}
	}
	if strings.Contains(src, "1234") || strings.Contains(mustRead(t, filepath.Join(dir, "s.atr")), "1234") {
		t.Errorf("the PIN is in the export")
	}
	replayGreen(t, script, filepath.Join(dir, "s.atr"))
}

// TestMQTTSessionToScript is the whole MQTT-over-TLS sequence typed into
// the terminal, exported, and replayed: no Lua written by hand.
func TestMQTTSessionToScript(t *testing.T) {
	v := startSim(t)
	dir := t.TempDir()
	script := filepath.Join(dir, "mqtt.lua")
	host, port := hostOf(v.BrokerAddr), portOf(v.BrokerAddr)
	out, err := runPipe(t, Options{Port: v.DevicePath},
		"AT", "AT+CMEE=1", "AT+CPIN?", "AT+CSQ", "AT+CEREG?", "AT+CGATT?",
		":upload "+v.CAFile+" UFS:ca.pem",
		`AT+QMTCFG="recv/mode",0,0,1`,
		`AT+QMTCFG="ssl",0,1,2`,
		`AT+QMTCFG="version",0,4`,
		`AT+QSSLCFG="cacert",2,"UFS:ca.pem"`,
		`AT+QSSLCFG="seclevel",2,1`,
		`AT+QSSLCFG="sslversion",2,4`,
		`AT+QSSLCFG="ciphersuite",2,0xFFFF`,
		`AT+QSSLCFG="ignorelocaltime",2,1`,
		`AT+QMTOPEN=0,"`+host+`",`+port,
		":wait +QMTOPEN: 0,",
		`AT+QMTCONN=0,"dev1","`+v.Username+`","`+v.Password+`"`,
		":wait +QMTCONN: 0,",
		`AT+QMTSUB=0,1,"atrun/down",1`,
		":wait +QMTSUB: 0,1,",
		`AT+QMTPUB=0,2,1,0,"atrun/up"`,
		`{"t":21.5}`,
		":wait +QMTPUB: 0,2,",
		":wait +QMTRECV: 0,",
		"AT+QMTDISC=0",
		":wait +QMTDISC: 0,",
		":export "+script,
	)
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	for _, want := range []string{
		"stored UFS:ca.pem", "checksum", "URC +QMTOPEN: 0,0", "URC +QMTCONN: 0,0,0", "URC +QMTRECV: 0,", `{"led":"on"}`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, v.Password) {
		t.Errorf("the broker password was printed after it was typed:\n%s", out)
	}
	src := mustRead(t, script)
	for _, want := range []string{`upload('UFS:ca.pem', [`, `send_prompt('AT+QMTPUB=0,2,1,0,"atrun/up"', '{"t":21.5}')`, `wait_urc('+QMTRECV: 0,`, `secret("password")`} {
		if !strings.Contains(src, want) {
			t.Errorf("script lacks %s:\n%s", want, src)
		}
	}
	if strings.Contains(src, v.Password) || strings.Contains(mustRead(t, filepath.Join(dir, "mqtt.atr")), v.Password) {
		t.Errorf("the broker password is in the export")
	}
	replayGreen(t, script, filepath.Join(dir, "mqtt.atr"))
}

func TestRecord(t *testing.T) {
	v := startSim(t)
	rec := filepath.Join(t.TempDir(), "r.atr")
	// AT+QMTCONN fails (no connection is open): one failed command.
	out, err := runPipe(t, Options{Port: v.DevicePath}, "AT", ":record "+rec, `AT+QMTCONN=0,"c","u","hunter22"`, "AT+CSQ", ":record off", "ATI")
	var fe *FailedError
	if !errors.As(err, &fe) || fe.Failed != 1 {
		t.Fatalf("%v\n%s", err, out)
	}
	tr, err := transcript.ReadFile(rec)
	if err != nil {
		t.Fatal(err)
	}
	text := mustRead(t, rec)
	if !strings.Contains(text, `"AT+CSQ\r"`) || strings.Contains(text, `"AT\r"`) || strings.Contains(text, "ATI") {
		t.Errorf("the transcript does not hold exactly what came between :record and :record off:\n%s", text)
	}
	if strings.Contains(text, "hunter22") || strings.Contains(out, "hunter22") {
		t.Errorf("a password typed in AT+QMTCONN shows:\n%s\n%s", text, out)
	}
	if end := tr.Ending(); end.Kind != transcript.Succeeded {
		t.Errorf("the transcript ends as %v", end)
	}
}

// TestPortKinds: the terminal opens the network ports atrun run opens, a
// modem exported by ser2net as raw TCP and as RFC 2217.
func TestPortKinds(t *testing.T) {
	for _, rfc := range []bool{false, true} {
		v := startSim(t)
		s := enginetest.StartSer2netWith(context.Background(), t, v.DevicePath, enginetest.Ser2netOptions{RFC2217: rfc})
		port := "tcp://" + s.Addr
		if rfc {
			port = "rfc2217://" + s.Addr
		}
		out, err := runPipe(t, Options{Port: port}, "AT+CSQ")
		if err != nil || !strings.Contains(out, "dBm") {
			t.Errorf("%s: %v\n%s", port, err, out)
		}
	}
}

// With NoResync the first line typed is the first byte the modem gets.
func TestPipeNoResync(t *testing.T) {
	master, slave := enginetest.OpenPTY(t)
	fake := enginetest.Run(t, master, 0, enginetest.Step{Expect: "AT+CSQ\r", Reply: "AT+CSQ\r\r\n+CSQ: 19,99\r\n\r\nOK\r\n"})
	out, err := runPipe(t, Options{Port: slave, NoResync: true}, "AT+CSQ")
	if err != nil || !strings.Contains(out, "dBm") {
		t.Fatalf("%v\n%s", err, out)
	}
	if got := fake.Wrote(); got != "AT+CSQ\r" {
		t.Errorf("the modem got %q, want only the line typed", got)
	}
}
