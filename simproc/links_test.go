package simproc

import (
	"bufio"
	"net"
	"runtime"
	"strings"
	"testing"
	"time"
)

// With Links each modem is served on a socket whose other end is its
// Modem.Link: it answers there, has no device, is named by its model and
// index, and a run closing its link ends that modem alone.
func TestLinksServeModems(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("links need Linux")
	}
	c := start(t, Options{Count: 3, Links: true})
	if len(c.Modems) != 3 {
		t.Fatalf("%d modems, want 3", len(c.Modems))
	}
	for i, m := range c.Modems {
		if m.Link == nil || m.Device != "" {
			t.Fatalf("modem %d: link %v, device %q: want a link and no device", i+1, m.Link, m.Device)
		}
		if want := "virtual-ec20-" + string(rune('1'+i)); m.Name() != want {
			t.Errorf("modem %d is named %q, want %q", i+1, m.Name(), want)
		}
	}
	// The first run ends: its modem goes, the others still answer, each
	// with its own IMEI.
	imeiOf(t, c.Modems[0].Link)
	c.Modems[0].Link.Close()
	imeis := map[string]bool{}
	for _, m := range c.Modems[1:] {
		imeis[imeiOf(t, m.Link)] = true
	}
	if len(imeis) != 2 {
		t.Errorf("two modems, %d distinct IMEIs: %v", len(imeis), imeis)
	}
	if err := c.Close(); err != nil {
		t.Errorf("close: %v", err)
	}
}

// imeiOf asks the modem on conn for its IMEI (AT+GSN) and returns it. The
// boot URCs that may come first are skipped.
func imeiOf(t *testing.T, conn net.Conn) string {
	t.Helper()
	if _, err := conn.Write([]byte("AT+GSN\r")); err != nil {
		t.Fatal(err)
	}
	conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	r := bufio.NewReader(conn)
	imei := ""
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			t.Fatalf("reading the answer to AT+GSN: %v", err)
		}
		switch line = strings.TrimSpace(line); {
		case line == "OK":
			if imei == "" {
				t.Fatal("AT+GSN answered OK with no IMEI")
			}
			return imei
		case len(line) == 15 && strings.Trim(line, "0123456789") == "":
			imei = line
		}
	}
}
