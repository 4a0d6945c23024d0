package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"io"
	"net/http"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/atrun/atrun/sim"
)

// The curl line atrun sim prints works: its CA verifies the HTTPS server,
// which answers GET /.
func TestSimPrintsServers(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	s, err := sim.Start(ctx, sim.Options{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var out bytes.Buffer
	printServers(&out, s, s.DevicePath)
	for _, w := range []string{"nc 127.0.0.1 ", "nc -u 127.0.0.1 ", "openssl s_client", "atrun run ec20_tcp --port", "atrun run ec20_https --port"} {
		if !strings.Contains(out.String(), w) {
			t.Errorf("output lacks %q:\n%s", w, out.String())
		}
	}
	m := regexp.MustCompile(`curl --cacert (\S+) (https://\S+)`).FindStringSubmatch(out.String())
	if m == nil {
		t.Fatalf("no curl line:\n%s", out.String())
	}
	pem, err := os.ReadFile(m[1])
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(pem)
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}, Timeout: 10 * time.Second}
	resp, err := client.Get(m[2])
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 || string(body) != sim.HelloBody {
		t.Fatalf("GET %s: %d %q", m[2], resp.StatusCode, body)
	}
}
