package codes

import (
	"sort"
	"strings"
	"sync"
)

// urcWords() are the unsolicited lines that are whole words, with what they
// mean.
var urcWords = sync.OnceValue(func() map[string]Note {
	m := map[string]Note{
		"RDY":                      {"the module has started and accepts AT commands", "a reset happened here: echo, AT+CMEE, PDP contexts and MQTT sessions are back to their defaults"},
		"APP RDY":                  {"the module's application layer is ready", ""},
		"POWERED DOWN":             {"the module powered down", ""},
		"NORMAL POWER DOWN":        {"the module is powering down", ""},
		"RING":                     {"incoming call", ""},
		"UNDER-VOLTAGE POWER DOWN": {"the supply voltage is too low: powering down", "check the power supply under load"},
		"UNDER-VOLTAGE WARNING":    {"the supply voltage is low", "check the power supply under load"},
		"OVER-VOLTAGE POWER DOWN":  {"the supply voltage is too high: powering down", "check the power supply"},
		"OVER-VOLTAGE WARNING":     {"the supply voltage is high", "check the power supply"},
		"OVER-TEMPERATURE WARNING": {"the module is too hot", ""},
		"CALL READY":               {"the call service is ready", ""},
		"SMS READY":                {"the SMS service is ready", ""},
	}
	addSIMComWords(m)
	for w, n := range simcomIPWords() {
		m[w] = n
	}
	return m
})

// urcShape decides whether a line with a known URC name has the URC's shape;
// nil accepts every shape.
type urcShape func(in info) bool

// urcNames() are the information-line names that arrive unsolicited. Some of
// them (+CPIN, +CFUN, +CREG ...) also answer their read command: the
// engine's router gives such a line to the pending command first.
var urcNames = sync.OnceValue(func() map[string]urcShape {
	m := map[string]urcShape{
		"+QMTRECV":       nil,
		"+QMTSTAT":       nil,
		"+QMTPING":       nil,
		"+QMTOPEN":       qmtResultShape,
		"+QMTCONN":       qmtResultShape,
		"+QMTSUB":        qmtResultShape,
		"+QMTUNS":        qmtResultShape,
		"+QMTPUB":        qmtResultShape,
		"+QMTPUBEX":      qmtResultShape,
		"+QMTDISC":       qmtResultShape,
		"+QMTCLOSE":      qmtResultShape,
		"+QIURC":         nil,
		"+QSSLURC":       nil,
		"+QIOPEN":        qmtResultShape,
		"+QSSLOPEN":      qmtResultShape,
		"+QPING":         nil,
		"+QNTP":          nil,
		"+QHTTPGET":      nil,
		"+QHTTPPOST":     nil,
		"+QHTTPPUT":      nil,
		"+QHTTPREAD":     nil,
		"+QHTTPREADFILE": nil,
		"+QIND":          nil,
		"+QUSIM":         nil,
		"+USIM":          nil,
		"+CPIN":          nil,
		"+CFUN":          nil,
		"+CREG":          regURCShape,
		"+CGREG":         regURCShape,
		"+CEREG":         regURCShape,
		"+CMTI":          nil,
		"+CMT":           nil,
		"+CDS":           nil,
		"+CRING":         nil,
		"+CLIP":          nil,
		"+CTZV":          nil,
		"+CTZE":          nil,
		"+CBM":           nil,
		"+CUSD":          nil,
		"+CGEV":          nil,
		"+QSIMSTAT":      nil,
	}
	addCMQTTURCs(m)
	addUbloxURCs(m)
	addSIMComIPURCs(m)
	return m
})

// qmtResultShape accepts result lines: numbers only, no ranges, no quoted
// host (which marks a read answer).
func qmtResultShape(in info) bool {
	if len(in.params) < 2 || in.isTestAnswer() {
		return false
	}
	for _, p := range in.params {
		if _, err := atoi(p); err != nil {
			return false
		}
	}
	return true
}

// regURCShape accepts "+CREG: <stat>" and "+CREG: <stat>,"<lac>",..."; a
// bare number in the second field marks the read answer "<n>,<stat>".
func regURCShape(in info) bool {
	if len(in.params) == 0 || in.isTestAnswer() {
		return false
	}
	_, secondInt := in.intParam(1)
	return len(in.params) == 1 || !secondInt
}

// IsURC reports whether line is a known unsolicited result code: a word such
// as RDY, or an information line whose name and shape are those of a URC
// ("+QMTSTAT: 0,1", "+CREG: 5", but not the read answer "+CREG: 0,5"). Lines
// such as "+CPIN: READY" are URCs here too; whether they answer a pending
// command is the router's call, made before this one.
func IsURC(line string) bool {
	s := strings.TrimSpace(line)
	if _, ok := urcWords()[strings.ToUpper(s)]; ok {
		return true
	}
	if _, _, ok := prefixURC(s); ok {
		return true
	}
	in, ok := parseInfo(s)
	if !ok {
		return false
	}
	shape, known := urcNames()[in.name]
	return known && (shape == nil || shape(in))
}

// decodeQIND explains the boot progress and indication URC "+QIND: ...".
func decodeQIND(in info, _ lineCtx) Note {
	switch strings.ToUpper(unquote(in.param(0))) {
	case "SMS DONE":
		return Note{Meaning: "SMS initialisation finished"}
	case "PB DONE":
		return Note{Meaning: "phonebook initialisation finished"}
	case "CSQ":
		if rssi, ok := in.intParam(1); ok {
			level, _, _ := CSQ(rssi)
			return Note{Meaning: "signal changed: " + level}
		}
	}
	return Note{}
}

// URCCodes returns every unsolicited code this package knows, sorted: the
// names as "+NAME:" prefixes and the whole-line words ("RDY", "NORMAL POWER
// DOWN"). A router that files lines by name uses this list, so that it and
// IsURC never disagree on which codes are unsolicited; shapes (a read
// answer "+CREG: 0,5" is not a URC) are the router's to settle by the
// pending command.
func URCCodes() []string {
	out := make([]string, 0, len(urcNames())+len(urcWords()))
	for name := range urcNames() {
		out = append(out, name+":")
	}
	for w := range urcWords() {
		out = append(out, w)
	}
	for p := range prefixURCs() {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}
