package transcript

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/atrun/atrun/engine/secret"
	"github.com/atrun/atrun/engine/tap"
)

// io1 is one read or write of a session, at a time since the start.
type io1 struct {
	dir  tap.Dir
	at   time.Duration
	data string
}

func w(at time.Duration, s string) io1 { return io1{tap.ToModem, at, s} }
func m(at time.Duration, s string) io1 { return io1{tap.FromModem, at, s} }

const ms = time.Millisecond

// record runs a session through a fresh recorder and returns the file.
func record(t testing.TB, h Header, secrets *secret.Set, session []io1, end bool) []byte {
	t.Helper()
	var buf bytes.Buffer
	h.Start = epoch
	rec, err := NewRecorder(&buf, h, secrets)
	if err != nil {
		t.Fatal(err)
	}
	var last time.Duration
	for _, op := range session {
		rec.Tap(op.dir, epoch.Add(op.at), []byte(op.data))
		last = op.at
	}
	if end {
		if err := rec.End(epoch.Add(last + ms)); err != nil {
			t.Fatal(err)
		}
	}
	return buf.Bytes()
}

// body returns the event lines of a transcript file.
func body(file []byte) string {
	_, after, _ := strings.Cut(string(file), "\n\n")
	return after
}

func TestRecorderSplitsModemLines(t *testing.T) {
	session := []io1{
		w(0, "ATE0\r"),
		m(3910*time.Microsecond, "ATE0\r\r\nOK\r\n"),
		w(5*ms, "AT+QMTOPEN=0,\"mqtt.example.com\",8883\r"),
		m(9*ms, "\r\nOK\r\n\r\n+QMTOPEN: 0,0\r\n"),
		m(20*ms, "\r\n+CPIN: RE"),
		m(21*ms, "ADY\r\n"),
		w(30*ms, "AT+QMTPUB=0,1,1,0,\"t\"\r"),
		m(35*ms, "\r\n> "),
		w(36*ms, "{\"temp\":21.5}\x1a"),
		m(40*ms, "0\r"),
		m(41*ms, "lone LF\nnext\n"),
		m(50*ms, strings.Repeat("x", 250)),
	}
	want := `0.000000 host  "ATE0\r"
0.003910 modem "ATE0\r"
0.003910 modem "\r\nOK\r\n"
0.005000 host  "AT+QMTOPEN=0,\"mqtt.example.com\",8883\r"
0.009000 modem "\r\nOK\r\n"
0.009000 modem "\r\n+QMTOPEN: 0,0\r\n"
0.020000 modem "\r\n+CPIN: RE"
0.021000 modem "ADY\r\n"
0.030000 host  "AT+QMTPUB=0,1,1,0,\"t\"\r"
0.035000 modem "\r\n> "
0.036000 host  "{\"temp\":21.5}\x1a"
0.040000 modem "0\r"
0.041000 modem "lone LF\n"
0.041000 modem "next\n"
0.050000 modem "` + strings.Repeat("x", 100) + `"
0.050000 modem "` + strings.Repeat("x", 100) + `"
0.050000 modem "` + strings.Repeat("x", 50) + `"
0.051000 end
`
	got := body(record(t, Header{}, nil, session, true))
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

func TestRecorderHeader(t *testing.T) {
	var s secret.Set
	s.Add("hunter22")
	h := Header{
		Script: "scripts/ec20.lua", Port: "tcp://hunter22@10.0.0.1:2000", Baud: 115200, Atrun: "0.1.0",
		Params: []Param{{Name: "apn", Value: Plain("internet")}, {Name: "password", Value: Plain("hunter22")},
			{Name: "url", Value: Plain("mqtts://u:hunter22@h")}},
	}
	file := record(t, h, &s, nil, false)
	want := `atrun-transcript v3
script "scripts/ec20.lua"
port "tcp://***@10.0.0.1:2000"
baud 115200
atrun "0.1.0"
start 2026-03-02T09:15:04.250000Z
param apn "internet"
param password <redacted>
param url "mqtts://u:" <redacted> "@h"

`
	if _, got, _ := strings.Cut(string(file), "\n"); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	tr, err := Parse(file, "h.atr")
	if err != nil {
		t.Fatal(err)
	}
	if len(tr.Events) != 0 || tr.Header.Params[1].Value.String() != "<redacted>" {
		t.Errorf("parsed %+v", tr)
	}
}

// leaks reports a piece of secret, three bytes or more, found in file.
func leaks(file []byte, secrets ...string) string {
	for _, s := range secrets {
		for i := 0; i+3 <= len(s); i++ {
			if bytes.Contains(file, []byte(s[i:i+3])) {
				return s[i : i+3]
			}
		}
	}
	return ""
}

// modemStream rebuilds the modem's bytes from a transcript, with marker in
// each hole.
func modemStream(tr *Transcript, marker string) string {
	var b strings.Builder
	for _, e := range tr.Events {
		if e.Kind != Modem {
			continue
		}
		prev := 0
		for _, h := range e.Data.Holes {
			b.Write(e.Data.Bytes[prev:h])
			b.WriteString(marker)
			prev = h
		}
		b.Write(e.Data.Bytes[prev:])
	}
	return b.String()
}

// The password of AT+QMTCONN is learned from the write and caught in the
// modem's echo wherever the reads split it; a value added by the script's
// secret() is caught the same way in a URC.
func TestRecorderRedactsSplitSecrets(t *testing.T) {
	const password, token = "Pa55w0rd!xyz", "tok3n-9f8e7d"
	cmd := `AT+QMTCONN=0,"dev","user","` + password + `"` + "\r"
	tests := []struct {
		name  string
		write string
		modem string
	}{
		{"echoed password", cmd, cmd + "\r\nOK\r\n"},
		{"token in a URC", "AT\r", "\r\nOK\r\n\r\n+QMTRECV: 0,1,\"cfg\",\"" + token + "\"\r\n"},
	}
	for _, tt := range tests {
		for split := 0; split <= len(tt.modem); split++ {
			var s secret.Set
			s.Add(token)
			session := []io1{
				w(0, tt.write),
				m(ms, tt.modem[:split]),
				m(2*ms, tt.modem[split:]),
				w(3*ms, "AT\r"),
			}
			file := record(t, Header{}, &s, session, split%2 == 0)
			if leak := leaks(file, password, token); leak != "" {
				t.Fatalf("%s, split at %d: %q leaked into\n%s", tt.name, split, leak, file)
			}
			tr, err := Parse(file, "secret.atr")
			if err != nil {
				t.Fatalf("%s, split at %d: %v", tt.name, split, err)
			}
			want := strings.NewReplacer(password, "*", token, "*").Replace(tt.modem)
			if got := modemStream(tr, "*"); got != want {
				t.Fatalf("%s, split at %d: modem stream %q, want %q", tt.name, split, got, want)
			}
			// Replayed, the script's real write matches the redacted span,
			// and the echo repeats it; the token, which the script never
			// wrote, comes back as secret.Marker.
			want = strings.ReplaceAll(tt.modem, token, secret.Marker)
			xfers := []xfer{{[][]byte{[]byte(tt.write)}, len(want)}, {[][]byte{[]byte("AT\r")}, len(want)}}
			got, err := replayBytes(t, tr, Options{}, xfers)
			if err != nil || string(got) != want {
				t.Fatalf("%s, split at %d: replay: %v\ngot  %q\nwant %q", tt.name, split, err, got, want)
			}
		}
	}
}

// Only a tail of the modem stream that begins a secret waits for the next
// read; a host write and End release it, keeping its own arrival time.
func TestRecorderHoldsBackLittle(t *testing.T) {
	var s secret.Set
	s.Add("0123456789")
	var buf bytes.Buffer
	rec, err := NewRecorder(&buf, Header{Start: epoch}, &s)
	if err != nil {
		t.Fatal(err)
	}
	rec.Tap(tap.FromModem, epoch.Add(ms), []byte("\r\n+CSQ: 20,99\r\n"))
	if got := body(buf.Bytes()); got != `0.001000 modem "\r\n+CSQ: 20,99\r\n"`+"\n" {
		t.Errorf("a read that cannot begin a secret waited: %q", got)
	}
	rec.Tap(tap.FromModem, epoch.Add(2*ms), []byte("\r\n+X: 0,012"))
	want := `0.001000 modem "\r\n+CSQ: 20,99\r\n"
0.002000 modem "\r\n+X: 0,"
`
	if got := body(buf.Bytes()); got != want {
		t.Errorf("after a read ending in a secret's start:\n%s\nwant\n%s", got, want)
	}
	rec.Tap(tap.ToModem, epoch.Add(5*ms), []byte("AT\r"))
	want += `0.002000 modem "012"
0.005000 host  "AT\r"
`
	if got := body(buf.Bytes()); got != want {
		t.Errorf("after a write:\n%s\nwant\n%s", got, want)
	}
	rec.Tap(tap.FromModem, epoch.Add(6*ms), []byte("\r\nOK"))
	rec.End(epoch.Add(7 * ms))
	want += `0.006000 modem "\r\nOK"
0.007000 end
`
	if got := body(buf.Bytes()); got != want {
		t.Errorf("after End:\n%s\nwant\n%s", got, want)
	}
	rec.Tap(tap.ToModem, epoch.Add(8*ms), []byte("AT\r"))
	if got := body(buf.Bytes()); got != want {
		t.Errorf("Tap after End wrote %s", got)
	}
}

type failWriter struct{ n int }

func (f *failWriter) Write(p []byte) (int, error) {
	if f.n == 0 {
		return 0, errors.New("disk full")
	}
	f.n--
	return len(p), nil
}

func TestRecorderWriteError(t *testing.T) {
	if _, err := NewRecorder(&failWriter{}, Header{}, nil); err == nil {
		t.Error("NewRecorder ignored a failing header write")
	}
	rec, err := NewRecorder(&failWriter{n: 1}, Header{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	rec.Tap(tap.ToModem, time.Now(), []byte("AT\r"))
	if rec.Err() == nil || rec.End(time.Now()) == nil {
		t.Error("write error not reported")
	}
	if _, err := NewRecorder(&bytes.Buffer{}, Header{Params: []Param{{Name: "", Value: Plain("x")}}}, nil); err == nil {
		t.Error("NewRecorder accepted a nameless parameter")
	}
}

// A recording cut anywhere between two events (a crash, a kill) reads back
// as the events before the cut.
func TestRecordingCutShort(t *testing.T) {
	var s secret.Set
	session := []io1{
		w(0, "ATE0\r"), m(ms, "ATE0\r\r\nOK\r\n"),
		w(2*ms, `AT+QMTCONN=0,"d","u","secretpw"`+"\r"), m(3*ms, "\r\nOK\r\n\r\n+QMTCONN: 0,0,0\r\n"),
		w(4*ms, "AT\r"), m(5*ms, "\r\nOK\r\n"),
	}
	file := record(t, Header{Script: "x.lua"}, &s, session, false)
	lines := strings.SplitAfter(string(file), "\n")
	events := 0
	for i := range lines {
		if i < 2 {
			continue // not even the magic line
		}
		tr, err := Parse([]byte(strings.Join(lines[:i], "")), "cut.atr")
		if err != nil {
			t.Fatalf("cut after %d lines: %v", i, err)
		}
		if len(lines[i-1]) > 0 && lines[i-1][0] >= '0' && lines[i-1][0] <= '9' {
			events++
		}
		if len(tr.Events) != events {
			t.Fatalf("cut after %d lines: %d events, want %d", i, len(tr.Events), events)
		}
	}
	if events != 8 {
		t.Fatalf("recorded %d events, want 8", events)
	}
}

// helperEnv makes the test binary a recorder that a test kills.
const helperEnv = "ATRUN_TRANSCRIPT_RECORD_HELPER"

func TestMain(m *testing.M) {
	if path := os.Getenv(helperEnv); path != "" {
		recordUntilKilled(path)
		return
	}
	os.Exit(m.Run())
}

// recordUntilKilled records a few events into path, says "ready" on stdout
// and waits: SIGINT makes it end the transcript and exit 130, as the CLI
// does on Ctrl+C; SIGKILL just kills it.
func recordUntilKilled(path string) {
	f, err := os.Create(path)
	if err != nil {
		fmt.Println(err)
		os.Exit(2)
	}
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt)
	var s secret.Set
	s.Add("tok3n-9f8e7d")
	rec, err := NewRecorder(f, Header{Script: "helper.lua", Start: epoch}, &s)
	if err != nil {
		fmt.Println(err)
		os.Exit(2)
	}
	for i := 0; i < 5; i++ {
		at := epoch.Add(time.Duration(i) * ms)
		rec.Tap(tap.ToModem, at, []byte("AT+CSQ\r"))
		rec.Tap(tap.FromModem, at.Add(ms/2), []byte("\r\n+CSQ: "+strconv.Itoa(i)+",99\r\n\r\nOK\r\n"))
	}
	fmt.Println("ready")
	<-sig
	rec.End(epoch.Add(time.Second))
	f.Close()
	os.Exit(130)
}

func TestRecordingKilled(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no SIGINT to send on windows")
	}
	for _, tt := range []struct {
		sig     os.Signal
		wantEnd bool
	}{{os.Interrupt, true}, {syscall.SIGKILL, false}} {
		t.Run(tt.sig.String(), func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "killed.atr")
			cmd := exec.Command(os.Args[0], "-test.run=^$")
			cmd.Env = append(os.Environ(), helperEnv+"="+path)
			out, err := cmd.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			line, _ := bufio.NewReader(out).ReadString('\n')
			if line != "ready\n" {
				cmd.Process.Kill()
				cmd.Wait()
				t.Fatalf("helper said %q", line)
			}
			if err := cmd.Process.Signal(tt.sig); err != nil {
				t.Fatal(err)
			}
			err = cmd.Wait()
			var exit *exec.ExitError
			if !errors.As(err, &exit) {
				t.Fatalf("helper exit: %v", err)
			}
			if tt.wantEnd && exit.ExitCode() != 130 {
				t.Fatalf("helper exit code %d, want 130", exit.ExitCode())
			}
			tr, err := ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			hosts, ends := 0, 0
			for _, e := range tr.Events {
				switch e.Kind {
				case Host:
					hosts++
				case End:
					ends++
				}
			}
			if hosts != 5 || (ends == 1) != tt.wantEnd {
				t.Errorf("%d host writes and %d end events in\n%s", hosts, ends, modemStream(tr, "*"))
			}
			// The last read cannot begin a secret, so nothing of it was
			// held back: even a killed recording has it.
			if !strings.HasSuffix(modemStream(tr, "*"), "4,99\r\n\r\nOK\r\n") {
				t.Errorf("the last read is missing:\n%s", modemStream(tr, "*"))
			}
		})
	}
}
