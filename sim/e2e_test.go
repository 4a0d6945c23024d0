package sim_test

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/atrun/atrun/sim"
	"github.com/atrun/atrun/sim/broker"
)

const e2eTimeout = 20 * time.Second

func deadline(tb testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), e2eTimeout)
	tb.Cleanup(cancel)
	return ctx
}

// xorChecksum is the AT+QFUPL checksum, written again here so the test
// does not check the simulator against itself.
func xorChecksum(b []byte) string {
	var c uint16
	for i := 0; i < len(b); i += 2 {
		w := uint16(b[i]) << 8
		if i+1 < len(b) {
			w |= uint16(b[i+1])
		}
		c ^= w
	}
	return fmt.Sprintf("%x", c)
}

// mqttsSequence is the EC20 MQTT-over-TLS sequence of reference §7 with the
// prerequisites it lists, checked at the broker both ways.
func mqttsSequence(t testing.TB, ctx context.Context, s *sim.Sim, c *atClient) {
	t.Helper()
	up, err := s.Broker.Subscribe(ctx, "atrun/up")
	if err != nil {
		t.Fatal(err)
	}
	defer up.Close()
	prerequisites(t, ctx, c)
	provisionTLS(t, ctx, s, c)
	openSession(t, ctx, s, c)
	publishBothForms(t, ctx, c, up)
	down := `{"relay":"on","why":"a, \"quoted\" text"}`
	if err := s.Broker.Publish(ctx, "atrun/down", []byte(down), 1, false); err != nil {
		t.Fatal(err)
	}
	checkRecv(t, c.waitURC(ctx, "+QMTRECV:"), "atrun/down", down)
	c.ok(ctx, "AT+QMTDISC=0")
	if u := c.waitURC(ctx, "+QMTDISC:"); u != "+QMTDISC: 0,0" {
		t.Fatalf("disconnect: %s", u)
	}
}

// prerequisites: echo off, numeric errors, SIM, registration, attach, APN,
// URC port.
func prerequisites(t testing.TB, ctx context.Context, c *atClient) {
	t.Helper()
	c.ok(ctx, "ATE0")
	c.ok(ctx, "AT+CMEE=1")
	if info := c.ok(ctx, "AT+CPIN?"); len(info) != 1 || info[0] != "+CPIN: READY" {
		t.Fatalf("AT+CPIN? %q", info)
	}
	if info := c.ok(ctx, "AT+CEREG?"); len(info) != 1 || (info[0] != "+CEREG: 0,1" && info[0] != "+CEREG: 0,5") {
		t.Fatalf("AT+CEREG? %q", info)
	}
	c.ok(ctx, "AT+CGATT=1")
	c.ok(ctx, `AT+QICSGP=1,1,"internet","","",1`)
	if info := c.ok(ctx, `AT+QURCCFG="urcport"`); len(info) != 1 || !strings.Contains(info[0], `"usbat"`) {
		t.Fatalf("urcport %q", info)
	}
}

// provisionTLS uploads the broker's CA and configures SSL context 2 and
// MQTT client 0.
func provisionTLS(t testing.TB, ctx context.Context, s *sim.Sim, c *atClient) {
	t.Helper()
	ca, err := os.ReadFile(s.CAFile)
	if err != nil {
		t.Fatal(err)
	}
	c.cmd(ctx, `AT+QFDEL="RAM:cacert.pem"`) // may not exist
	if sum := c.upload(ctx, "RAM:cacert.pem", ca); sum != xorChecksum(ca) {
		t.Fatalf("modem checksum %s, want %s", sum, xorChecksum(ca))
	}
	for _, line := range []string{
		`AT+QMTCFG="recv/mode",0,0,1`,
		`AT+QMTCFG="ssl",0,1,2`,
		`AT+QMTCFG="version",0,4`,
		`AT+QSSLCFG="cacert",2,"RAM:cacert.pem"`,
		`AT+QSSLCFG="seclevel",2,1`,
		`AT+QSSLCFG="sslversion",2,4`,
		`AT+QSSLCFG="ciphersuite",2,0xFFFF`,
		`AT+QSSLCFG="ignorelocaltime",2,1`,
	} {
		c.ok(ctx, line)
	}
}

// openSession opens the TLS link, connects and subscribes to the downlink.
func openSession(t testing.TB, ctx context.Context, s *sim.Sim, c *atClient) {
	t.Helper()
	host, port, _ := strings.Cut(s.BrokerAddr, ":")
	c.ok(ctx, fmt.Sprintf(`AT+QMTOPEN=0,"%s",%s`, host, port))
	if u := c.waitURC(ctx, "+QMTOPEN:"); u != "+QMTOPEN: 0,0" {
		t.Fatalf("open: %s", u)
	}
	c.ok(ctx, fmt.Sprintf(`AT+QMTCONN=0,"ec20-test","%s","%s"`, s.Username, s.Password))
	if u := c.waitURC(ctx, "+QMTCONN:"); u != "+QMTCONN: 0,0,0" {
		t.Fatalf("connect: %s", u)
	}
	c.ok(ctx, `AT+QMTSUB=0,1,"atrun/down",1`)
	if u := c.waitURC(ctx, "+QMTSUB:"); u != "+QMTSUB: 0,1,0,1" {
		t.Fatalf("subscribe: %s", u)
	}
}

// publishBothForms publishes with the Ctrl+Z prompt form and with the
// fixed-length form, and finds each payload at the broker.
func publishBothForms(t testing.TB, ctx context.Context, c *atClient, up *broker.Subscription) {
	t.Helper()
	payload := `{"temp":21.5,"hum":40}`
	c.prompt(ctx, `AT+QMTPUB=0,1,1,0,"atrun/up"`)
	c.write(payload + "\x1a")
	if _, final := c.collect(ctx, ""); final != "OK" {
		t.Fatalf("publish: %s", final)
	}
	if u := c.waitURC(ctx, "+QMTPUB:"); u != "+QMTPUB: 0,1,0" {
		t.Fatalf("publish result: %s", u)
	}
	atBroker(t, ctx, up, payload)

	c.prompt(ctx, fmt.Sprintf(`AT+QMTPUBEX=0,2,1,0,"atrun/up",%d`, len(payload)))
	c.write(payload)
	if _, final := c.collect(ctx, ""); final != "OK" {
		t.Fatalf("publishex: %s", final)
	}
	if u := c.waitURC(ctx, "+QMTPUBEX:"); u != "+QMTPUBEX: 0,2,0" {
		t.Fatalf("publishex result: %s", u)
	}
	atBroker(t, ctx, up, payload)
}

func atBroker(t testing.TB, ctx context.Context, sub *broker.Subscription, payload string) {
	t.Helper()
	m, err := sub.Next(ctx)
	if err != nil {
		t.Fatalf("nothing at the broker: %v", err)
	}
	if string(m.Payload) != payload {
		t.Fatalf("broker got %q, want %q", m.Payload, payload)
	}
}

// checkRecv parses +QMTRECV: <id>,<msgid>,"<topic>",<len>,"<payload>" by
// its length field, as a host must (the payload has quotes and commas).
func checkRecv(t testing.TB, urc, topic, payload string) {
	t.Helper()
	var id, msgid, n int
	head := fmt.Sprintf(`,"%s",`, topic)
	i := strings.Index(urc, head)
	if i < 0 {
		t.Fatalf("+QMTRECV without the topic: %q", urc)
	}
	if _, err := fmt.Sscanf(urc[:i], "+QMTRECV: %d,%d", &id, &msgid); err != nil || id != 0 {
		t.Fatalf("+QMTRECV head %q: %v", urc, err)
	}
	rest := urc[i+len(head):]
	if _, err := fmt.Sscanf(rest, "%d,", &n); err != nil {
		t.Fatalf("+QMTRECV length %q: %v", urc, err)
	}
	body := rest[strings.Index(rest, ",")+1:]
	if n != len(payload) || len(body) != n+2 || body[1:n+1] != payload {
		t.Fatalf("+QMTRECV %q: length %d, payload %q", urc, n, payload)
	}
	if msgid == 0 {
		t.Errorf("QoS 1 downlink with msgid 0: %q", urc)
	}
}

// The full sequence over a real pseudo-terminal opened with go.bug.st/serial,
// against the embedded TLS broker; then the port is closed and opened again
// several times; then Close leaves no goroutine behind.
func TestEndToEndPTY(t *testing.T) {
	before := runtime.NumGoroutine()
	ctx := deadline(t)
	s, err := sim.Start(ctx, sim.Options{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	c := dialAT(t, s.DevicePath)
	c.waitBoot(ctx)
	mqttsSequence(t, ctx, s, c)
	c.close()

	for i := 0; i < 5; i++ {
		c := dialAT(t, s.DevicePath)
		c.ok(ctx, "AT")
		if info := c.ok(ctx, "AT+CSQ"); len(info) != 1 || !strings.HasPrefix(info[0], "+CSQ: ") {
			t.Fatalf("reopen %d: %q", i, info)
		}
		c.close()
	}
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if _, err := os.Stat(s.DevicePath); err == nil {
		t.Errorf("%s still exists after Close", s.DevicePath)
	}
	waitGoroutines(t, before)
}

// waitGoroutines waits until the goroutine count is back to n. Goroutines
// end asynchronously after Close returns (paho's last callbacks), so the
// count is polled until a deadline rather than read once.
func waitGoroutines(t *testing.T, n int) {
	t.Helper()
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	timeout := time.After(5 * time.Second)
	for runtime.NumGoroutine() > n {
		select {
		case <-tick.C:
		case <-timeout:
			buf := make([]byte, 1<<20)
			t.Fatalf("%d goroutines, had %d before:\n%s", runtime.NumGoroutine(), n, buf[:runtime.Stack(buf, true)])
		}
	}
}

// A symlink to the device, as socat's link= makes.
func TestLink(t *testing.T) {
	ctx := deadline(t)
	link := t.TempDir() + "/ec20"
	s, err := sim.Start(ctx, sim.Options{Link: link})
	if err != nil {
		t.Fatal(err)
	}
	c := dialAT(t, link)
	c.waitBoot(ctx)
	c.ok(ctx, "AT")
	c.close()
	s.Close()
	if _, err := os.Lstat(link); err == nil {
		t.Error("link left behind")
	}
}
