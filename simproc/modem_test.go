package simproc

import (
	"strings"
	"testing"
)

// The words both programs share about the models: every model has a
// shipped MQTT script and a name, "" being the EC20; --fault help is
// asked for however it is written.
func TestModelWords(t *testing.T) {
	for _, tc := range []struct{ model, name, script string }{
		{"", "EC20", "ec20_mqtts"},
		{ModelEC20, "EC20", "ec20_mqtts"},
		{"SIMCom", "SIMCom A7670E", "simcom_mqtts"},
		{ModelUblox, "u-blox SARA-R5", "ublox_mqtts"},
	} {
		if got := ShortName(tc.model); got != tc.name {
			t.Errorf("ShortName(%q) = %q, want %q", tc.model, got, tc.name)
		}
		if got := MQTTScript(tc.model); got != tc.script {
			t.Errorf("MQTTScript(%q) = %q, want %q", tc.model, got, tc.script)
		}
	}
	if len(ModelChoices()) != len(Models()) || !strings.Contains(strings.Join(ModelChoices(), " "), "simcom (SIMCom A7670E)") {
		t.Errorf("choices %v", ModelChoices())
	}
	if !WantsFaultHelp([]string{"no-sim", " HELP "}) || WantsFaultHelp([]string{"no-sim", "helper"}) {
		t.Error("WantsFaultHelp")
	}
}
