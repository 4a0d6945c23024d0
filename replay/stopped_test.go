package replay

import (
	"strings"
	"testing"
)

// A session stopped from outside (Ctrl+C, --timeout) between two waits was
// stopped before the script's next write, which live the engine never made
// and the recording cannot hold. The replayed script reaches that write
// sooner, in virtual time, than the stop came live: the write is where
// the recorded stop happens, and the verdict is the recorded outcome, not
// "the script wrote more than the transcript holds". Only a write that
// starts past the recording is taken so, and only for such a stop.
func TestStoppedBeforeTheNextWrite(t *testing.T) {
	const recorded = `atrun-transcript v2

0.000000 host  "AT\r"
0.010000 modem "\r\nOK\r\n"
0.900000 end%s
`
	tests := []struct {
		name, ending, script string
		want                 Verdict
		message              string
	}{
		{"interrupted", ` interrupted "interrupted by Ctrl+C (SIGINT)"`, `send("AT") send("AT+CSQ")`, Pass, ""},
		{"timed out", ` timeout "the run took longer than --timeout 900ms"`, `send("AT") send("AT+CSQ")`, Pass, ""},
		{"succeeded", ``, `send("AT") send("AT+CSQ")`, Mismatch, "more"},
		{"failed", ` failed "s.lua:1: x"`, `send("AT") send("AT+CSQ")`, Mismatch, "more"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := replayString(t, "stopped.atr", strings.Replace(recorded, "%s", tt.ending, 1), tt.script)
			if res.Verdict != tt.want {
				t.Fatalf("verdict %v (%v; script %v), want %v", res.Verdict, res.Err, res.Script, tt.want)
			}
			if tt.message != "" && (res.Err == nil || !strings.Contains(res.Err.Error(), tt.message)) {
				t.Fatalf("err %v, want it to say %q", res.Err, tt.message)
			}
		})
	}
}
