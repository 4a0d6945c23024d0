package engine

import (
	"bytes"
	"reflect"
	"testing"
)

// decodeAll decodes the pieces in turn with one decoder, and returns the
// data and the events with their positions counted from the stream's first
// data byte.
func decodeAll(pieces ...[]byte) ([]byte, []telnetEvent) {
	var (
		d      telnetDecoder
		data   []byte
		events []telnetEvent
	)
	for _, p := range pieces {
		base := len(data)
		var evs []telnetEvent
		data, evs = d.decode(p, data, nil)
		for _, ev := range evs {
			ev.At += base
			events = append(events, ev)
		}
	}
	return data, events
}

// A stream with everything a server sends: data with an escaped 0xFF,
// negotiation, a lone command, sub-negotiations with 0xFF inside, and one
// broken off by a command.
var telnetStream = bytes.Join([][]byte{
	[]byte("AT\r"),
	{telIAC, telWILL, optEcho},
	{'x', telIAC, telIAC, 'y'},
	{telIAC, telNOP},
	{telIAC, telSB, optComPort, cpReply + cpSetBaud, 0, 0, telIAC, telIAC, telIAC, telIAC, telIAC, telSE},
	[]byte("\r\nOK\r\n"),
	{telIAC, telSB, optComPort, cpNotifyModemState, 0x30, telIAC, telWONT, optSGA},
	{telIAC, telDO, optComPort, 0xFE, telIAC, telSE, 'z'},
}, nil)

var telnetStreamData = []byte("AT\rx\xffy\r\nOK\r\n\xfez")

var telnetStreamEvents = []telnetEvent{
	{At: 3, Verb: telWILL, Opt: optEcho},
	{At: 6, Verb: telNOP},
	{At: 6, Verb: telSB, Opt: optComPort, Data: []byte{cpReply + cpSetBaud, 0, 0, 0xFF, 0xFF}},
	{At: 12, Verb: telWONT, Opt: optSGA},
	{At: 12, Verb: telDO, Opt: optComPort},
}

func TestTelnetDecodeWhole(t *testing.T) {
	data, events := decodeAll(telnetStream)
	if !bytes.Equal(data, telnetStreamData) {
		t.Errorf("data %q, want %q", data, telnetStreamData)
	}
	if !reflect.DeepEqual(events, telnetStreamEvents) {
		t.Errorf("events\n%+v\nwant\n%+v", events, telnetStreamEvents)
	}
}

// Reads end anywhere: at every split, and byte by byte, the decoder finds
// what it finds in one piece.
func TestTelnetDecodeEverySplit(t *testing.T) {
	for i := 0; i <= len(telnetStream); i++ {
		for j := i; j <= len(telnetStream); j++ {
			data, events := decodeAll(telnetStream[:i], telnetStream[i:j], telnetStream[j:])
			if !bytes.Equal(data, telnetStreamData) || !reflect.DeepEqual(events, telnetStreamEvents) {
				t.Fatalf("split at %d and %d: data %q events %+v", i, j, data, events)
			}
		}
	}
	var pieces [][]byte
	for i := range telnetStream {
		pieces = append(pieces, telnetStream[i:i+1])
	}
	data, events := decodeAll(pieces...)
	if !bytes.Equal(data, telnetStreamData) || !reflect.DeepEqual(events, telnetStreamEvents) {
		t.Fatalf("byte by byte: data %q events %+v", data, events)
	}
}

// A sub-negotiation that never ends costs a bounded buffer.
func TestTelnetSubnegBounded(t *testing.T) {
	var d telnetDecoder
	long := append([]byte{telIAC, telSB, optComPort}, bytes.Repeat([]byte{'s'}, 10*maxSubneg)...)
	d.decode(long, nil, nil)
	if len(d.sb) > maxSubneg {
		t.Fatalf("sub-negotiation buffer grew to %d", len(d.sb))
	}
	_, events := d.decode([]byte{telIAC, telSE, 'a'}, nil, nil)
	if len(events) != 1 || len(events[0].Data) != maxSubneg {
		t.Fatalf("%+v", events)
	}
}

func TestEscape(t *testing.T) {
	all := make([]byte, 256)
	for i := range all {
		all[i] = byte(i)
	}
	esc := appendEscaped(nil, all)
	if len(esc) != 257 || !bytes.HasSuffix(esc, []byte{0xFE, 0xFF, 0xFF}) {
		t.Fatalf("escaped % x", esc[250:])
	}
	for n := 0; n <= len(esc); n++ {
		want := n
		if n == 256 { // half of the doubled 0xFF: not written
			want = 255
		}
		if n == 257 {
			want = 256
		}
		if got := escapedLen(all, n); got != want {
			t.Errorf("escapedLen(%d) = %d, want %d", n, got, want)
		}
	}
	sub := appendSubneg(nil, optComPort, cpSetBaud, 0, 0, 0xFF, 0xFF)
	want := []byte{telIAC, telSB, optComPort, cpSetBaud, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF, telIAC, telSE}
	if !bytes.Equal(sub, want) {
		t.Fatalf("sub-negotiation % x, want % x", sub, want)
	}
}

// FuzzTelnetDecode: no input panics the decoder; any split decodes as the
// whole does; escaped data decodes to itself with no event.
func FuzzTelnetDecode(f *testing.F) {
	f.Add(telnetStream, uint16(5), []byte("\xff\xff\xfa"))
	f.Add([]byte{telIAC, telSB, telIAC, telIAC, telIAC}, uint16(2), []byte{0})
	f.Fuzz(func(t *testing.T, stream []byte, cut uint16, data []byte) {
		i := int(cut) % (len(stream) + 1)
		wholeData, wholeEvents := decodeAll(stream)
		splitData, splitEvents := decodeAll(stream[:i], stream[i:])
		if !bytes.Equal(wholeData, splitData) || !reflect.DeepEqual(wholeEvents, splitEvents) {
			t.Fatalf("split at %d: %q %+v, whole: %q %+v", i, splitData, splitEvents, wholeData, wholeEvents)
		}
		for _, ev := range wholeEvents {
			if ev.At < 0 || ev.At > len(wholeData) {
				t.Fatalf("event at %d of %d data bytes", ev.At, len(wholeData))
			}
		}
		got, events := decodeAll(appendEscaped(nil, data))
		if !bytes.Equal(got, data) || len(events) != 0 {
			t.Fatalf("escaped %q decodes to %q %+v", data, got, events)
		}
	})
}

// BenchmarkTelnetDecode measures the decoder on modem output with a 0xFF
// in every 64 bytes and a NOTIFY-MODEMSTATE every 4 KiB: the cost the
// RFC 2217 port adds to each byte read.
func BenchmarkTelnetDecode(b *testing.B) {
	chunk := bytes.Repeat([]byte("\r\n+QMTRECV: 0,1,\"t\",\"payload payload payload\"\r\n\xff\xff"), 64)
	chunk = append(chunk, telIAC, telSB, optComPort, cpNotifyModemState, 0x30, telIAC, telSE)
	var d telnetDecoder
	out := make([]byte, 0, len(chunk))
	var events []telnetEvent
	b.SetBytes(int64(len(chunk)))
	for b.Loop() {
		out, events = d.decode(chunk, out[:0], events[:0])
	}
}
