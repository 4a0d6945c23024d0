package transcript

import (
	"os"
	"strings"
	"testing"

	"github.com/atrun/atrun/engine/secret"
)

// docBlock returns the fenced block that follows marker in
// docs/transcripts.md.
func docBlock(t testing.TB, marker string) string {
	t.Helper()
	doc, err := os.ReadFile("../../docs/transcripts.md")
	if err != nil {
		t.Fatal(err)
	}
	_, after, ok := strings.Cut(string(doc), "<!-- "+marker+" -->\n```text\n")
	block, _, closed := strings.Cut(after, "```\n")
	if !ok || !closed {
		t.Fatalf("no block after %q in docs/transcripts.md", marker)
	}
	return block
}

const (
	docPassword = "correct-horse"
	docCert     = "-----BEGIN CERTIFICATE-----\n" +
		"MIIBdzCCAR2gAwIBAgIUYXRydW4gZXhhbXBsZSBvbmx5LCBub3QgYSBrZXkwCgYI\n" +
		"-----END CERTIFICATE-----\n"
)

// docSteps is the script that produced the documented session.
func docSteps(uploadSize string) []step {
	return []step{
		send("ATE0\r"), expect("ATE0"), expect("OK"),
		send("AT+CPIN?\r"), expect("+CPIN: READY"), expect("OK"),
		send(`AT+QFUPL="UFS:ca.pem",` + uploadSize + ",10\r"), expect("CONNECT"),
		send(docCert), expect("+QFUPL: 119,6e4f"), expect("OK"),
		send(`AT+QMTOPEN=0,"mqtt.example.com",8883` + "\r"), expect("OK"), expectAt("+QMTOPEN: 0,0", 1873*ms),
		send(`AT+QMTCONN=0,"atrun-ec20","modem","` + docPassword + `"` + "\r"), expect("OK"), expect("+QMTCONN: 0,0,0"),
		send(`AT+QMTPUB=0,1,1,0,"atrun/ec20/temp"` + "\r"), expect(">"),
		send("{\"temp\":21.5}\x1a"), expect("OK"), expectAt("+QMTPUB: 0,1,0", 2756*ms),
	}
}

// The example in the documentation parses, and replays against the script
// that made it.
func TestDocExampleReplays(t *testing.T) {
	tr, err := Parse([]byte(docBlock(t, "example: ec20")), "ec20.atr")
	if err != nil {
		t.Fatal(err)
	}
	if got := tr.Header.Params[2]; got.Name != "password" || got.Value.String() != "<redacted>" {
		t.Errorf("password param = %+v", got)
	}
	var s secret.Set
	if err, ferr := runScript(t, NewReplay(tr, Options{Secrets: &s}), docSteps("119")); err != nil || ferr != nil {
		t.Fatalf("script: %v; finish: %v", err, ferr)
	}
}

// The documented mismatch message is the one a replay gives.
func TestDocMismatchMessage(t *testing.T) {
	tr, err := Parse([]byte(docBlock(t, "example: ec20")), "ec20.atr")
	if err != nil {
		t.Fatal(err)
	}
	_, ferr := runScript(t, NewReplay(tr, Options{}), docSteps("1188"))
	want := docBlock(t, "mismatch: ec20")
	if ferr == nil || ferr.Error()+"\n" != want {
		t.Errorf("got\n%v\nwant\n%s", ferr, want)
	}
}
