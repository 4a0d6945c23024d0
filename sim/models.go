package sim

import (
	"fmt"
	"sort"
	"strings"
)

// Model names for Options.Model.
const (
	ModelEC20   = "ec20"
	ModelSIMCom = "simcom"
	ModelUblox  = "ublox"
)

// modelSpec is what differs between the virtual modems: the command set,
// the identity, and what the module says when it starts. The broker, TLS,
// the pseudo-terminal, the 3GPP commands (SIM, registration, signal) and
// the faults are shared.
type modelSpec struct {
	title    string // what a user calls it ("Quectel EC20")
	quectel  bool   // speaks Quectel's own URCs (+QIND, +QUSIM)
	handlers map[string]handler
	revision string
	// bootURCs are sent at power-up after the state reset; simURCs after
	// AT+CFUN=1 from 0 (nil: the EC20's).
	bootURCs func(m *Modem)
	simURCs  func(m *Modem)
}

var models = map[string]*modelSpec{
	ModelEC20:   {title: "Quectel EC20", quectel: true, handlers: handlers, revision: defaultRevision, bootURCs: ec20Boot},
	ModelSIMCom: simcomModel,
	ModelUblox:  ubloxModel,
}

// Models lists the model names Options.Model accepts.
func Models() []string {
	out := make([]string, 0, len(models))
	for name := range models {
		out = append(out, name)
	}
	sort.Strings(out)
	return out
}

// ModelTitle is the module a model name stands for ("SIMCom A7670E"), ""
// for an unknown name.
func ModelTitle(name string) string {
	if s, ok := models[modelKey(name)]; ok {
		return s.title
	}
	return ""
}

// CheckModel returns an error naming the choices when name is no model.
func CheckModel(name string) error {
	if _, ok := models[modelKey(name)]; !ok {
		return fmt.Errorf("no virtual modem %q: choose one of %s", name, strings.Join(Models(), ", "))
	}
	return nil
}

func modelKey(name string) string {
	if name == "" {
		return ModelEC20
	}
	return strings.ToLower(name)
}

// modelOf returns the spec of opts.Model, the EC20's for an unknown name
// (Start refuses those first).
func modelOf(name string) *modelSpec {
	if s, ok := models[modelKey(name)]; ok {
		return s
	}
	return models[ModelEC20]
}

func ec20Boot(m *Modem) {
	m.urc("RDY")
	m.urc("+CFUN: 1")
	m.simURCs()
}

// withModelCommands is the shared 3GPP command set with a model's own
// tables on top (later tables win, so a model may replace ATI and +CGMI).
func withModelCommands(tables ...map[string]handler) map[string]handler {
	shared := []map[string]handler{basicCommands, simCommands, networkCommands, pdpCommands}
	return mergeHandlers(append(shared, tables...)...)
}

// CommandsOf lists the commands a model implements, as Commands does for
// the EC20.
func CommandsOf(model string) []string {
	t := modelOf(model).handlers
	out := make([]string, 0, len(t)+1)
	for name := range t {
		out = append(out, "AT"+name)
	}
	out = append(out, "ATS<n>")
	sort.Strings(out)
	return out
}
