package atruncli

import (
	"strings"
	"testing"
)

func TestFlagsFirst(t *testing.T) {
	app := newApp(nil, nil, "")
	tests := []struct{ in, want string }{
		{"atrun run x.lua --port auto --trace", "atrun run --port auto --trace x.lua"},
		{"atrun run --port=/dev/ttyUSB2 x.lua --set a=1 --set b=2", "atrun run --port=/dev/ttyUSB2 --set a=1 --set b=2 x.lua"},
		{"atrun run x.lua --json --timeout 5s", "atrun run --json --timeout 5s x.lua"},
		{"atrun send AT+CSQ -p /dev/ttyUSB2 AT", "atrun send -p /dev/ttyUSB2 AT+CSQ AT"},
		{"atrun send --port p -- -AT", "atrun send --port p -- -AT"},
		{"atrun run x.lua -- --not-a-flag", "atrun run -- x.lua --not-a-flag"},
		{"atrun --help", "atrun --help"},
		{"atrun nosuch x --y", "atrun nosuch x --y"},
		{"atrun run x --generate-shell-completion", "atrun run x --generate-shell-completion"},
		{"atrun transcript import log.txt -o s.atr", "atrun transcript import -o s.atr log.txt"},
		{"atrun transcript show s.atr", "atrun transcript show s.atr"},
	}
	for _, tc := range tests {
		got := strings.Join(flagsFirst(app, strings.Fields(tc.in)), " ")
		if got != tc.want {
			t.Errorf("%s\n got: %s\nwant: %s", tc.in, got, tc.want)
		}
	}
}
