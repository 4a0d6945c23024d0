package replay

import (
	"strings"
	"testing"
	"time"
)

// A session that lost its port can have written after the loss began: a
// USB serial line that goes quiet instead of failing the read lets the
// script's wait time out, and the next command's write is where the loss
// shows. The engine writes nothing once it knows the port is lost, so every
// write a port-lost recording holds was made before that: the replay lets
// the script make it, however long it waited first, and loses the port
// after the last one, at the end line. The verdict is the recorded
// outcome, not a mismatch that says the script ended before that write.
func TestPortLostAfterTheLastWrite(t *testing.T) {
	const lost = `atrun-transcript v2

0.000000 host  "AT\r"
0.010000 modem "\r\nOK\r\n"
5.010000 host  "AT+CSQ\r"
5.010100 end port-lost "s.lua:1: port /dev/ttyUSB2: write: input/output error"
`
	tests := []struct {
		name, script string
		want         Verdict
		message      string
	}{
		{"as recorded", `send("AT") pcall(wait_urc, "+X:", "5s") send("AT+CSQ")`, Pass, ""},
		{"waits longer before the write", `send("AT") pcall(wait_urc, "+X:", "60s") send("AT+CSQ")`, Pass, ""},
		{"never writes", `send("AT") pcall(wait_urc, "+X:", "5s")`, Mismatch, "the script ended before this write"},
		{"writes something else", `send("AT") pcall(wait_urc, "+X:", "5s") send("AT+CREG?")`, Mismatch, `expected: "AT+CSQ\r"`},
		{"fails before the write", `send("AT") wait_urc("+X:", "5s")`, Mismatch, "the script stopped with: s.lua:1: URC +X: did not come"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := replayString(t, "lost.atr", lost, tt.script)
			if res.Verdict != tt.want {
				t.Fatalf("verdict %v (%v; script %v), want %v", res.Verdict, res.Err, res.Script, tt.want)
			}
			if tt.message != "" && (res.Err == nil || !strings.Contains(res.Err.Error(), tt.message)) {
				t.Fatalf("err %v, want it to say %q", res.Err, tt.message)
			}
			if tt.want == Pass && (res.Script == nil || !strings.Contains(res.Script.Error(), "the port was lost here")) {
				t.Fatalf("the script ended with %v, not with the lost port", res.Script)
			}
			if tt.want == Pass && res.Virtual < 5010*time.Millisecond {
				t.Fatalf("the port was lost at %v, before the recorded write", res.Virtual)
			}
		})
	}
}
