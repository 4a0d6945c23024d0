// Package simproc starts the virtual modems of atrun-sim as a child
// process and reads what it says about them, so that atrun itself links
// none of the simulator (its broker, TLS servers and pseudo-terminals cost
// start-up time to every command). It also holds the description the
// child prints of each virtual modem, and the models it knows.
package simproc

import (
	"cmp"
	"fmt"
	"net"
	"slices"
	"strings"
)

// Modem describes one running virtual modem: what atrun-sim --json prints
// on one line, and what a script run on it is given.
type Modem struct {
	Index    int    `json:"index"`     // from 1, in the order they started
	Model    string `json:"model"`     // ec20, simcom or ublox
	Title    string `json:"title"`     // the module it stands for, "Quectel EC20"
	Device   string `json:"device"`    // the pseudo-terminal to open (/dev/pts/N); "" when reached over Link
	PortName string `json:"port_name"` // which of the modem's ports the device is (usbat ...)

	BrokerAddr string `json:"broker_addr"` // host:port for AT+QMTOPEN
	BrokerURL  string `json:"broker_url"`  // mqtts://host:port
	CAFile     string `json:"ca_file"`     // the CA of the broker and of the servers (PEM)
	Username   string `json:"username"`
	Password   string `json:"password"`

	NTPAddr     string `json:"ntp_addr"`
	EchoAddr    string `json:"echo_addr"`     // TCP echo
	EchoTLSAddr string `json:"echo_tls_addr"` // the same over TLS
	UDPEchoAddr string `json:"udp_echo_addr"`
	HTTPURL     string `json:"http_url"`
	HTTPSURL    string `json:"https_url"`

	// Commands are the commands it implements, as AT+CLAC lists them
	// ("AT+CSQ", "ATE", "AT&F"); any other it answers ERROR.
	Commands []string `json:"commands"`

	// Link, for a modem served in this process (atrun-sim hosting a run
	// on many), is the engine's end of the line the modem is served on,
	// in place of a device: open, to be used once and closed by its user.
	Link net.Conn `json:"-"`
}

// Name is what messages call the modem: its device, or for one reached
// over a Link, "virtual-" and its model and index (virtual-ec20-3).
func (m Modem) Name() string {
	if m.Device != "" {
		return m.Device
	}
	return fmt.Sprintf("virtual-%s-%d", cmp.Or(m.Model, ModelEC20), m.Index)
}

// Lacks reports whether the modem lacks the first command of a command
// line ("AT+QPING=1,\"x\"", "at+cmgf=1", "ATE0"): it answers ERROR to it
// whatever its parameters. A bare AT, an S-register and a line it cannot
// read as a command report false: the fault is not a missing command.
func (m Modem) Lacks(line string) bool {
	name, ok := commandName(line)
	return ok && !slices.Contains(m.Commands, "AT"+name)
}

// commandName is the name of the first command of line as the simulator
// reads it: "+CSQ", "E", "&F"; false for none, an S-register or a first
// command it would refuse. (The simulator also refuses a line whose later
// commands it cannot read, "ATD*99#"; the first command is the one that
// answers, so its name is what the hint needs.)
func commandName(line string) (string, bool) {
	s := strings.TrimLeft(strings.TrimRight(line, "\r\n"), " ")
	if len(s) < 2 || !strings.EqualFold(s[:2], "AT") {
		return "", false
	}
	s = strings.TrimLeft(s[2:], " ;")
	switch {
	case s == "":
		return "", false
	case s[0] == '+':
		n := 1
		for n < len(s) && isNameByte(s[n]) {
			n++
		}
		return strings.ToUpper(s[:n]), n > 1
	case s[0] == '&':
		if len(s) < 2 || !isLetter(s[1]) {
			return "", false
		}
		return "&" + strings.ToUpper(s[1:2]), true
	case s[0] == 'S' || s[0] == 's':
		return "", false
	case isLetter(s[0]):
		return strings.ToUpper(s[:1]), true
	}
	return "", false
}

func isLetter(b byte) bool { return b >= 'A' && b <= 'Z' || b >= 'a' && b <= 'z' }

// isNameByte accepts the characters of extended command names.
func isNameByte(b byte) bool {
	return isLetter(b) || b >= '0' && b <= '9' || b == '_' || b == '&' || b == '%' || b == '.' || b == '!'
}

// The models atrun-sim runs, by name; a test checks them against the
// simulator's own list.
const (
	ModelEC20   = "ec20"
	ModelSIMCom = "simcom"
	ModelUblox  = "ublox"
)

var titles = map[string]string{
	ModelEC20:   "Quectel EC20",
	ModelSIMCom: "SIMCom A7670E",
	ModelUblox:  "u-blox SARA-R5",
}

// Models lists the model names, sorted.
func Models() []string { return []string{ModelEC20, ModelSIMCom, ModelUblox} }

// ModelTitle is the module a model name stands for, "" for an unknown name.
func ModelTitle(name string) string { return titles[modelKey(name)] }

// modelKey is the name as the simulator reads it: "" is the EC20.
func modelKey(name string) string {
	if name == "" {
		return ModelEC20
	}
	return strings.ToLower(name)
}

// ModelChoices words each model with what it is ("simcom (SIMCom
// A7670E)"), for a --model flag's help.
func ModelChoices() []string {
	var out []string
	for _, m := range Models() {
		out = append(out, m+" ("+ModelTitle(m)+")")
	}
	return out
}

// ShortName is how both programs name a virtual modem in their messages:
// "EC20" as they always have, else the module ("SIMCom A7670E").
func ShortName(model string) string {
	if modelKey(model) == ModelEC20 {
		return "EC20"
	}
	return ModelTitle(model)
}

// MQTTScript is the shipped MQTT-over-TLS script for a model.
func MQTTScript(model string) string { return mqttScripts[modelKey(model)] }

var mqttScripts = map[string]string{
	ModelEC20:   "ec20_mqtts",
	ModelSIMCom: "simcom_mqtts",
	ModelUblox:  "ublox_mqtts",
}

// FaultUsage is the help of --fault, the same in atrun and atrun-sim.
const FaultUsage = "switch on a failure of the virtual EC20: `NAME[=VALUE]` (repeatable; 'atrun sim --fault help' lists them)"

// WantsFaultHelp reports whether the --fault values ask for the list of
// faults (--fault help).
func WantsFaultHelp(values []string) bool {
	for _, v := range values {
		if strings.EqualFold(strings.TrimSpace(v), "help") {
			return true
		}
	}
	return false
}

// CheckModel returns an error naming the choices when name is no model.
func CheckModel(name string) error {
	if _, ok := titles[modelKey(name)]; !ok {
		return fmt.Errorf("no virtual modem %q: choose one of %s", name, strings.Join(Models(), ", "))
	}
	return nil
}
