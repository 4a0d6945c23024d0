package transcript

import (
	"bytes"
	"errors"
	"os"
	"strings"
	"testing"
)

// FuzzParse: any input either fails with a file:line error or parses into
// a transcript that writes back and reads back the same.
func FuzzParse(f *testing.F) {
	head := "atrun-transcript v1\nstart 2026-03-02T09:15:04.250000Z\n\n"
	for _, seed := range []string{
		head + cpinSession,
		head + echoSession,
		head + `0 host "AT+CPIN=" <redacted> "\r"` + "\n0.5 modem <redacted><redacted>\"x\"\n",
		"# c\r\natrun-transcript v1\r\nparam a \"1\"\r\nbaud 9600\r\n5 host \"\\x00\\xff\\a\"\r\n",
		"atrun-transcript v2\n",
		"atrun-transcript v2\n0 file \"ca.pem\" \"-----BEGIN\\n\" <redacted>\n0 file \"e\" \"\"\n1 end port-lost \"x\"\n",
		"atrun-transcript v2\n1 end interrupted\n",
		"atrun-transcript v2\n1 end failed\n",
		"atrun-transcript v3\n",
		"atrun-transcript v3\nresync on\n0 modem \"\\r\\nRDY\\r\\n\"\n0.02 mark \"drained\"\n0.02 host \"AT\\r\"\n",
		"atrun-transcript v1\nstart 0000-01-01T00:00:00+01:00\n",
		head + "1 end\n2 host \"AT\"\n",
		head + "1 host \"AT\n",
		head + "99999999.999999 modem \"\\\"\\\\\"\n",
		"",
	} {
		f.Add([]byte(seed))
	}
	if doc, err := os.ReadFile("../../docs/transcripts.md"); err == nil {
		if _, after, ok := strings.Cut(string(doc), "<!-- example: ec20 -->\n```text\n"); ok {
			block, _, _ := strings.Cut(after, "```\n")
			f.Add([]byte(block))
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		tr, err := Parse(data, "fuzz.atr")
		if err != nil {
			var fe *FormatError
			var ve *VersionError
			if !errors.As(err, &fe) && !errors.As(err, &ve) || !strings.HasPrefix(err.Error(), "fuzz.atr:") {
				t.Fatalf("error %q is not a file:line error", err)
			}
			return
		}
		var buf bytes.Buffer
		if _, err := tr.WriteTo(&buf); err != nil {
			t.Fatalf("a parsed transcript does not write: %v", err)
		}
		back, err := Parse(buf.Bytes(), "fuzz.atr")
		if err != nil {
			t.Fatalf("written transcript does not read back: %v\n%s", err, buf.Bytes())
		}
		if !back.Header.Start.Equal(tr.Header.Start) || back.Header.Script != tr.Header.Script ||
			back.Header.Port != tr.Header.Port || back.Header.Baud != tr.Header.Baud ||
			back.Header.Atrun != tr.Header.Atrun || len(back.Header.Params) != len(tr.Header.Params) {
			t.Fatalf("header changed: %+v -> %+v", tr.Header, back.Header)
		}
		for i, p := range tr.Header.Params {
			if q := back.Header.Params[i]; q.Name != p.Name || q.Value.String() != p.Value.String() {
				t.Fatalf("param %d changed: %+v -> %+v", i, p, q)
			}
		}
		if !eventsEqual(stripLines(back.Events), stripLines(tr.Events)) {
			t.Fatalf("events changed:\n%+v\n%+v", tr.Events, back.Events)
		}
	})
}
