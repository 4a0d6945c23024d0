package explain

import (
	"fmt"
	"strings"
	"testing"
)

// BenchmarkScan classifies 2 MB of a time-stamped terminal log: commands,
// answers, a prompt and payload, URCs and prints.
func BenchmarkScan(b *testing.B) {
	var sb strings.Builder
	for i := 0; sb.Len() < 2<<20; i++ {
		t := fmt.Sprintf("[10:%02d:%02d.%03d] ", (i/60)%60, i%60, i%1000)
		sb.WriteString(t + "AT+CSQ\n" + t + "+CSQ: 19,99\n" + t + "OK\n" + t + "[INFO] publishing\n" + t + "AT+QMTPUBEX=0,1,1,0,\"dev1/up\",5\n" + t + "> \n" + t + "hello world\n" + t + "OK\n" + t + "+QMTPUBEX: 0,1,0\n" + t + "+QMTRECV: 0,1,\"dev1/down\",\"{}\"\n")
	}
	s := sb.String()
	b.SetBytes(int64(len(s)))
	for range b.N {
		if _, err := Scan(s, Options{}, func(Entry) error { return nil }); err != nil {
			b.Fatal(err)
		}
	}
}
