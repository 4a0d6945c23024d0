package replay

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/atrun/atrun/engine/transcript"
	"github.com/atrun/atrun/luabind"
)

// transcriptOf builds a transcript: the script sends AT and gets OK, then
// the session ends with failure ("" for success); ended false leaves the
// end line out.
func transcriptOf(t *testing.T, failure string, ended bool) *transcript.Transcript {
	t.Helper()
	src := "atrun-transcript v1\nparam pw <redacted>\n0.000000 host  \"AT\\r\"\n0.010000 modem \"\\r\\nOK\\r\\n\"\n"
	if ended {
		src += "0.020000 end"
		if failure != "" {
			src += " \"" + strings.ReplaceAll(failure, `"`, `\"`) + "\""
		}
		src += "\n"
	}
	tr, err := transcript.Parse([]byte(src), "t.atr")
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

func TestVerdicts(t *testing.T) {
	ok := `send("AT")`
	fails := `send("AT") fail("no luck")`
	tests := []struct {
		name    string
		script  string
		failure string
		ended   bool
		want    Verdict
		message string
	}{
		{"success as recorded", ok, "", true, Pass, ""},
		{"failure as recorded, its line moved", fails, "old.lua:99: no luck", true, Pass, ""},
		{"failed where the recording did not", fails, "", true, Failed, "failed where the recorded session succeeded"},
		{"succeeded where the recording failed", ok, "x.lua:1: no luck", true, Failed, "the script succeeded"},
		{"another failure", fails, "x.lua:1: bad luck", true, Failed, "but the recorded session failed with"},
		{"a cut recording fails a failing script", fails, "", false, Failed, "s.lua:1: no luck\n(the transcript records no outcome"},
		{"a cut recording passes a script that succeeds", ok, "", false, Pass, ""},
		{"sends something else", `send("ATI")`, "", true, Mismatch, "replay mismatch"},
		{"ends early", ``, "", true, Mismatch, "ended"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := Run(context.Background(), luabind.Script{Name: "s.lua", Source: []byte(tt.script)}, transcriptOf(t, tt.failure, tt.ended), Options{})
			if err != nil {
				t.Fatal(err)
			}
			if res.Verdict != tt.want {
				t.Fatalf("verdict %v (%v), want %v", res.Verdict, res.Err, tt.want)
			}
			if tt.message != "" && (res.Err == nil || !strings.Contains(res.Err.Error(), tt.message)) {
				t.Fatalf("err %v, want it to say %q", res.Err, tt.message)
			}
			var mm *transcript.MismatchError
			if tt.want == Mismatch && !errors.As(res.Err, &mm) {
				t.Fatalf("a mismatch verdict without a *MismatchError: %T", res.Err)
			}
		})
	}
}

// A redacted parameter replays as a placeholder the script can use.
func TestRedactedParamsAreSet(t *testing.T) {
	res, err := Run(context.Background(), luabind.Script{Name: "s.lua", Source: []byte(`assert(secret("pw")) send("AT")`)}, transcriptOf(t, "", true), Options{})
	if err != nil || res.Verdict != Pass {
		t.Fatalf("%v %+v", err, res)
	}
}

// No transcript shape passes a script that fails: a header alone, a
// recording cut after a write, one cut after the modem's answer.
func TestNoSilentPass(t *testing.T) {
	tests := []struct{ name, file, script, want string }{
		{"header only", "atrun-transcript v1\n", `error("boom")`, "boom"},
		{"header only, fail()", "atrun-transcript v1\n", `fail("my assertion failed")`, "my assertion failed"},
		{"cut after the answer", "atrun-transcript v1\n0 host \"AT\\r\"\n0.01 modem \"\\r\\nOK\\r\\n\"\n",
			`send("AT"); fail("my assertion failed")`, "my assertion failed"},
		{"cut after a write", "atrun-transcript v1\n0 host \"AT\\r\"\n", `send("AT", {timeout = "2s"})`, "AT"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tr, err := transcript.Parse([]byte(tt.file), "cut.atr")
			if err != nil {
				t.Fatal(err)
			}
			res, err := Run(context.Background(), luabind.Script{Name: "s.lua", Source: []byte(tt.script)}, tr, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if res.Verdict != Failed || !res.Unrecorded() {
				t.Fatalf("verdict %v (%v), want fail with no outcome recorded", res.Verdict, res.Err)
			}
			if !strings.Contains(res.Err.Error(), tt.want) || !strings.Contains(res.Err.Error(), "records no outcome") {
				t.Fatalf("err %q, want the script's error %q and that no outcome was recorded", res.Err, tt.want)
			}
		})
	}
}

// A session stopped from outside (Ctrl+C, --timeout, the port lost) replays
// as stopped at the same point: the script that waited there passes, one
// that ended or failed before it does not.
func TestStoppedSessions(t *testing.T) {
	const waits = `send("AT") wait_urc("+QMTSTAT:", "60s")`
	tests := []struct {
		name, end, script string
		want              Verdict
		message           string
	}{
		{"interrupted", `interrupted "interrupted by Ctrl+C (SIGINT) at s.lua:1"`, waits, Pass, ""},
		{"timed out", `timeout "the run did not finish within --timeout 5s (stopped at s.lua:1)"`, waits, Pass, ""},
		{"port lost", `port-lost "port /dev/ttyUSB2: read: EOF"`, waits, Pass, ""},
		{"interrupted, the script ended before", "interrupted", `send("AT")`, Failed, "the script succeeded before the point where the recorded session was interrupted"},
		{"port lost, the script failed before", "port-lost", `send("AT") fail("early")`, Failed, "early"},
		{"timed out, a timer due before fires first", "timeout", `send("AT") wait_urc("+QMTSTAT:", "1s")`, Failed, "failed before the point where the recorded session was stopped by its time limit"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := "atrun-transcript v2\n0 host \"AT\\r\"\n0.01 modem \"\\r\\nOK\\r\\n\"\n5 end " + tt.end + "\n"
			tr, err := transcript.Parse([]byte(src), "stop.atr")
			if err != nil {
				t.Fatal(err)
			}
			res, err := Run(context.Background(), luabind.Script{Name: "s.lua", Source: []byte(tt.script)}, tr, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if res.Verdict != tt.want {
				t.Fatalf("verdict %v (%v), want %v", res.Verdict, res.Err, tt.want)
			}
			if tt.message != "" && (res.Err == nil || !strings.Contains(res.Err.Error(), tt.message)) {
				t.Fatalf("err %v, want it to say %q", res.Err, tt.message)
			}
			if tt.want == Pass && res.Virtual != 5*time.Second {
				t.Fatalf("stopped at %v of session, want 5s (the recorded stop)", res.Virtual)
			}
		})
	}
}

// A replay always ends: a script that loops on sleep() is stopped once it
// waits well past the recording's end, and one that loops without waiting
// by the wall-clock limit, each with its own verdict.
func TestReplaysEnd(t *testing.T) {
	tests := []struct {
		name, script string
		opts         Options
		want         Verdict
		message      string
	}{
		{"sleeps forever", `send("AT") while true do sleep(1) end`, Options{}, Overran, "well past the recording's last event (at 0.020000s)"},
		{"sleeps forever, a short overrun", `send("AT") while true do sleep(1) end`, Options{Overrun: time.Minute}, Overran, "at 60.010000s of session"},
		{"loops without waiting", `send("AT") while true do end`, Options{Timeout: 100 * time.Millisecond}, TimedOut, "the script was at s.lua:1"},
		{"waits before a write, forever", `while true do sleep(1) end`, Options{Overrun: time.Minute}, Overran, "well past"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := Run(context.Background(), luabind.Script{Name: "s.lua", Source: []byte(tt.script)}, transcriptOf(t, "", true), tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			if res.Verdict != tt.want || !strings.Contains(res.Err.Error(), tt.message) {
				t.Fatalf("verdict %v (%v), want %v saying %q", res.Verdict, res.Err, tt.want, tt.message)
			}
		})
	}
}

// A write that comes before the prompt the recording shows before it is a
// mismatch that says so; the script that waits for the prompt passes.
func TestPromptNotOvertaken(t *testing.T) {
	const file = `atrun-transcript v2
0 host "AT+QMTPUB=0,0,0,0,\"t\"\r"
0.01 modem "\r\n> "
0.02 host "payload\x1a"
0.03 modem "\r\nOK\r\n"
0.04 end
`
	tests := []struct {
		name, script string
		want         Verdict
	}{
		{"waits for the prompt", `send_prompt('AT+QMTPUB=0,0,0,0,"t"', 'payload')`, Pass},
		{"writes the payload early", "write_raw('AT+QMTPUB=0,0,0,0,\"t\"\\r')\nwrite_raw('payload\\x1a')\nexpect('OK')", Mismatch},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tr, err := transcript.Parse([]byte(file), "pub.atr")
			if err != nil {
				t.Fatal(err)
			}
			res, err := Run(context.Background(), luabind.Script{Name: "s.lua", Source: []byte(tt.script)}, tr, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if res.Verdict != tt.want {
				t.Fatalf("verdict %v (%v), want %v", res.Verdict, res.Err, tt.want)
			}
			var mm *transcript.MismatchError
			if tt.want == Mismatch {
				if !errors.As(res.Err, &mm) || mm.Kind != transcript.OvertookPrompt || mm.Line != 4 || mm.Where != "s.lua:2" {
					t.Fatalf("mismatch %+v, want the script's write at s.lua:2 overtaking the prompt before line 4", res.Err)
				}
				if !strings.Contains(mm.Error(), "before the modem's prompt") {
					t.Fatalf("message %q", mm.Error())
				}
			}
		})
	}
}

// A mismatch names the script line that made the write, and, when the
// script stopped early, the script's own error.
func TestMismatchExplains(t *testing.T) {
	const file = "atrun-transcript v2\n0 host \"AT\\r\"\n0.01 modem \"\\r\\nOK\\r\\n\"\n0.02 host \"AT+CSQ\\r\"\n0.03 modem \"\\r\\nOK\\r\\n\"\n0.04 end\n"
	tests := []struct {
		name, script string
		where        string
		scriptErr    string
	}{
		{"stopped early by fail()", "send('AT')\nfail('boom')\n", "s.lua:1", "s.lua:2: boom"},
		{"stopped early by error() with a secret", "send('AT')\nerror('bad password ' .. secret('pw'))\n", "s.lua:1", "s.lua:2: bad password ***"},
		{"wrote other bytes", "send('AT')\n\nsend('AT+CSQ=1')\n", "s.lua:3", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tr, err := transcript.Parse([]byte(file), "x.atr")
			if err != nil {
				t.Fatal(err)
			}
			res, err := Run(context.Background(), luabind.Script{Name: "s.lua", Source: []byte(tt.script)}, tr,
				Options{Params: map[string]string{"pw": "hunter22"}})
			if err != nil {
				t.Fatal(err)
			}
			var mm *transcript.MismatchError
			if res.Verdict != Mismatch || !errors.As(res.Err, &mm) {
				t.Fatalf("verdict %v (%v), want a mismatch", res.Verdict, res.Err)
			}
			if mm.Where != tt.where || mm.Script != tt.scriptErr {
				t.Fatalf("where %q, script error %q; want %q, %q", mm.Where, mm.Script, tt.where, tt.scriptErr)
			}
			if tt.scriptErr != "" && !strings.Contains(mm.Error(), "the script stopped with: "+tt.scriptErr) {
				t.Fatalf("the message does not give the script's error:\n%s", mm.Error())
			}
			if strings.Contains(mm.Error(), "hunter22") {
				t.Fatalf("the secret is in the message:\n%s", mm.Error())
			}
		})
	}
}
