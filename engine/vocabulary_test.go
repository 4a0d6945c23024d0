package engine

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/atrun/atrun/engine/codes"
)

// urcSamples returns, for every unsolicited code engine/codes knows, a line
// codes.IsURC takes for a URC, as the modem would send it.
func urcSamples(t *testing.T) []string {
	t.Helper()
	var out []string
	for _, code := range codes.URCCodes() {
		if !strings.HasSuffix(code, ":") {
			out = append(out, code)
			continue
		}
		found := false
		for _, params := range []string{"1", "0,0", "0,0,0", `"recv",0`} {
			if line := code + " " + params; codes.IsURC(line) {
				out = append(out, line)
				found = true
				break
			}
		}
		if !found {
			t.Errorf("no sample line of %s is a URC to engine/codes", code)
		}
	}
	return out
}

// While a command is pending, every line engine/codes calls a URC goes to
// the URC queue, not into the command's answer: the engine and `atrun
// explain` (which classifies with engine/codes) agree on every code.
func TestEngineAgreesWithCodesOnURCs(t *testing.T) {
	for _, line := range urcSamples(t) {
		t.Run(line, func(t *testing.T) {
			wire := "\r\n" + line + "\r\n"
			want := line
			if codes.TakesNextLine(line) {
				wire += "some text\r\n"
			}
			c, _ := startFake(t, 1, step{"AT+CSQ\r", "AT+CSQ\r" + wire + "\r\n+CSQ: 20,99\r\n\r\nOK\r\n"})
			resp, err := c.Send(ctxT(t), "AT+CSQ")
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(resp.Lines, []string{"+CSQ: 20,99"}) {
				t.Errorf("the command took %q", resp.Lines)
			}
			if q := c.Queued(); len(q) != 1 || q[0].Text != want {
				t.Errorf("queued %+v, want %q", q, want)
			}
		})
	}
}

// The codes the issue found missing: each arrives while a command is
// pending and must reach wait_urc, the SMS with its text.
func TestURCsOnceFiledAsAnswers(t *testing.T) {
	urcs := []struct{ wire, text, data string }{
		{"\r\n+CMT: \"+491701234567\",,\"26/03/02,09:15:04+04\"\r\nmeet at 5\r\n", `+CMT: "+491701234567",,"26/03/02,09:15:04+04"`, "meet at 5"},
		{"\r\n+CMTI: \"SM\",3\r\n", `+CMTI: "SM",3`, ""},
		{"\r\n+CDS: 25\r\n07919471060040340409D0\r\n", "+CDS: 25", "07919471060040340409D0"},
		{"\r\n+CTZV: +04,0\r\n", "+CTZV: +04,0", ""},
		{"\r\nNORMAL POWER DOWN\r\n", "NORMAL POWER DOWN", ""},
		{"\r\n+QNTP: 0,\"2026/03/02,09:15:04+04,0\"\r\n", `+QNTP: 0,"2026/03/02,09:15:04+04,0"`, ""},
		{"\r\n+QHTTPGET: 0,200,512\r\n", "+QHTTPGET: 0,200,512", ""},
	}
	var wire strings.Builder
	for _, u := range urcs {
		wire.WriteString(u.wire)
	}
	for _, chunk := range chunkSizes {
		t.Run(fmt.Sprint("chunk", chunk), func(t *testing.T) {
			c, _ := startFake(t, chunk, step{"ATI\r", "ATI\r" + wire.String() + "\r\nQuectel\r\n\r\nOK\r\n"})
			resp, err := c.Send(ctxT(t), "ATI")
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(resp.Lines, []string{"Quectel"}) {
				t.Errorf("ATI took %q", resp.Lines)
			}
			for _, u := range urcs {
				got, err := c.WaitURC(ctxT(t), Prefix(u.text), 0)
				if err != nil || got.Text != u.text || got.Data != u.data {
					t.Errorf("%q: got %+v, %v", u.text, got, err)
				}
			}
		})
	}
}

// Every final result engine/codes knows ends a command in the engine, with
// the same outcome.
func TestEngineAgreesWithCodesOnFinals(t *testing.T) {
	lines := append(codes.FinalWords(), "+CME ERROR: 10", "+cme error: 10", "+CME ERROR: SIM not inserted", "+CMS ERROR: 500", "CONNECT 115200")
	for _, line := range lines {
		f, ok := codes.ParseFinal(line)
		if !ok {
			t.Fatalf("codes does not take %q for a final result", line)
		}
		t.Run(line, func(t *testing.T) {
			c, _ := startFake(t, 0, step{"AT+X\r", "\r\n" + line + "\r\n"})
			resp, err := c.Send(ctxT(t), "AT+X")
			if f.Success != (err == nil) {
				t.Fatalf("codes says success=%v, the engine answered %+v %v", f.Success, resp, err)
			}
			if err == nil && resp.Final != line {
				t.Fatalf("final %q", resp.Final)
			}
		})
	}
}

func FuzzFinalAgreesWithCodes(f *testing.F) {
	for _, s := range append(codes.FinalWords(), "+CME ERROR: 10", "CONNECT 9600", "OKAT", " OK", "+CMS ERROR:", "CONNECTED") {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		parsed, ok := codes.ParseFinal(line)
		got := finalOf(line)
		switch {
		case ok != (got != notFinal):
			t.Fatalf("%q: codes says final=%v, the engine %v", line, ok, got)
		case ok && (parsed.Kind == "CONNECT") != (got == connect):
			t.Fatalf("%q: codes says %s, the engine %v", line, parsed.Kind, got)
		case ok && parsed.Kind != "CONNECT" && parsed.Success != (got == success):
			t.Fatalf("%q: codes says success=%v, the engine %v", line, parsed.Success, got)
		}
	})
}
