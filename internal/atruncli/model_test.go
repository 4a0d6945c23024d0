package atruncli

import (
	"strings"
	"testing"
)

// TestSimModelWord: --sim takes an optional model name; alone it stays
// the EC20, and a script named after the flag is not taken for a model.
func TestSimModelWord(t *testing.T) {
	app := newApp(nil, nil, "")
	tests := []struct{ in, want string }{
		{"atrun run simcom_mqtts --sim simcom", "atrun run --sim --model simcom simcom_mqtts"},
		{"atrun run ublox_mqtts --sim=ublox --fault server-down", "atrun run --sim --model ublox --fault server-down ublox_mqtts"},
		{"atrun run --sim ec20_mqtts", "atrun run --sim ec20_mqtts"},
		{"atrun run ec20_mqtts --sim", "atrun run --sim ec20_mqtts"},
		{"atrun run x.lua --sim SIMCOM --trace", "atrun run --sim --model SIMCOM --trace x.lua"},
		{"atrun demo --model ublox", "atrun demo --model ublox"},
	}
	for _, tc := range tests {
		got := strings.Join(flagsFirst(app, strings.Fields(tc.in)), " ")
		if got != tc.want {
			t.Errorf("%s\n got: %s\nwant: %s", tc.in, got, tc.want)
		}
	}
}

// TestRunSimModels runs each family's shipped script on its virtual modem
// through the CLI, as a user would: the session ends well and the
// announcement names the module.
func TestRunSimModels(t *testing.T) {
	if testing.Short() {
		t.Skip("starts virtual modems and a broker")
	}
	for _, tc := range []struct{ script, model, title string }{
		{"simcom_mqtts", "simcom", "SIMCom A7670E"},
		{"ublox_mqtts", "ublox", "u-blox SARA-R5"},
	} {
		t.Run(tc.model, func(t *testing.T) {
			o := atrun(t, t.TempDir(), "run", tc.script, "--sim", tc.model, "--set", "listen=5s")
			if o.code != 0 {
				t.Fatalf("exit %d\nstdout: %s\nstderr: %s", o.code, o.stdout, o.stderr)
			}
			if !strings.Contains(o.stderr, "virtual "+tc.title) {
				t.Errorf("stderr does not name the %s:\n%s", tc.title, o.stderr)
			}
			if !strings.Contains(o.stdout, `"led": "on"`) {
				t.Errorf("the broker's reply was not printed:\n%s", o.stdout)
			}
		})
	}
	o := atrun(t, t.TempDir(), "run", "simcom_mqtts", "--sim", "--model", "nokia")
	if o.code != 2 || !strings.Contains(o.stderr, "choose one of ec20, simcom, ublox") {
		t.Errorf("an unknown model: exit %d, stderr %s", o.code, o.stderr)
	}
}
