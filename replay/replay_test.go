package replay

import (
	"context"
	"errors"
	"strings"
	"testing"

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
		{"failed where the recording did not", fails, "", true, Failed, "failed where the recorded session did not"},
		{"succeeded where the recording failed", ok, "x.lua:1: no luck", true, Failed, "the script succeeded"},
		{"another failure", fails, "x.lua:1: bad luck", true, Failed, "but the recorded session failed with"},
		{"a cut recording compares nothing", fails, "", false, Pass, ""},
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
