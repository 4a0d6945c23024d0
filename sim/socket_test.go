package sim

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// runServers starts the loopback servers for one test.
func runServers(t *testing.T) *Servers {
	t.Helper()
	s, err := StartServers(nil, "", t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func splitAddr(t *testing.T, addr string) (string, int) {
	t.Helper()
	host, p, err := net.SplitHostPort(addr)
	if err != nil {
		t.Fatal(err)
	}
	n, _ := strconv.Atoi(p)
	return host, n
}

// socketReady boots a modem with echo off, ready for sockets.
func socketReady(t *testing.T, opts Options) *harness {
	t.Helper()
	h := newHarness(t, opts)
	h.bootDone()
	h.echoOff()
	return h
}

var qirdRE = regexp.MustCompile(`^\r\n\+(QIRD|QSSLRECV): (\d+)\r\n`)

// readSocket reads with cmd (AT+QIRD=<id>,1500 or AT+QSSLRECV=...) until n
// bytes came, waiting for the "recv" URC before each read that finds
// nothing, and returns them.
func (h *harness) readSocket(cmd, urc string, n int) string {
	h.t.Helper()
	var got []byte
	h.urc(urc)
	for len(got) < n {
		out := h.cmd(cmd)
		mm := qirdRE.FindStringSubmatch(out)
		if mm == nil {
			h.t.Fatalf("%s answered %q", cmd, out)
		}
		k, _ := strconv.Atoi(mm[2])
		if k == 0 {
			h.urc(urc)
			continue
		}
		rest := out[len(mm[0]):]
		if want := k + len("\r\n\r\nOK\r\n"); len(rest) != want || !strings.HasSuffix(rest, "\r\n\r\nOK\r\n") {
			h.t.Fatalf("%s: %d bytes announced, answer %q", cmd, k, out)
		}
		got = append(got, rest[:k]...)
	}
	return string(got)
}

// The buffer-access session of the TCP/IP application note: open, send
// with a length, "recv" URC, read, the counters, state, close.
func TestTCPSocketBufferMode(t *testing.T) {
	srv := runServers(t)
	h := socketReady(t, Options{})
	host, p := splitAddr(t, srv.EchoAddr)
	h.must(fmt.Sprintf(`AT+QIOPEN=1,0,"TCP","%s",%d,0,0`, host, p), ok)
	if got := h.urc("+QIOPEN:"); got != "+QIOPEN: 0,0" {
		t.Fatalf("open: %q", got)
	}
	h.send("AT+QISEND=0,5\r")
	h.expect("\r\n> ")
	h.send("hello")
	h.expect("\r\nSEND OK\r\n")
	if got := h.readSocket("AT+QIRD=0,1500", `+QIURC: "recv",0`, 5); got != "hello" {
		t.Fatalf("echo %q", got)
	}
	h.must("AT+QIRD=0,1500", "\r\n+QIRD: 0\r\n\r\nOK\r\n")
	h.must("AT+QIRD=0,0", "\r\n+QIRD: 5,5,0\r\n\r\nOK\r\n")
	h.must("AT+QISEND=0,0", "\r\n+QISEND: 5,5,0\r\n\r\nOK\r\n")
	state := h.cmd("AT+QISTATE=1,0")
	if !regexp.MustCompile(`^\r\n\+QISTATE: 0,"TCP","127.0.0.1",` + strconv.Itoa(p) + `,\d+,2,1,0,0,"usbat"\r\n\r\nOK\r\n$`).MatchString(state) {
		t.Fatalf("AT+QISTATE=1,0: %q", state)
	}
	h.must("AT+QICLOSE=0", ok)
	h.must("AT+QISTATE?", ok)
	h.must("AT+QISEND=0,5", "\r\nERROR\r\n")
}

// Direct push mode: the data follows the URC; Ctrl+Z ends a prompt
// without a length, ESC cancels one.
func TestTCPSocketPushMode(t *testing.T) {
	srv := runServers(t)
	h := socketReady(t, Options{})
	host, p := splitAddr(t, srv.EchoAddr)
	h.must(fmt.Sprintf(`AT+QIOPEN=1,3,"TCP","%s",%d,0,1`, host, p), ok)
	if got := h.urc("+QIOPEN:"); got != "+QIOPEN: 3,0" {
		t.Fatalf("open: %q", got)
	}
	h.send("AT+QISEND=3\r")
	h.expect("\r\n> ")
	h.send("ping\x1a")
	h.expect("\r\nSEND OK\r\n")
	var got string
	for len(got) < 4 {
		line := h.urc(`+QIURC: "recv",3,`)
		n, _ := strconv.Atoi(strings.TrimPrefix(line, `+QIURC: "recv",3,`))
		data := h.until("\r\n")
		if len(data) != n+2 {
			t.Fatalf("URC %q announced %d bytes, got %q", line, n, data)
		}
		got += data[:n]
	}
	if got != "ping" {
		t.Fatalf("echo %q", got)
	}
	h.send("AT+QISEND=3\r")
	h.expect("\r\n> ")
	h.send("never\x1b")
	h.expect(ok)
	h.must("AT+QICLOSE=3", ok)
}

func TestUDPSocket(t *testing.T) {
	srv := runServers(t)
	h := socketReady(t, Options{})
	host, p := splitAddr(t, srv.UDPEchoAddr)
	h.must(fmt.Sprintf(`AT+QIOPEN=1,1,"UDP","%s",%d,0,0`, host, p), ok)
	if got := h.urc("+QIOPEN:"); got != "+QIOPEN: 1,0" {
		t.Fatalf("open: %q", got)
	}
	h.send("AT+QISEND=1,8\r")
	h.expect("\r\n> ")
	h.send("datagram")
	h.expect("\r\nSEND OK\r\n")
	if got := h.readSocket("AT+QIRD=1,1500", `+QIURC: "recv",1`, 8); got != "datagram" {
		t.Fatalf("echo %q", got)
	}
	if st := h.cmd("AT+QISTATE=1,1"); !strings.Contains(st, `+QISTATE: 1,"UDP","127.0.0.1"`) {
		t.Fatalf("state %q", st)
	}
}

// Errors a script meets: an identifier in use, a closed port, reads and
// sends on sockets that are not there, a peer that goes away.
func TestSocketErrors(t *testing.T) {
	srv := runServers(t)
	h := socketReady(t, Options{})
	host, p := splitAddr(t, srv.EchoAddr)
	open := fmt.Sprintf(`AT+QIOPEN=1,0,"TCP","%s",%d,0,0`, host, p)
	h.must(open, ok)
	h.urc("+QIOPEN: 0,0")
	h.must(open, ok)
	if got := h.urc("+QIOPEN:"); got != "+QIOPEN: 0,563" {
		t.Fatalf("second open: %q", got)
	}
	h.must("AT+QIGETERROR", "\r\n+QIGETERROR: 563,socket identity has been used\r\n\r\nOK\r\n")
	h.must("AT+QIRD=5,100", "\r\nERROR\r\n")
	h.must("AT+QISEND=5", "\r\nERROR\r\n")
	h.must(`AT+QIOPEN=1,2,"TCP LISTENER","127.0.0.1",0,2020,0`, "\r\nERROR\r\n")
	h.must(`AT+QIOPEN=1,2,"TCP","127.0.0.1",80,0,2`, "\r\nERROR\r\n")
	h.must(`AT+QIOPEN=1,12,"TCP","127.0.0.1",80`, "\r\nERROR\r\n")
	dead := closedAddr()
	dh, dp := splitAddr(t, dead)
	h.must(fmt.Sprintf(`AT+QIOPEN=1,4,"TCP","%s",%d,0,0`, dh, dp), ok)
	if got := h.urc("+QIOPEN:"); got != "+QIOPEN: 4,566" {
		t.Fatalf("open to a closed port: %q", got)
	}
	h.must("AT+CMEE=2", ok)
	h.must("AT+QIRD=4,1", "\r\nERROR\r\n")
}

// server-down and drop-connection act on sockets as they act on MQTT.
func TestSocketFaults(t *testing.T) {
	srv := runServers(t)
	host, p := splitAddr(t, srv.EchoAddr)
	open := fmt.Sprintf(`AT+QIOPEN=1,0,"TCP","%s",%d,0,0`, host, p)
	t.Run("server-down", func(t *testing.T) {
		h := socketReady(t, Options{Faults: Faults{ServerDown: true}})
		h.must(open, ok)
		if got := h.urc("+QIOPEN:"); got != "+QIOPEN: 0,566" {
			t.Fatalf("open: %q", got)
		}
	})
	t.Run("drop-connection", func(t *testing.T) {
		h := socketReady(t, Options{Faults: Faults{DropConnection: 20 * time.Second}})
		h.must(open, ok)
		h.urc("+QIOPEN: 0,0")
		h.advance(20*time.Second, 1)
		if got := h.urc(`+QIURC: "closed"`); got != `+QIURC: "closed",0` {
			t.Fatalf("got %q", got)
		}
		h.must("AT+QISEND=0,1", "\r\nERROR\r\n")
		if st := h.cmd("AT+QISTATE=1,0"); !strings.Contains(st, `,4,1,0,0,"usbat"`) {
			t.Fatalf("state after the drop: %q", st)
		}
		h.must("AT+QICLOSE=0", ok)
	})
}

// sslReady uploads the servers' CA and configures SSL context 1 to verify
// with it.
func sslReady(t *testing.T, h *harness, caFile string) {
	t.Helper()
	ca, err := os.ReadFile(caFile)
	if err != nil {
		t.Fatal(err)
	}
	h.upload("RAM:ca.pem", ca)
	h.must(`AT+QSSLCFG="cacert",1,"RAM:ca.pem"`, ok)
	h.must(`AT+QSSLCFG="seclevel",1,1`, ok)
}

func TestSSLSocket(t *testing.T) {
	srv := runServers(t)
	host, p := splitAddr(t, srv.EchoTLSAddr)
	open := fmt.Sprintf(`AT+QSSLOPEN=1,1,4,"%s",%d,0`, host, p)
	t.Run("echo", func(t *testing.T) {
		h := socketReady(t, Options{})
		sslReady(t, h, srv.CAFile)
		h.must(open, ok)
		if got := h.urc("+QSSLOPEN:"); got != "+QSSLOPEN: 4,0" {
			t.Fatalf("open: %q", got)
		}
		h.send("AT+QSSLSEND=4,6\r")
		h.expect("\r\n> ")
		h.send("secret")
		h.expect("\r\nSEND OK\r\n")
		if got := h.readSocket("AT+QSSLRECV=4,1500", `+QSSLURC: "recv",4`, 6); got != "secret" {
			t.Fatalf("echo %q", got)
		}
		if st := h.cmd("AT+QSSLSTATE=4"); !strings.Contains(st, `+QSSLSTATE: 4,"SSLClient","127.0.0.1",`+strconv.Itoa(p)) ||
			!strings.HasSuffix(st, `,"usbat",1`+"\r\n\r\nOK\r\n") {
			t.Fatalf("state %q", st)
		}
		h.must("AT+QSSLCLOSE=4", ok)
	})
	failures := []struct {
		name   string
		opts   Options
		caFile string
	}{
		{"wrong CA", Options{}, writeTemp(t, []byte(otherCA(t)))},
		{"tls-failure", Options{Faults: Faults{TLSFailure: true}}, srv.CAFile},
	}
	for _, tt := range failures {
		t.Run(tt.name, func(t *testing.T) {
			h := socketReady(t, tt.opts)
			sslReady(t, h, tt.caFile)
			h.must(open, ok)
			if got := h.urc("+QSSLOPEN:"); got != "+QSSLOPEN: 4,566" {
				t.Fatalf("open: %q", got)
			}
			h.must("AT+QSSLSEND=4,1", "\r\nERROR\r\n")
		})
	}
}

func otherCA(t *testing.T) string {
	s, err := StartServers(nil, "", t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	b, err := os.ReadFile(s.CAFile)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// sendConnect sends a command that answers CONNECT, then the data.
func (h *harness) sendConnect(cmd, data string) {
	h.t.Helper()
	h.send(cmd + "\r")
	h.expect("\r\nCONNECT\r\n")
	h.send(data)
	h.expect(ok)
}

func TestHTTP(t *testing.T) {
	srv := runServers(t)
	setURL := func(h *harness, u string) {
		h.sendConnect(fmt.Sprintf("AT+QHTTPURL=%d,80", len(u)), u)
	}
	t.Run("GET and POST over HTTPS", func(t *testing.T) {
		h := socketReady(t, Options{})
		sslReady(t, h, srv.CAFile)
		h.must(`AT+QHTTPCFG="contextid",1`, ok)
		h.must(`AT+QHTTPCFG="sslctxid",1`, ok)
		h.must(`AT+QHTTPCFG="sslctxid"`, "\r\n+QHTTPCFG: \"sslctxid\",1\r\n\r\nOK\r\n")
		setURL(h, srv.HTTPSURL)
		h.must("AT+QHTTPGET=80", ok)
		if got, want := h.urc("+QHTTPGET:"), fmt.Sprintf("+QHTTPGET: 0,200,%d", len(HelloBody)); got != want {
			t.Fatalf("GET: %q, want %q", got, want)
		}
		h.must("AT+QHTTPREAD=80", "\r\nCONNECT\r\n"+HelloBody+"\r\nOK\r\n")
		if got := h.urc("+QHTTPREAD:"); got != "+QHTTPREAD: 0" {
			t.Fatalf("read: %q", got)
		}
		body := `{"t":21.5}`
		h.sendConnect(fmt.Sprintf("AT+QHTTPPOST=%d,80,80", len(body)), body)
		if got := h.urc("+QHTTPPOST:"); got != fmt.Sprintf("+QHTTPPOST: 0,200,%d", len(body)) {
			t.Fatalf("POST: %q", got)
		}
		h.must("AT+QHTTPREAD=80", "\r\nCONNECT\r\n"+body+"\r\nOK\r\n")
		h.urc("+QHTTPREAD: 0")
	})
	t.Run("headers and status", func(t *testing.T) {
		h := socketReady(t, Options{})
		setURL(h, srv.HTTPURL+"status/404")
		h.must(`AT+QHTTPCFG="responseheader",1`, ok)
		h.must("AT+QHTTPGET=80", ok)
		if got := h.urc("+QHTTPGET:"); got != "+QHTTPGET: 0,404,11" {
			t.Fatalf("GET: %q", got)
		}
		out := h.cmd("AT+QHTTPREAD=80")
		if !strings.HasPrefix(out, "\r\nCONNECT\r\nHTTP/1.1 404 Not Found\r\n") || !strings.HasSuffix(out, "\r\n\r\nstatus 404\n\r\nOK\r\n") {
			t.Fatalf("read with header: %q", out)
		}
		h.urc("+QHTTPREAD: 0")
		h.must(`AT+QHTTPCFG="responseheader",0`, ok)
		h.must(`AT+QHTTPCFG="requestheader",1`, ok)
		setURL(h, srv.HTTPURL)
		req := "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nhi"
		h.sendConnect(fmt.Sprintf("AT+QHTTPPOST=%d,80,80", len(req)), req)
		if got := h.urc("+QHTTPPOST:"); got != "+QHTTPPOST: 0,200,2" {
			t.Fatalf("POST with header: %q", got)
		}
	})
	t.Run("errors", func(t *testing.T) {
		h := socketReady(t, Options{Faults: Faults{ServerDown: true}})
		h.must("AT+QHTTPREAD=80", "\r\n+CME ERROR: 705\r\n")
		h.must("AT+QHTTPGET=80", ok)
		if got := h.urc("+QHTTPGET:"); got != "+QHTTPGET: 712" {
			t.Fatalf("no URL: %q", got)
		}
		setURL(h, "ftp://example.com/")
		h.must("AT+QHTTPGET=80", ok)
		h.urc("+QHTTPGET: 711")
		setURL(h, srv.HTTPURL)
		h.must("AT+QHTTPGET=80", ok)
		if got := h.urc("+QHTTPGET:"); got != "+QHTTPGET: 716" {
			t.Fatalf("server down: %q", got)
		}
		h.must(`AT+QHTTPCFG="nosuch",1`, "\r\nERROR\r\n")
		h.send("AT+QHTTPURL=10,5\r")
		h.expect("\r\nCONNECT\r\n")
		h.send("short")
		h.advance(5*time.Second, 1)
		h.expect("\r\n+CME ERROR: 702\r\n")
	})
	t.Run("drop-connection", func(t *testing.T) {
		h := socketReady(t, Options{Faults: Faults{DropConnection: time.Second}})
		setURL(h, srv.HTTPURL)
		h.must("AT+QHTTPGET=80", ok)
		if got := h.urc("+QHTTPGET:"); got != "+QHTTPGET: 717" {
			t.Fatalf("GET: %q", got)
		}
		h.must("AT+QHTTPREAD=80", "\r\n+CME ERROR: 705\r\n")
	})
	t.Run("tls-failure", func(t *testing.T) {
		h := socketReady(t, Options{Faults: Faults{TLSFailure: true}})
		sslReady(t, h, srv.CAFile)
		setURL(h, srv.HTTPSURL)
		h.must("AT+QHTTPGET=80", ok)
		if got := h.urc("+QHTTPGET:"); got != "+QHTTPGET: 716" {
			t.Fatalf("GET: %q", got)
		}
	})
}

// The echo servers answer standard clients too.
func TestServersEcho(t *testing.T) {
	srv := runServers(t)
	for _, network := range []string{"tcp", "udp"} {
		addr := srv.EchoAddr
		if network == "udp" {
			addr = srv.UDPEchoAddr
		}
		c, err := net.DialTimeout(network, addr, testTimeout)
		if err != nil {
			t.Fatal(err)
		}
		c.SetDeadline(time.Now().Add(testTimeout))
		if _, err := c.Write([]byte("abc")); err != nil {
			t.Fatal(err)
		}
		buf := make([]byte, 3)
		if _, err := c.Read(buf); err != nil || !bytes.Equal(buf, []byte("abc")) {
			t.Fatalf("%s echo: %q %v", network, buf, err)
		}
		c.Close()
	}
}

// A reboot closes every socket and forgets the HTTP settings.
func TestRebootClosesSockets(t *testing.T) {
	srv := runServers(t)
	h := socketReady(t, Options{})
	host, p := splitAddr(t, srv.EchoAddr)
	h.must(fmt.Sprintf(`AT+QIOPEN=1,0,"TCP","%s",%d,0,0`, host, p), ok)
	h.urc("+QIOPEN: 0,0")
	h.must(`AT+QHTTPCFG="responseheader",1`, ok)
	h.send("AT+CFUN=1,1\r")
	h.expect("\r\nOK\r\n\r\nPOWERED DOWN\r\n")
	h.advance(0, 1)
	h.bootDone()
	h.echoOff()
	h.must("AT+QISTATE?", ok)
	h.must(`AT+QHTTPCFG="responseheader"`, "\r\n+QHTTPCFG: \"responseheader\",0\r\n\r\nOK\r\n")
	h.must("AT+QISEND=0,1", "\r\nERROR\r\n")
}

// Transparent mode: CONNECT, bytes both ways, "+++" between silences back
// to command mode, ATO and AT+QISWTMD back to data, NO CARRIER when the
// peer goes.
func TestTransparentMode(t *testing.T) {
	srv := runServers(t)
	host, p := splitAddr(t, srv.EchoAddr)
	t.Run("TCP", func(t *testing.T) {
		h := socketReady(t, Options{})
		h.send(fmt.Sprintf("AT+QIOPEN=1,2,\"TCP\",\"%s\",%d,0,2\r", host, p))
		h.expect("\r\nCONNECT\r\n")
		h.send("a+++b")
		h.expect("a+++b") // "+++" inside data is data
		h.clk.Advance(guardTime)
		h.send("+++")
		h.advance(guardTime, 1)
		h.expect(ok)
		if st := h.cmd("AT+QISTATE=1,2"); !strings.Contains(st, `,2,1,0,2,"usbat"`) {
			t.Fatalf("state in command mode: %q", st)
		}
		h.send("ATO\r")
		h.expect("\r\nCONNECT\r\n")
		h.send("again")
		h.expect("again")
		h.clk.Advance(guardTime)
		h.send("++")
		h.send("+")
		h.advance(guardTime, 1)
		h.expect(ok)
		h.must("AT+QISWTMD=2,0", ok)
		h.send("AT+QISWTMD=2,2\r")
		h.expect("\r\nCONNECT\r\n")
		h.clk.Advance(guardTime)
		h.send("+++")
		h.advance(guardTime, 1)
		h.expect(ok)
		h.must("AT+QICLOSE=2", ok)
		h.send("ATO\r")
		h.expect("\r\nNO CARRIER\r\n")
	})
	t.Run("TLS", func(t *testing.T) {
		h := socketReady(t, Options{})
		sslReady(t, h, srv.CAFile)
		th, tp := splitAddr(t, srv.EchoTLSAddr)
		h.send(fmt.Sprintf("AT+QSSLOPEN=1,1,0,\"%s\",%d,2\r", th, tp))
		h.expect("\r\nCONNECT\r\n")
		h.send("over tls")
		h.expect("over tls")
	})
	t.Run("peer gone", func(t *testing.T) {
		h := socketReady(t, Options{Faults: Faults{DropConnection: 5 * time.Second}})
		h.send(fmt.Sprintf("AT+QIOPEN=1,0,\"TCP\",\"%s\",%d,0,2\r", host, p))
		h.expect("\r\nCONNECT\r\n")
		h.advance(5*time.Second, 1)
		h.expect("\r\nNO CARRIER\r\n")
		h.must("AT+QISEND=0,1", "\r\nERROR\r\n")
	})
	t.Run("refused", func(t *testing.T) {
		h := socketReady(t, Options{Faults: Faults{ServerDown: true}})
		h.send(fmt.Sprintf("AT+QIOPEN=1,0,\"TCP\",\"%s\",%d,0,2\r", host, p))
		h.expect("\r\nERROR\r\n")
		h.must("AT+QIGETERROR", "\r\n+QIGETERROR: 566,socket connect failed\r\n\r\nOK\r\n")
	})
}

// The send prompt and the CONNECT upload take their data in any pieces:
// every split of the bytes gives the same result.
func TestSocketDataEverySplit(t *testing.T) {
	srv := runServers(t)
	h := socketReady(t, Options{})
	host, p := splitAddr(t, srv.EchoAddr)
	h.must(fmt.Sprintf(`AT+QIOPEN=1,0,"TCP","%s",%d,0,1`, host, p), ok)
	h.urc("+QIOPEN: 0,0")
	payload := "a\r\nOK\r\n> b"
	for _, form := range []struct{ cmd, tail string }{
		{fmt.Sprintf("AT+QISEND=0,%d", len(payload)), ""},
		{"AT+QISEND=0", "\x1a"},
	} {
		data := payload + form.tail
		for k := 1; k < len(data); k++ {
			h.send(form.cmd + "\r")
			h.expect("\r\n> ")
			h.send(data[:k])
			h.send(data[k:])
			h.expect("\r\nSEND OK\r\n")
			var got string
			for len(got) < len(payload) {
				line := h.urc(`+QIURC: "recv",0,`)
				var n int
				fmt.Sscanf(strings.TrimPrefix(line, `+QIURC: "recv",0,`), "%d", &n)
				chunk := h.until("\r\n") // the pushed data may itself hold CR LF
				for len(chunk) < n+2 {
					chunk += h.until("\r\n")
				}
				got += chunk[:n]
			}
			if got != payload {
				t.Fatalf("%s split at %d: echo %q", form.cmd, k, got)
			}
		}
	}
	url := srv.HTTPURL
	for k := 1; k < len(url); k++ {
		h.send(fmt.Sprintf("AT+QHTTPURL=%d,80\r", len(url)))
		h.expect("\r\nCONNECT\r\n")
		h.send(url[:k])
		h.send(url[k:])
		h.expect(ok)
		h.must("AT+QHTTPURL?", fmt.Sprintf("\r\n+QHTTPURL: \"%s\"\r\n\r\nOK\r\n", url))
	}
}

// pipeEcho is a Dial that answers every connection with an in-memory echo,
// keeping the fuzzer off the network.
func pipeEcho(context.Context, string, string) (net.Conn, error) {
	a, b := net.Pipe()
	go func() {
		defer b.Close()
		buf := make([]byte, 512)
		for {
			n, err := b.Read(buf)
			if err != nil {
				return
			}
			if _, err := b.Write(buf[:n]); err != nil {
				return
			}
		}
	}()
	return a, nil
}

// Socket and HTTP commands fed arbitrary bytes in arbitrary pieces, with
// connections that echo: no panic, and the modem shuts down cleanly.
func FuzzSocketInput(f *testing.F) {
	seeds := []string{
		"AT+QIOPEN=1,0,\"TCP\",\"h\",7,0,0\rAT+QISEND=0,3\rabcAT+QIRD=0,10\rAT+QICLOSE=0\r",
		"AT+QIOPEN=1,1,\"UDP\",\"h\",7,0,1\rAT+QISEND=1\rx\x1aAT+QISTATE?\r",
		"AT+QIOPEN=1,2,\"TCP\",\"h\",7,0,2\rdata+++ATO\r",
		"AT+QSSLOPEN=1,1,0,\"h\",443,0\rAT+QSSLSEND=0,2\rhiAT+QSSLRECV=0,5\r",
		"AT+QHTTPURL=9,5\rhttp://h/AT+QHTTPGET=5\rAT+QHTTPREAD\rAT+QHTTPSTOP\r",
		"AT+QHTTPCFG=\"requestheader\",1\rAT+QHTTPPOST=4,5,5\rGET AT+QISWTMD=0,2\r",
	}
	for _, s := range seeds {
		f.Add([]byte(s), uint8(3))
	}
	f.Fuzz(func(t *testing.T, in []byte, step uint8) {
		m, _, stop := newSyncModem(Options{Dial: pipeEcho, Seed: int64(step) + 1})
		n := int(step%16) + 1
		for len(in) > 0 {
			k := min(n, len(in))
			m.input(in[:k])
			m.runEvents()
			in = in[k:]
		}
		m.clk.(*ManualClock).Advance(70000 * time.Second)
		m.runEvents()
		stop()
	})
}

// UDP has no connection to refuse: under server-down the open succeeds,
// the datagram is lost, and the socket stays open.
func TestUDPServerDown(t *testing.T) {
	srv := runServers(t)
	h := socketReady(t, Options{Faults: Faults{ServerDown: true}})
	host, p := splitAddr(t, srv.UDPEchoAddr)
	h.must(fmt.Sprintf(`AT+QIOPEN=1,1,"UDP","%s",%d,0,0`, host, p), ok)
	h.urc("+QIOPEN: 1,0")
	for i := 0; i < 3; i++ {
		h.send("AT+QISEND=1,4\r")
		h.expect("\r\n> ")
		h.send("lost")
		h.expect("\r\nSEND OK\r\n")
	}
	h.must("AT+QIRD=1,0", "\r\n+QIRD: 0,0,0\r\n\r\nOK\r\n")
	if st := h.cmd("AT+QISTATE=1,1"); !strings.Contains(st, `,2,1,0,0,"usbat"`) {
		t.Fatalf("state %q", st)
	}
}

// A transparent open that gets no answer gives up after 150 s on the
// modem's clock, and the modem takes commands again.
func TestTransparentOpenTimeout(t *testing.T) {
	hang := func(ctx context.Context, _, _ string) (net.Conn, error) { <-ctx.Done(); return nil, ctx.Err() }
	h := socketReady(t, Options{Dial: hang})
	h.send("AT+QIOPEN=1,0,\"TCP\",\"10.0.0.1\",7,0,2\r")
	h.advance(openLimit, 1)
	h.expect("\r\nERROR\r\n")
	h.must("AT+QIGETERROR", "\r\n+QIGETERROR: 569,operation timeout\r\n\r\nOK\r\n")
	h.must("AT+QISTATE?", ok)
}
