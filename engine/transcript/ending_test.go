package transcript

import (
	"bytes"
	"strings"
	"testing"

	"github.com/atrun/atrun/engine/secret"
	"github.com/atrun/atrun/engine/tap"
)

// Every way a run can end is written by EndAs, read back by Parse, and told
// by Ending; secrets in the message never reach the file.
func TestEndAsRoundTrip(t *testing.T) {
	tests := []struct {
		end  Ending
		line string
	}{
		{Ending{Kind: Succeeded}, `0.001000 end`},
		{Ending{Kind: Failed, Message: "x.lua:3: boom"}, `0.001000 end failed "x.lua:3: boom"`},
		{Ending{Kind: Failed}, `0.001000 end failed`},
		{Ending{Kind: Interrupted, Message: "interrupted by Ctrl+C (SIGINT) at x.lua:3"}, `0.001000 end interrupted "interrupted by Ctrl+C (SIGINT) at x.lua:3"`},
		{Ending{Kind: TimedOut, Message: "the run did not finish within --timeout 1s"}, `0.001000 end timeout "the run did not finish within --timeout 1s"`},
		{Ending{Kind: PortLost, Message: "port /dev/ttyUSB2: read: EOF"}, `0.001000 end port-lost "port /dev/ttyUSB2: read: EOF"`},
		{Ending{Kind: Failed, Message: "bad password hunter22"}, `0.001000 end failed "bad password ***"`},
	}
	for _, tt := range tests {
		t.Run(tt.end.Kind.String(), func(t *testing.T) {
			var s secret.Set
			s.Add("hunter22")
			var buf bytes.Buffer
			rec, err := NewRecorder(&buf, Header{Start: epoch}, &s)
			if err != nil {
				t.Fatal(err)
			}
			if err := rec.EndAs(epoch.Add(ms), tt.end); err != nil {
				t.Fatal(err)
			}
			if got := strings.TrimSpace(body(buf.Bytes())); got != tt.line {
				t.Fatalf("end line %q, want %q", got, tt.line)
			}
			tr, err := Parse(buf.Bytes(), "e.atr")
			if err != nil {
				t.Fatal(err)
			}
			want := tt.end
			want.Message = s.Redact(want.Message)
			if got := tr.Ending(); got != want {
				t.Fatalf("Ending() = %+v, want %+v", got, want)
			}
		})
	}
}

func TestEndAsRefusesUnrecorded(t *testing.T) {
	rec, err := NewRecorder(&bytes.Buffer{}, Header{Start: epoch}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := rec.EndAs(epoch, Ending{}); err == nil {
		t.Fatal("EndAs accepted an unrecorded ending")
	}
	if err := rec.EndAs(epoch, Ending{Kind: Succeeded, Message: "x"}); err == nil {
		t.Fatal("EndAs accepted a success with a message")
	}
}

func TestParseEndings(t *testing.T) {
	tests := []struct {
		file string
		want Ending
		err  string
	}{
		{"atrun-transcript v1\n0 host \"AT\\r\"\n", Ending{}, ""},
		{"atrun-transcript v1\n1 end\n", Ending{Kind: Succeeded}, ""},
		{"atrun-transcript v1\n1 end \"x.lua:1: no\"\n", Ending{Kind: Failed, Message: "x.lua:1: no"}, ""},
		{"atrun-transcript v2\n1 end timeout\n", Ending{Kind: TimedOut}, ""},
		{"atrun-transcript v2\n1 end port-lost \"gone\"\n", Ending{Kind: PortLost, Message: "gone"}, ""},
		{"atrun-transcript v1\n1 end interrupted\n", Ending{}, "needs format v2"},
		{"atrun-transcript v2\n1 end crashed\n", Ending{}, `unknown end "crashed"`},
	}
	for _, tt := range tests {
		tr, err := Parse([]byte(tt.file), "e.atr")
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("%q: err %v, want %q", tt.file, err, tt.err)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%q: %v", tt.file, err)
		}
		if got := tr.Ending(); got != tt.want {
			t.Errorf("%q: Ending() = %+v, want %+v", tt.file, got, tt.want)
		}
	}
}

// A file the script read is recorded once, cut into lines, secrets
// redacted; it reads back whole, and a replay serves it without matching or
// delivering it.
func TestFileEvents(t *testing.T) {
	var s secret.Set
	s.Add("hunter22")
	var buf bytes.Buffer
	rec, err := NewRecorder(&buf, Header{Start: epoch}, &s)
	if err != nil {
		t.Fatal(err)
	}
	pem := "-----BEGIN-----\nAAAA\n-----END-----\n"
	rec.File(epoch, "ca.pem", []byte(pem))
	rec.File(epoch.Add(ms), "ca.pem", []byte("changed"))
	rec.File(epoch, "key", []byte("pw hunter22\n"))
	rec.Tap(tap.ToModem, epoch.Add(ms), []byte("AT\r"))
	rec.Tap(tap.FromModem, epoch.Add(2*ms), []byte("\r\nOK\r\n"))
	if err := rec.End(epoch.Add(3 * ms)); err != nil {
		t.Fatal(err)
	}
	want := `0.000000 file  "ca.pem" "-----BEGIN-----\n"
0.000000 file  "ca.pem" "AAAA\n"
0.000000 file  "ca.pem" "-----END-----\n"
0.000000 file  "key" "pw " <redacted> "\n"
0.001000 host  "AT\r"
0.002000 modem "\r\nOK\r\n"
0.003000 end
`
	if got := body(buf.Bytes()); got != want {
		t.Fatalf("got\n%s\nwant\n%s", got, want)
	}
	tr, err := Parse(buf.Bytes(), "f.atr")
	if err != nil {
		t.Fatal(err)
	}
	if got := string(tr.Files()["ca.pem"]); got != pem {
		t.Fatalf("Files()[ca.pem] = %q", got)
	}
	r := NewReplay(tr, Options{})
	defer r.Close()
	if data, ok := r.File("ca.pem"); !ok || string(data) != pem {
		t.Fatalf("File(ca.pem) = %q, %v", data, ok)
	}
	if _, ok := r.File("other.pem"); ok {
		t.Fatal("File serves a file the recording does not hold")
	}
	if _, err := r.Write([]byte("AT\r")); err != nil {
		t.Fatalf("the first write is matched against the first host event: %v", err)
	}
}
