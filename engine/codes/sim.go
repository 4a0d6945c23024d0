package codes

import (
	"strings"
	"sync"
)

// cpinStates() are the +CPIN codes. They are words, so the table is a map.
var cpinStates = sync.OnceValue(func() map[string]Note {
	return map[string]Note{
		"READY":         {"SIM ready, no PIN needed", ""},
		"SIM PIN":       {"the SIM waits for its PIN", "enter it with AT+CPIN=\"<pin>\""},
		"SIM PUK":       {"the SIM is blocked and waits for its PUK", "enter AT+CPIN=\"<puk>\",\"<new pin>\""},
		"SIM PIN2":      {"the SIM waits for PIN2", ""},
		"SIM PUK2":      {"the SIM waits for PUK2", ""},
		"PH-SIM PIN":    {"the phone waits for its SIM lock code", ""},
		"PH-NET PIN":    {"network personalization PIN required", ""},
		"PH-NET PUK":    {"network personalization PUK required", ""},
		"PH-NETSUB PIN": {"network subset personalization PIN required", ""},
		"PH-NETSUB PUK": {"network subset personalization PUK required", ""},
		"PH-SP PIN":     {"service provider personalization PIN required", ""},
		"PH-SP PUK":     {"service provider personalization PUK required", ""},
		"PH-CORP PIN":   {"corporate personalization PIN required", ""},
		"PH-CORP PUK":   {"corporate personalization PUK required", ""},
		"NOT READY":     {"the SIM is not ready (removed, or still starting)", "check the SIM is seated; after insertion wait for +CPIN: READY"},
		"NOT INSERTED":  {"no SIM inserted", "check the SIM is seated"},
	}
})

// CPINState returns the meaning of a +CPIN code ("SIM PIN"), or "".
func CPINState(code string) string {
	return cpinStates()[strings.ToUpper(strings.TrimSpace(code))].Meaning
}

// decodeCPIN explains "+CPIN: <code>".
func decodeCPIN(in info, _ lineCtx) Note {
	if len(in.params) == 0 {
		return Note{}
	}
	return cpinStates()[strings.ToUpper(unquote(in.params[0]))]
}

// decodeUSIM explains "+QUSIM: <n>" (also spelled "+USIM:").
func decodeUSIM(in info, _ lineCtx) Note {
	switch in.param(0) {
	case "0":
		return Note{Meaning: "SIM card type: SIM"}
	case "1":
		return Note{Meaning: "SIM card type: USIM"}
	}
	return Note{}
}

// decodeCMEE explains "+CMEE: <n>".
func decodeCMEE(in info, _ lineCtx) Note {
	switch in.param(0) {
	case "0":
		return Note{Meaning: "errors shown as plain ERROR", Hint: "AT+CMEE=1 makes the modem say which error"}
	case "1":
		return Note{Meaning: "errors shown as numbers (+CME ERROR: <n>)"}
	case "2":
		return Note{Meaning: "errors shown as text (+CME ERROR: <text>)"}
	}
	return Note{}
}
