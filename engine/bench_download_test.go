package engine

import (
	"bytes"
	"testing"
)

// BenchmarkFramerDownload frames a 64 KiB HTTP body holding a line end
// every 64 bytes, read in 4 KiB pieces, until the OK that ends it: the cost
// of looking for the end at each line end.
func BenchmarkFramerDownload(b *testing.B) {
	line := append(bytes.Repeat([]byte("x"), 62), '\r', '\n')
	body := bytes.Repeat(line, 1024)
	stream := append(append([]byte("\r\nCONNECT\r\n"), body...), "\r\nOK\r\n"...)
	b.SetBytes(int64(len(stream)))
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		var f framer
		got := 0
		for off := 0; off < len(stream); off += 4096 {
			f.feed(stream[off:min(off+4096, len(stream))], func(fr Frame) {
				switch fr.Kind {
				case Line:
					if fr.Text == "CONNECT" {
						f.startDownload(download{end: okEnd})
					}
				case Data:
					got = len(fr.Text)
				}
			})
		}
		if got != len(body) {
			b.Fatalf("data %d bytes, want %d", got, len(body))
		}
	}
}
