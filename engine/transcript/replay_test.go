package transcript

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/atrun/atrun/engine/secret"
	"github.com/atrun/atrun/engine/tap"
)

// In transcriptOf bodies the first event is on line 4.

const echoSession = `0.000000 host  "AT\r"
0.002000 modem "AT\r"
0.002100 modem "\r\nOK\r\n"
0.003000 host  "AT+CPIN?\r"
0.009000 modem "AT+CPIN?\r"
0.009000 modem "\r\n+CPIN: READY\r\n"
0.009010 modem "\r\nOK\r\n"
0.010000 host  "AT+QMTPUB=0,1,1,0,\"t\"\r"
0.015000 modem "AT+QMTPUB=0,1,1,0,\"t\"\r\r\n> "
0.016000 host  "{\"temp\":21.5}\x1a"
0.030000 modem "\r\nOK\r\n"
0.030000 modem "\r\n+QMTPUB: 0,1,0\r\n"
0.031000 end
`

var echoSteps = []step{
	send("AT\r"), expectAt("AT", 2100*time.Microsecond), expectAt("OK", 2100*time.Microsecond),
	send("AT+CPIN?\r"), expectAt("AT+CPIN?", 9*ms), expectAt("+CPIN: READY", 9*ms), expectAt("OK", 9010*time.Microsecond),
	send(`AT+QMTPUB=0,1,1,0,"t"` + "\r"), expect(`AT+QMTPUB=0,1,1,0,"t"`), expectAt(">", 15*ms),
	send("{\"temp\":21.5}\x1a"), expectAt("OK", 30*ms), expectAt("+QMTPUB: 0,1,0", 30*ms),
}

// Answers arrive in order and at their recorded times, whatever the size of
// the pieces Read hands out.
func TestReplayInOrder(t *testing.T) {
	for _, chunk := range []int{0, 1, 2, 5, 64} {
		t.Run(fmt.Sprintf("chunk %d", chunk), func(t *testing.T) {
			rp := NewReplay(transcriptOf(t, echoSession), Options{Chunk: chunk})
			if err, ferr := runScript(t, rp, echoSteps); err != nil || ferr != nil {
				t.Fatalf("script: %v; finish: %v", err, ferr)
			}
		})
	}
}

// Read never returns more than Chunk bytes.
func TestReplayChunks(t *testing.T) {
	rp := NewReplay(transcriptOf(t, `0 modem "\r\n+QIND: \"csq\",20,99\r\n"`), Options{})
	defer rp.Close()
	var got []int
	buf := make([]byte, 100)
	for total := 0; total < 22; {
		n, err := rp.Read(buf)
		if err != nil {
			t.Fatal(err)
		}
		got, total = append(got, n), total+n
	}
	if fmt.Sprint(got) != "[3 3 3 3 3 3 3 1]" {
		t.Errorf("chunks %v", got)
	}
}

// The modem stayed silent and the script timed out after 5 s, then tried
// again; a URC came 90 s after its command. Timeouts fire at their recorded
// virtual times, in milliseconds of real time.
func TestReplayVirtualTime(t *testing.T) {
	tests := []struct {
		name  string
		body  string
		steps []step
	}{
		{"silent modem", `0.000000 host  "AT+QMTDISC=0\r"
5.000000 host  "AT\r"
5.001000 modem "\r\nOK\r\n"
`, []step{send("AT+QMTDISC=0\r"), timeoutAt(5*time.Second, 5*time.Second),
			send("AT\r"), expectAt("OK", 5001*ms)}},
		{"late URC", `0.000000 host  "AT+QMTOPEN=0,\"h\",8883\r"
0.004000 modem "\r\nOK\r\n"
90.000000 modem "\r\n+QMTOPEN: 0,0\r\n"
`, []step{send(`AT+QMTOPEN=0,"h",8883` + "\r"), expectAt("OK", 4*ms),
			timeoutAt(60*time.Second, 60004*ms), // a shorter wait times out first
			expectAt("+QMTOPEN: 0,0", 90*time.Second),
			timeoutAt(30*time.Second, 120*time.Second), // after the last event, waits time out
		}},
		{"tie goes to the timer", `0.000000 host  "AT\r"
5.000000 modem "\r\nOK\r\n"
`, []step{send("AT\r"), timeoutAt(5*time.Second, 5*time.Second), expectAt("OK", 5*time.Second)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start := time.Now()
			rp := NewReplay(transcriptOf(t, tt.body), Options{})
			if err, ferr := runScript(t, rp, tt.steps); err != nil || ferr != nil {
				t.Fatalf("script: %v; finish: %v", err, ferr)
			}
			if real := time.Since(start); real >= 5*time.Second {
				t.Errorf("took %v of real time", real)
			}
		})
	}
}

// A script that writes before the modem bytes recorded ahead of its write
// were delivered gets them first, all at the last one's recorded time.
func TestReplayEarlyWrite(t *testing.T) {
	body := `0.000000 host  "AT\r"
0.001000 modem "\r\nOK\r\n"
0.500000 modem "\r\n+QIND: \"csq\",20,99\r\n"
1.000000 host  "AT+CSQ\r"
1.002000 modem "\r\n+CSQ: 20,99\r\n"
1.002000 modem "\r\nOK\r\n"
`
	steps := []step{send("AT\r"), send("AT+CSQ\r"),
		expectAt("OK", 500*ms), expectAt(`+QIND: "csq",20,99`, 500*ms),
		expectAt("+CSQ: 20,99", 1002*ms), expectAt("OK", 1002*ms)}
	rp := NewReplay(transcriptOf(t, body), Options{})
	if err, ferr := runScript(t, rp, steps); err != nil || ferr != nil {
		t.Fatalf("script: %v; finish: %v", err, ferr)
	}
}

// Writes are matched as a stream: chunking need not follow the recording.
func TestReplayWriteChunking(t *testing.T) {
	body := `0.000000 host  "AT+QFUPL=\"UFS:a.txt\",10\r"
0.040000 modem "\r\nCONNECT\r\n"
0.041000 host  "0123\n"
0.041000 host  "56789"
0.100000 modem "\r\n+QFUPL: 10,3b0e\r\n"
0.100000 modem "\r\nOK\r\n"
`
	steps := []step{send(`AT+QFUPL="UFS:`), send(`a.txt",10` + "\r"), expectAt("CONNECT", 40*ms),
		send("0"), send("123\n5"), send("6789"), expectAt("+QFUPL: 10,3b0e", 100*ms), expect("OK")}
	rp := NewReplay(transcriptOf(t, body), Options{})
	if err, ferr := runScript(t, rp, steps); err != nil || ferr != nil {
		t.Fatalf("script: %v; finish: %v", err, ferr)
	}
}

const cpinSession = `0.000000 host  "ATE0\r"
0.001000 modem "\r\nOK\r\n"
0.002000 host  "AT+CPIN?\r"
0.003000 modem "\r\n+CPIN: READY\r\n"
0.003000 modem "\r\nOK\r\n"
0.004000 end
`

func TestReplayMismatch(t *testing.T) {
	opening := []step{send("ATE0\r"), expect("OK")}
	full := append(opening[:2:2], send("AT+CPIN?\r"), expect("+CPIN: READY"), expect("OK"))
	tests := []struct {
		name   string
		steps  []step
		opts   Options
		kind   Mismatch // 0: no error
		line   int
		inMsg  []string
		scheck func(error) bool // the script's own error
	}{
		{name: "wrong bytes", steps: append(opening, send("AT+CSQ\r")), kind: WrongBytes, line: 6, inMsg: []string{
			"test.atr:6: replay mismatch at 0.001000s: the script wrote other bytes than the transcript holds",
			"\texpected: \"AT+CPIN?\\r\"\n\tgot:      \"AT+CSQ\\r\"\n\t               ^ first difference",
			"the transcript just before:\n\ttest.atr:4: 0.000000 host  \"ATE0\\r\"\n\ttest.atr:5: 0.001000 modem \"\\r\\nOK\\r\\n\"",
		}},
		{name: "wrong bytes in a later chunk", steps: append(opening, send("AT+C"), send("SQ\r")), kind: WrongBytes, line: 6,
			inMsg: []string{"\texpected: \"AT+CPIN?\\r\"\n\tgot:      \"AT+CSQ\\r\"\n\t               ^"}},
		{name: "extra write", steps: append(opening, send("AT\r")), kind: WrongBytes, line: 6,
			inMsg: []string{"\texpected: \"AT+CPIN?\\r\"\n\tgot:      \"AT\\r\"\n\t             ^"}},
		{name: "write after the end", steps: append(full, send("AT+QMTDISC=0\r")), kind: ExtraWrite, line: 9, inMsg: []string{
			"test.atr:9: replay mismatch at 0.003000s: the script wrote more than the transcript holds",
			"\texpected: nothing: no write is recorded after this line\n\tgot:      \"AT+QMTDISC=0\\r\"",
		}},
		{name: "ended early", steps: opening, kind: EndedEarly, line: 6, inMsg: []string{
			"test.atr:6: replay mismatch at 0.001000s: the script ended before this write of the transcript",
			"\texpected: \"AT+CPIN?\\r\"\n\tgot:      nothing: the script ended",
		}},
		{name: "ended early, allowed", steps: opening, opts: Options{AllowUnfinished: true}},
		{name: "ended mid-write", steps: append(opening, send("AT+CP")), kind: EndedEarly, line: 6,
			inMsg: []string{"\texpected: \"AT+CPIN?\\r\"\n\tgot:      \"AT+CP\"\n\t                ^"}},
		{name: "stall", steps: append(opening, waitForever()), kind: Stalled, line: 6, inMsg: []string{
			"test.atr:6: replay mismatch at 0.001000s: the script waits with no timeout, but the transcript expects it to write",
			"\texpected: \"AT+CPIN?\\r\"\n\tgot:      nothing: the script waits",
		}},
		{name: "stall mid-write", steps: append(opening, send("AT+CP"), waitForever()), kind: Stalled, line: 6,
			inMsg: []string{"\texpected: \"AT+CPIN?\\r\"\n\tgot:      \"AT+CP\"\n\t                ^"}},
		{name: "stall before the first write", steps: []step{waitForever()}, kind: Stalled, line: 4,
			inMsg: []string{"test.atr:4: replay mismatch at 0.000000s"}},
		{name: "complete", steps: full},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rp := NewReplay(transcriptOf(t, cpinSession), tt.opts)
			serr, ferr := runScript(t, rp, tt.steps)
			if tt.kind == 0 {
				if serr != nil || ferr != nil || rp.Err() != nil {
					t.Fatalf("script: %v; finish: %v", serr, ferr)
				}
				return
			}
			var me *MismatchError
			if !errors.As(ferr, &me) {
				t.Fatalf("Finish = %v, want a *MismatchError (script: %v)", ferr, serr)
			}
			if rp.Err() != ferr {
				t.Errorf("Err() = %v, want Finish's error", rp.Err())
			}
			if tt.kind != EndedEarly && !errors.Is(serr, me) {
				t.Errorf("the script saw %v, want the mismatch", serr)
			}
			if me.Kind != tt.kind || me.Line != tt.line || me.File != "test.atr" {
				t.Errorf("got %v at %s:%d, want %v at line %d", me.Kind, me.File, me.Line, tt.kind, tt.line)
			}
			for _, want := range tt.inMsg {
				if !strings.Contains(me.Error(), want) {
					t.Errorf("message\n%s\nlacks\n%s", me, want)
				}
			}
			select {
			case <-rp.Stopped():
			default:
				t.Error("Stopped not closed after a mismatch")
			}
		})
	}
}

// A transcript recorded with a secret replays against the script's real
// write: the redacted span matches whatever the script wrote there, and
// the modem's echo repeats it.
func TestReplaySecrets(t *testing.T) {
	const password = "Pa55w0rd!xyz"
	cmd := func(pw string) string { return `AT+QMTCONN=0,"dev","user","` + pw + `"` + "\r" }
	var recSecrets secret.Set
	file := record(t, Header{}, &recSecrets, []io1{
		w(0, cmd(password)),
		m(10*ms, cmd(password)[:30]), m(11*ms, cmd(password)[30:]+"\r\nOK\r\n"),
		m(800*ms, "\r\n+QMTCONN: 0,0,0\r\n"),
	}, true)
	if strings.Contains(string(file), password) {
		t.Fatalf("password in\n%s", file)
	}
	tr, err := Parse(file, "secret.atr")
	if err != nil {
		t.Fatal(err)
	}
	for _, pw := range []string{password, "another-one"} {
		for _, split := range []int{0, 25, 29, 31} {
			var chunks []step
			if split > 0 {
				chunks = []step{send(cmd(pw)[:split]), send(cmd(pw)[split:])}
			} else {
				chunks = []step{send(cmd(pw))}
			}
			steps := append(chunks, expect(strings.TrimSuffix(cmd(pw), "\r")), expectAt("OK", 11*ms),
				expectAt("+QMTCONN: 0,0,0", 800*ms))
			var s secret.Set
			rp := NewReplay(tr, Options{Secrets: &s})
			if err, ferr := runScript(t, rp, steps); err != nil || ferr != nil {
				t.Fatalf("%s split at %d: script: %v; finish: %v", pw, split, err, ferr)
			}
			if s.Redact(pw) != secret.Marker {
				t.Errorf("the replay did not learn %q", pw)
			}
		}
	}
}

// A secret written last, with no literal byte after it, matches everything
// the script writes until it waits.
func TestReplayTrailingSecret(t *testing.T) {
	body := `0.000000 host  "AT+CPIN=" <redacted>
0.000000 host  <redacted>
0.005000 modem "\r\nOK\r\n"
0.006000 host  <redacted>
0.009000 modem "\r\nOK\r\n"
`
	steps := []step{send("AT+CPIN="), send("12"), send("34\r"), expectAt("OK", 5*ms),
		send("x"), expectAt("OK", 9*ms)}
	rp := NewReplay(transcriptOf(t, body), Options{})
	if err, ferr := runScript(t, rp, steps); err != nil || ferr != nil {
		t.Fatalf("script: %v; finish: %v", err, ferr)
	}
	// A write that is only a secret waits for the script to write it.
	rp = NewReplay(transcriptOf(t, body), Options{})
	_, ferr := runScript(t, rp, []step{send("AT+CPIN=1234\r"), expect("OK"), waitForever()})
	var me *MismatchError
	if !errors.As(ferr, &me) || me.Kind != Stalled || me.Line != 7 {
		t.Fatalf("got %v, want a stall on line 7", ferr)
	}
}

// Mismatch messages never show a secret the script wrote.
func TestReplayMismatchHidesSecrets(t *testing.T) {
	var runnerSet secret.Set
	runnerSet.Add("tok3n-9f8e7d") // declared secret by the script
	for _, set := range []*secret.Set{nil, &runnerSet} {
		rp := NewReplay(transcriptOf(t, cpinSession), Options{Secrets: set})
		_, ferr := runScript(t, rp, []step{send(`AT+QMTCONN=0,"tok3n-9f8e7d","u","hunter22"` + "\r")})
		if ferr == nil || strings.Contains(ferr.Error(), "hunter22") {
			t.Fatalf("got %v", ferr)
		}
		want := `"AT+QMTCONN=0,\"tok3n-9f8e7d\",\"u\",\"" <redacted> "\"\r"`
		if set != nil {
			want = `"AT+QMTCONN=0,\"" <redacted> "\",\"u\",\"" <redacted> "\"\r"`
		}
		if !strings.Contains(ferr.Error(), want) {
			t.Errorf("message\n%v\nlacks %s", ferr, want)
		}
	}
}

// Close wakes a blocked Read with os.ErrClosed and leaves no mismatch
// behind.
func TestReplayClose(t *testing.T) {
	rp := NewReplay(transcriptOf(t, cpinSession), Options{})
	// The test stands for the session's script, busy until it closes the
	// port: without it, the reader alone going idle where the transcript
	// expects a write is a stall, and the replay could stop on that
	// before Close (1 run in about 2,000).
	rp.Clock().Busy()
	readErr := make(chan error)
	go func() {
		_, err := rp.Read(make([]byte, 8))
		readErr <- err
	}()
	rp.Close()
	if err := <-readErr; !errors.Is(err, os.ErrClosed) {
		t.Errorf("Read after Close: %v", err)
	}
	if _, err := rp.Write([]byte("ATE0\r")); !errors.Is(err, os.ErrClosed) {
		t.Errorf("Write after Close: %v", err)
	}
	if err := rp.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if rp.Err() != nil {
		t.Errorf("Err after Close = %v", rp.Err())
	}
}

// Replays share nothing: many run at once, each on its own clock.
func TestReplayParallel(t *testing.T) {
	for i := 0; i < 8; i++ {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			t.Parallel()
			tr := transcriptOf(t, echoSession)
			for j := 0; j < 5; j++ {
				rp := NewReplay(tr, Options{Chunk: 1 + (i+j)%4})
				if err, ferr := runScript(t, rp, echoSteps); err != nil || ferr != nil {
					t.Fatalf("script: %v; finish: %v", err, ferr)
				}
			}
		})
	}
}

// The recorder's output replays: record a scripted session through a tap,
// then replay the same script against the file.
func TestRecordThenReplay(t *testing.T) {
	var s secret.Set
	session := []io1{
		w(0, "ATE0\r"), m(3*ms, "ATE0\r\r\nOK\r\n"),
		w(5*ms, `AT+QMTCONN=0,"d","u","s3cret-pw"`+"\r"), m(9*ms, "\r\nOK\r\n\r\n+QMTCONN: 0,0,0\r\n"),
		m(70*time.Second, "\r\n+QMTSTAT: 0,1\r\n"),
	}
	tr, err := Parse(record(t, Header{}, &s, session, true), "rec.atr")
	if err != nil {
		t.Fatal(err)
	}
	steps := []step{send("ATE0\r"), expect("ATE0"), expectAt("OK", 3*ms),
		send(`AT+QMTCONN=0,"d","u","s3cret-pw"` + "\r"), expectAt("OK", 9*ms), expectAt("+QMTCONN: 0,0,0", 9*ms),
		expectAt("+QMTSTAT: 0,1", 70*time.Second)}
	rp := NewReplay(tr, Options{})
	if err, ferr := runScript(t, rp, steps); err != nil || ferr != nil {
		t.Fatalf("script: %v; finish: %v", err, ferr)
	}
}

// benchTranscript is 50 exchanges of 4 events: 200 events.
func benchTranscript(b *testing.B) (*Transcript, []step) {
	var buf strings.Builder
	var steps []step
	for i := 0; i < 50; i++ {
		at := time.Duration(i) * 100 * ms
		fmt.Fprintf(&buf, "%s host  \"AT+CSQ\\r\"\n", appendTime(nil, at))
		fmt.Fprintf(&buf, "%s modem \"AT+CSQ\\r\"\n", appendTime(nil, at+ms))
		fmt.Fprintf(&buf, "%s modem \"\\r\\n+CSQ: %d,99\\r\\n\"\n", appendTime(nil, at+2*ms), i%32)
		fmt.Fprintf(&buf, "%s modem \"\\r\\nOK\\r\\n\"\n", appendTime(nil, at+2*ms))
		steps = append(steps, send("AT+CSQ\r"), expect("AT+CSQ"), expect(fmt.Sprintf("+CSQ: %d,99", i%32)), expect("OK"))
	}
	return transcriptOf(b, buf.String()), steps
}

func BenchmarkReplay200Events(b *testing.B) {
	tr, steps := benchTranscript(b)
	b.ReportAllocs()
	for b.Loop() {
		rp := NewReplay(tr, Options{})
		if err, ferr := runScript(b, rp, steps); err != nil || ferr != nil {
			b.Fatalf("script: %v; finish: %v", err, ferr)
		}
	}
}

func BenchmarkRecord200Events(b *testing.B) {
	var s secret.Set
	s.Add("s3cret-pw")
	b.ReportAllocs()
	for b.Loop() {
		rec, _ := NewRecorder(discard{}, Header{Start: epoch}, &s)
		for i := 0; i < 50; i++ {
			at := epoch.Add(time.Duration(i) * 100 * ms)
			rec.Tap(tap.ToModem, at, []byte("AT+CSQ\r"))
			rec.Tap(tap.FromModem, at.Add(ms), []byte("AT+CSQ\r\r\n+CSQ: 20,99\r\n"))
			rec.Tap(tap.FromModem, at.Add(2*ms), []byte("\r\nOK\r\n"))
		}
		rec.End(epoch.Add(time.Minute))
	}
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }
