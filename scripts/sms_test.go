package scripts_test

import (
	"context"
	"errors"
	"net"
	"path/filepath"
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

// The shipped sms script on the virtual EC20 over a pty: a text to the
// SIM's own number comes back and is printed, in both alphabets.
func TestSMSSendToSelf(t *testing.T) {
	for _, tc := range []struct{ text, notify string }{
		{"hello [from] atrun", "cmti"}, {"Grüße aus atrun € 😀", "cmti"},
		{"routed, not stored", "cmt"}, {"Grüße, routed", "cmt"},
	} {
		text := tc.text
		t.Run(tc.notify+"/"+text, func(t *testing.T) {
			rep, err := runShipped(t, "sms", "", map[string]string{"to": "self", "text": text, "wait": "10s", "notify": tc.notify}, nil)
			if err != nil {
				t.Fatalf("%v\n%s", err, strings.Join(rep.lines, "\n"))
			}
			if len(rep.prints) != 1 || !strings.Contains(rep.prints[0], `"text":"`+text+`"`) ||
				!strings.Contains(rep.prints[0], `"from":"`+sim.OwnNumber+`"`) {
				t.Fatalf("prints %q", rep.prints)
			}
		})
	}
}

// A message stored before the run is listed; one the network delivers
// while the script waits is read and printed.
func TestSMSReadsStoredAndWaitsForNew(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	s, err := sim.Start(ctx, sim.Options{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Modem.DeliverSMS("+491701234567", "stored before"); err != nil {
		t.Fatal(err)
	}
	// The Receive step starts once Read has logged: deliver then.
	rep := &stepReport{started: map[string]chan struct{}{"Receive": make(chan struct{})}}
	go func() {
		select {
		case <-rep.started["Receive"]:
			s.Modem.DeliverSMS("atrun", "while waiting")
		case <-ctx.Done():
		}
	}()
	port, err := engine.Open(ctx, s.DevicePath, engine.SerialConfig{})
	if err != nil {
		t.Fatal(err)
	}
	conn := engine.New(port, engine.Config{Name: s.DevicePath})
	defer conn.Close()
	src, name, _ := scripts.Lookup("sms")
	r := luabind.NewRunner(luabind.Options{Conn: conn, Secrets: &secret.Set{}, Modules: scripts.Modules, Report: rep,
		Params: map[string]string{"wait": "20s", "urcport": "usbat"}, Getenv: func(string) string { return "" }})
	if _, err := r.Run(ctx, luabind.Script{Name: name, Source: src}); err != nil {
		t.Fatalf("%v\n%s", err, strings.Join(rep.lines, "\n"))
	}
	if len(rep.prints) != 2 || !strings.Contains(rep.prints[0], `"text":"stored before"`) ||
		!strings.Contains(rep.prints[1], `"from":"atrun","index":1`) || !strings.Contains(rep.prints[1], `"text":"while waiting"`) {
		t.Fatalf("prints %q", rep.prints)
	}
}

// stepReport is a report that also signals when a step starts.
type stepReport struct {
	report
	started map[string]chan struct{}
}

func (r *stepReport) Step(name, status string, d time.Duration, err error) {
	r.report.Step(name, status, d, err)
	if ch := r.started[name]; ch != nil && status == "start" {
		close(ch)
	}
}

// TestSMSTranscripts replays the recorded sessions of the sms script
// (testdata/transcripts/sms, each recorded with the command in its first
// lines): the script must send what was recorded and end as it ended.
func TestSMSTranscripts(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(transcriptDir, "sms", "*.atr"))
	if err != nil || len(files) < 6 {
		t.Fatalf("sms transcripts: %d found (%v)", len(files), err)
	}
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
			if !ended || (failure == "") != (res.Script == nil) {
				t.Fatalf("recorded failure %q (ended %v), replayed error %v", failure, ended, res.Script)
			}
		})
	}
}

// Each main failure ends in its step with the modem's words.
func TestSMSFailures(t *testing.T) {
	tests := []struct {
		fault string
		extra map[string]string
		step  string
		want  string
	}{
		{"no-sim", map[string]string{"to": "+491701234567"}, "SIM", "+CME ERROR: 10"},
		{"registration-denied", map[string]string{"to": "+491701234567"}, "Network", "registration denied"},
		{"", map[string]string{"to": "+491701234567", "text": strings.Repeat("ü", 71)}, "Send", "+CMS ERROR: 305"},
		{"", map[string]string{"alphabet": "gsm", "to": "+491701234567", "text": "ü"}, "Send", "alphabet=ucs2"},
		{"sms-rejected", map[string]string{"to": "+491701234567"}, "Send", "+CMS ERROR: 500 (unknown error): the network refused the message"},
	}
	for _, tt := range tests {
		t.Run(tt.step+"/"+tt.want, func(t *testing.T) {
			_, err := runShipped(t, "sms", tt.fault, tt.extra, nil)
			var se *luabind.ScriptError
			if !errors.As(err, &se) || se.Step != tt.step || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want step %s with %q", err, tt.step, tt.want)
			}
		})
	}
}

// The command families of the virtual EC20 through the engine over a pty,
// as a user's script sends them: files, clock, network queries, SMS in
// PDU mode, and the ERROR of a command it does not implement.
func TestCommandFamiliesThroughTheEngine(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	s, err := sim.Start(ctx, sim.Options{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ntpHost, ntpPort, _ := net.SplitHostPort(s.NTPAddr)
	src := `
send("ATE0")
send("AT+CMEE=2")
-- files
upload("RAM:f.txt", "line one\r\nline two", {data = true})
print(send('AT+QFLST="RAM:*"').lines[1])
local d = send('AT+QFDWL="RAM:f.txt"', {download = true})
print("download: " .. #d.data .. " bytes, " .. d.lines[#d.lines])
local fh = fields(send('AT+QFOPEN="RAM:f.txt",2').lines[1])[1]
send("AT+QFSEEK=" .. fh .. ",5,0")
print(send("AT+QFPOSITION=" .. fh).lines[1])
send("AT+QFCLOSE=" .. fh)
-- clock
send('AT+QNTP=1,"` + ntpHost + `",` + ntpPort + `')
local _, code = wait_urc("+QNTP:", "10s")
print("ntp: " .. code)
print("clock: " .. (send("AT+CCLK?").lines[1]:match('^%+CCLK: "%d%d/%d%d/%d%d,') and "ok" or "bad"))
-- network queries
send('AT+QIDNSGIP=1,"localhost"')
local _, _, err, n = wait_urc('+QIURC: "dnsgip",', "10s")
local ip = select(3, wait_urc('+QIURC: "dnsgip",', "10s"))
print("dns: " .. err .. " " .. n .. " " .. tostring(ip))
send('AT+QPING=1,"127.0.0.1",1,1')
wait_urc("+QPING:", "10s")
local sum = wait_urc("+QPING:", "10s")
print("ping: " .. sum)
print(send("AT+QNWINFO").lines[1])
-- SMS in PDU mode, to the SIM's own number
send("AT+CMGF=0")
local tpdu = "1100" .. "0B915155100010F8" .. "0000A7" .. "05" .. "E8329BFD06"
send_prompt("AT+CMGS=" .. (#tpdu / 2), "00" .. tpdu)
local _, mem, idx = wait_urc("+CMTI:", "10s")
local m = send("AT+CMGR=" .. idx)
print("pdu: " .. m.lines[1] .. " " .. m.lines[2]:sub(-12))
-- SMS routed to the host as +CMT with its text line
send("AT+CMGF=1")
send("AT+CNMI=2,2,0,0,0")
send_prompt('AT+CMGS="+15550100018"', "routed, not stored")
local cmt = {wait_urc("+CMT:", "10s")}
print("cmt: " .. cmt[2] .. " " .. cmt[#cmt])
-- not implemented
local bad = send("AT+QFOO", {allow_error = true})
print("unknown: " .. bad.final)
`
	rep, err := runSource(ctx, t, s, src)
	if err != nil {
		t.Fatalf("%v\n%s", err, strings.Join(rep.lines, "\n"))
	}
	want := []string{
		`+QFLST: "RAM:f.txt",18`,
		"download: 18 bytes, +QFDWL: 18,",
		"cmt: +15550100018 routed, not stored",
		"+QFPOSITION: 5",
		"ntp: 0",
		"clock: ok",
		"dns: 0 1 127.0.0.1",
		"ping: +QPING: 0,1,1,0,",
		`+QNWINFO: "FDD LTE","00101","LTE BAND 3",1650`,
		"pdu: +CMGR: 0,,",
		"unknown: ERROR",
	}
	got := strings.Join(rep.prints, "\n")
	for _, w := range want {
		if !strings.Contains(got, w) {
			t.Errorf("prints lack %q:\n%s", w, got)
		}
	}
	if pdu := rep.prints[8]; !strings.HasPrefix(pdu, "pdu: ") || !strings.HasSuffix(pdu, "E8329BFD06") {
		t.Errorf("the delivered PDU does not end with the text sent: %s", pdu)
	}
}

// AT+QFDWL and AT+QFREAD through the engine's download mode: the bytes
// after CONNECT come back exact, CR LF and "OK" inside them included.
func TestFileDownloadThroughTheEngine(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	s, err := sim.Start(ctx, sim.Options{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	port, err := engine.Open(ctx, s.DevicePath, engine.SerialConfig{})
	if err != nil {
		t.Fatal(err)
	}
	conn := engine.New(port, engine.Config{Name: s.DevicePath})
	defer conn.Close()
	data := []byte("one\r\nOK\r\n> two")
	if _, err := conn.Send(ctx, "ATE0"); err != nil {
		t.Fatal(err)
	}
	if _, err := conn.Upload(ctx, `AT+QFUPL="RAM:d.bin",14,10`, data); err != nil {
		t.Fatal(err)
	}
	r, err := conn.Send(ctx, `AT+QFDWL="RAM:d.bin"`, engine.Download())
	if err != nil {
		t.Fatal(err)
	}
	if string(r.Data) != string(data) || len(r.Lines) != 1 || r.Lines[0] != "+QFDWL: 14,"+sim.ChecksumString(data) {
		t.Fatalf("QFDWL data %q lines %q", r.Data, r.Lines)
	}
	r, err = conn.Send(ctx, `AT+QFOPEN="RAM:d.bin",2`)
	if err != nil {
		t.Fatal(err)
	}
	fh := strings.TrimPrefix(r.Lines[0], "+QFOPEN: ")
	r, err = conn.Send(ctx, "AT+QFREAD="+fh+",9", engine.Download())
	if err != nil || string(r.Data) != "one\r\nOK\r\n" {
		t.Fatalf("QFREAD %q %v", r, err)
	}
}

// runSource runs Lua source on a running virtual EC20 through the engine.
func runSource(ctx context.Context, t *testing.T, s *sim.Sim, src string) (*report, error) {
	t.Helper()
	port, err := engine.Open(ctx, s.DevicePath, engine.SerialConfig{})
	if err != nil {
		t.Fatal(err)
	}
	conn := engine.New(port, engine.Config{Name: s.DevicePath})
	defer conn.Close()
	rep := &report{}
	r := luabind.NewRunner(luabind.Options{Conn: conn, Port: s.DevicePath, Secrets: &secret.Set{}, Modules: scripts.Modules,
		Report: rep, Getenv: func(string) string { return "" }})
	_, err = r.Run(ctx, luabind.Script{Name: "families.lua", Source: []byte(src)})
	return rep, err
}

// BenchmarkSMSOnSim runs the shipped sms script (send to the SIM's own
// number, wait for it, read it) on the virtual EC20 over a pty, timing the
// script's run only.
func BenchmarkSMSOnSim(b *testing.B) {
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
		conn := engine.New(port, engine.Config{})
		src, name, _ := scripts.Lookup("sms")
		r := luabind.NewRunner(luabind.Options{Conn: conn, Secrets: &secret.Set{}, Modules: scripts.Modules,
			Params: map[string]string{"to": "self", "wait": "10s", "urcport": "usbat"},
			Getenv: func(string) string { return "" }})
		b.StartTimer()
		start := time.Now()
		_, err = r.Run(ctx, luabind.Script{Name: name, Source: src})
		total += time.Since(start)
		b.StopTimer()
		conn.Close()
		s.Close()
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(total.Microseconds())/float64(b.N), "script-µs")
}

// A message to another number reaches the virtual network as sent, in
// the alphabet the script chose.
func TestSMSReachesTheNetwork(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	s, err := sim.Start(ctx, sim.Options{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	sent := s.Modem.SMSSent()
	rep, err := runOn(ctx, t, s, "sms", map[string]string{"to": "+491701234567", "text": "Grüße", "read": "none"}, nil)
	if err != nil {
		t.Fatalf("%v\n%s", err, strings.Join(rep.lines, "\n"))
	}
	select {
	case <-sent:
	case <-ctx.Done():
		t.Fatal("nothing reached the network")
	}
	got := s.Modem.SentSMS()
	if len(got) != 1 || got[0].To != "+491701234567" || got[0].Text != "Grüße" || got[0].DCS != 8 {
		t.Fatalf("network got %+v", got)
	}
}
