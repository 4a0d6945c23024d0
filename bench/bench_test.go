package main

import (
	"strings"
	"testing"
	"time"

	"go.bug.st/serial"
)

// The harness must hold up before its figures mean anything: the fake
// modem answers as a modem would, and each Go client completes its round
// trips against it. (CI runs these; the figures come from `go run .`.)

func TestFakeModemAnswers(t *testing.T) {
	for _, tc := range []struct{ cmd, want string }{
		{"AT+CSQ\r", "AT+CSQ\r\r\n+CSQ: 19,99\r\n\r\nOK\r\n"},
		{"at+csq\r", "at+csq\r\r\n+CSQ: 19,99\r\n\r\nOK\r\n"},
		{"AT\r", "AT\r\r\nOK\r\n"},
		{"ATE0\r", "ATE0\r\r\nOK\r\n"},
	} {
		t.Run(strings.TrimSpace(tc.cmd), func(t *testing.T) {
			m, err := startFakeModem()
			if err != nil {
				t.Skip("no pseudo-terminals here:", err)
			}
			defer m.close()
			p, err := serial.Open(m.path, &serial.Mode{BaudRate: 115200})
			if err != nil {
				t.Fatal(err)
			}
			defer p.Close()
			if err := p.SetReadTimeout(5 * time.Second); err != nil {
				t.Fatal(err)
			}
			// Written in two parts: a command split across reads is still one.
			for _, part := range []string{tc.cmd[:2], tc.cmd[2:]} {
				if _, err := p.Write([]byte(part)); err != nil {
					t.Fatal(err)
				}
			}
			var got []byte
			buf := make([]byte, 256)
			for len(got) < len(tc.want) {
				n, err := p.Read(buf)
				if err != nil || n == 0 {
					t.Fatalf("read after %q: %v", got, err)
				}
				got = append(got, buf[:n]...)
			}
			if string(got) != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestClientsCompleteTheirRoundTrips(t *testing.T) {
	for name, client := range map[string]func(string, int, int) (time.Duration, error){
		"raw": rawClient, "handoff": handoffClient, "callerreads": callerReadsClient, "engine": engineClient,
	} {
		t.Run(name, func(t *testing.T) {
			m, err := startFakeModem()
			if err != nil {
				t.Skip("no pseudo-terminals here:", err)
			}
			defer m.close()
			d, err := client(m.path, 20, 2)
			if err != nil {
				t.Fatal(err)
			}
			if d <= 0 {
				t.Errorf("median %v, want a positive duration", d)
			}
		})
	}
}
