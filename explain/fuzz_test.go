package explain

import (
	"bytes"
	"testing"

	"github.com/atrun/atrun/engine/transcript"
)

// fuzzSeeds are small logs of every format.
var fuzzSeeds = []string{
	"AT\r\r\nOK\r\n> \r\nSEND OKAT+QIRD=0,0\r\r\n+QIRD: 0\r\n",
	"[SEND][3][AT\\r]\n[RECV][9][AT\\r\\r\\nOK\\r\\n]\n[SEND][1][\\x1a]\n",
	"17:13:30.563 -> AT\n17:13:30.563 -> AT\n\n17:13:30.600 -> POWERED DOWN[6036] ### x\n",
	"06:37:04.740 > bgxx: >> AT+QMTOPEN=0,\"h\",8883\n06:37:04.825 > bgxx: << OK\n<- AT\n-> >\n",
	"AT+QFUPL=\"a\",1,1\nCONNECT\n<x> +QFUPL: 1,2\nOK +QMTDISC: 0,0\n>payload OK\n[1] ### Unhandled: RDY\n",
	"[16:30:44.029]???\n+CSQ: 31,99\n\nOK\nRROR\n",
}

func FuzzParse(f *testing.F) {
	for _, s := range fuzzSeeds {
		for i := range len(Formats) + 1 {
			f.Add([]byte(s), uint8(i))
		}
	}
	f.Fuzz(func(t *testing.T, data []byte, format uint8) {
		opts := Options{}
		if int(format) < len(Formats) {
			opts.Format = Formats[format]
		}
		entries, err := Parse(bytes.NewReader(data), opts)
		if err != nil {
			t.Fatalf("Parse: %v", err)
		}
		lines := bytes.Count(data, []byte("\n")) + 1
		if lines == 1 {
			lines += bytes.Count(data, []byte("\r")) // CR line ends
		}
		for _, e := range entries {
			if e.Line < 1 || e.Line > lines {
				t.Fatalf("entry %+v: line outside 1..%d", e, lines)
			}
			if e.Kind == "" {
				t.Fatalf("entry %+v has no kind", e)
			}
		}
	})
}

func FuzzConversation(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		events, err := Conversation(bytes.NewReader(data), Options{})
		if err != nil {
			t.Fatalf("Conversation: %v", err)
		}
		for i, ev := range events {
			if ev.Dir != Host && ev.Dir != Modem {
				t.Fatalf("event %d: direction %q", i, ev.Dir)
			}
			if i > 0 && ev.Offset < events[i-1].Offset {
				t.Fatalf("event %d goes back in time", i)
			}
		}
	})
}

// An import of any input is an error or a transcript that reads back.
func FuzzImport(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add([]byte(s))
	}
	f.Add([]byte("[14:17:35.895] AT+QMTOPEN=0,\"b.exa\n[14:17:35.904] mple\",1\r[x] OK\n"))
	f.Add([]byte("  Jan 03 15:35:42 h d[1]: Response: [+QCFG: 1\\r\\n\\r\\nOK]\n\t---> AT\n<- AT (12)\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		var b bytes.Buffer
		if err := Import(&b, data, ImportOptions{Name: "fuzz"}); err != nil {
			return
		}
		if _, err := transcript.Parse(b.Bytes(), "fuzz"); err != nil {
			t.Fatalf("the import does not read back: %v\n%s", err, b.String())
		}
	})
}
