package term

import (
	"context"
	"io"
	"testing"

	"github.com/atrun/atrun/engine"
	"github.com/atrun/atrun/engine/secret"
)

// benchSession opens a recording session on a virtual EC20, its output
// discarded.
func benchSession(b *testing.B) *Session {
	b.Helper()
	v := startSim(b)
	rw, err := engine.Open(context.Background(), v.DevicePath, engine.SerialConfig{Baud: 115200})
	if err != nil {
		b.Fatal(err)
	}
	s := newSession(rw, v.DevicePath, &printer{w: io.Discard}, &secret.Set{}, 0)
	b.Cleanup(func() { s.Close() })
	if err := s.beginRecording(); err != nil {
		b.Fatal(err)
	}
	return s
}

// BenchmarkCommand is one typed command on the virtual EC20: sent,
// answered, decoded, printed and kept for the export.
func BenchmarkCommand(b *testing.B) {
	s := benchSession(b)
	ctx := context.Background()
	for b.Loop() {
		s.Do(ctx, "AT+CSQ", nil)
	}
}

// BenchmarkSendOnly is the same command through the engine alone: the
// difference is what the terminal adds.
func BenchmarkSendOnly(b *testing.B) {
	s := benchSession(b)
	ctx := context.Background()
	for b.Loop() {
		if _, err := s.conn.Send(ctx, "AT+CSQ"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkExport writes a session of 200 commands as a script and its
// transcript.
func BenchmarkExport(b *testing.B) {
	s := benchSession(b)
	ctx := context.Background()
	for range 200 {
		s.Do(ctx, "AT+CSQ", nil)
	}
	path := b.TempDir() + "/s.lua"
	for b.Loop() {
		if _, _, err := s.Export(path); err != nil {
			b.Fatal(err)
		}
	}
}
