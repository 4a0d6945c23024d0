package session

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/atrun/atrun/engine"
	"github.com/atrun/atrun/luabind"
)

// prints keeps what the script prints.
type prints struct{ out []string }

func (p *prints) Print(s string)                            { p.out = append(p.out, s) }
func (p *prints) Log(string, string, string)                {}
func (p *prints) Step(string, string, time.Duration, error) {}
func (p *prints) Progress(string, int, int)                 {}
func (p *prints) Notice(string)                             {}
func (p *prints) Dropped(engine.DropReport)                 {}

// A run that records no transcript and writes no trace skips the scan for
// secret() names, and still keeps secrets out of what the script prints:
// parameters named as secrets from the start, the others once secret()
// has read them.
func TestRunWithoutTranscriptRedactsSecrets(t *testing.T) {
	dir := t.TempDir()
	src := `print("pw " .. param("wifi_password"))
local k = secret("key")
print("key " .. param("key"))
print("plain " .. param("apn"))
`
	rep := &prints{}
	script := luabind.Script{Name: filepath.Join(dir, "s.lua"), Source: []byte(src), Dir: dir}
	params := map[string]string{"wifi_password": "hunter22", "key": "k3y-value", "apn": "internet"}
	if _, err := Run(context.Background(), Job{Script: script, Params: params, Report: rep, Start: time.Now()}); err != nil {
		t.Fatal(err)
	}
	got := strings.Join(rep.out, "\n")
	for _, secret := range []string{"hunter22", "k3y-value"} {
		if strings.Contains(got, secret) {
			t.Errorf("the script's output shows the secret %q:\n%s", secret, got)
		}
	}
	if !strings.Contains(got, "plain internet") {
		t.Errorf("a plain parameter was redacted or lost:\n%s", got)
	}
}
