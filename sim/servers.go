package sim

import (
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/atrun/atrun/sim/broker"
)

// Servers are the other ends the virtual EC20's sockets and HTTP client
// reach on loopback: a TCP echo server, the same over TLS, a UDP echo and
// an HTTP and HTTPS server. The TLS servers' certificates come from CA, so
// a modem that uploads CAFile and verifies the server gets through.
type Servers struct {
	// EchoAddr echoes every byte back over TCP; EchoTLSAddr does the
	// same over TLS; UDPEchoAddr sends every datagram back.
	EchoAddr, EchoTLSAddr, UDPEchoAddr string
	// HTTPURL and HTTPSURL are the web server's base URLs ("http://
	// 127.0.0.1:<port>/"). GET / answers a short text; POST echoes the
	// body with its content type; /status/<code> answers that status.
	HTTPURL, HTTPSURL string
	// CAFile signs the TLS echo's and the HTTPS server's certificates.
	CAFile string

	closers []io.Closer
	wg      sync.WaitGroup
	tmpDir  string
}

// ServersCAFileName is the CA file StartServers writes when it makes its
// own CA.
const ServersCAFileName = "servers-ca.pem"

// HelloBody is what GET / answers.
const HelloBody = "hello from the virtual EC20's web server\n"

// StartServers starts the servers on 127.0.0.1. With ca nil it makes a CA
// and writes it to dir (a temporary directory when dir is empty);
// otherwise caFile is ca's certificate, already written.
func StartServers(ca *broker.CA, caFile, dir string) (*Servers, error) {
	s := &Servers{CAFile: caFile}
	if ca == nil {
		var err error
		if ca, err = s.makeCA(dir); err != nil {
			return nil, err
		}
	}
	leaf, err := ca.IssueServer("localhost", "127.0.0.1", "::1")
	if err != nil {
		return nil, err
	}
	cert, err := leaf.TLS()
	if err != nil {
		return nil, err
	}
	// TLS 1.2 is the most the EC20 speaks, so the servers must offer it.
	tlsCfg := &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	if err := s.start(tlsCfg); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

func (s *Servers) makeCA(dir string) (*broker.CA, error) {
	ca, err := broker.NewCA("atrun simulator servers CA")
	if err != nil {
		return nil, err
	}
	if dir == "" {
		if dir, err = os.MkdirTemp("", "atrun-servers-"); err != nil {
			return nil, err
		}
		s.tmpDir = dir
	}
	s.CAFile = filepath.Join(dir, ServersCAFileName)
	if err := os.WriteFile(s.CAFile, ca.CertPEM(), 0o644); err != nil {
		return nil, fmt.Errorf("write the servers' CA file: %w", err)
	}
	return ca, nil
}

func (s *Servers) start(tlsCfg *tls.Config) error {
	echo, err := s.listen()
	if err != nil {
		return err
	}
	s.EchoAddr = echo.Addr().String()
	s.serveEcho(echo)
	echoTLS, err := s.listen()
	if err != nil {
		return err
	}
	s.EchoTLSAddr = echoTLS.Addr().String()
	s.serveEcho(tls.NewListener(echoTLS, tlsCfg))
	if err := s.startUDP(); err != nil {
		return err
	}
	web, err := s.listen()
	if err != nil {
		return err
	}
	s.HTTPURL = "http://" + web.Addr().String() + "/"
	s.serveHTTP(web)
	webTLS, err := s.listen()
	if err != nil {
		return err
	}
	s.HTTPSURL = "https://" + webTLS.Addr().String() + "/"
	s.serveHTTP(tls.NewListener(webTLS, tlsCfg))
	return nil
}

func (s *Servers) listen() (net.Listener, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("sim: servers: %w", err)
	}
	s.closers = append(s.closers, ln)
	return ln, nil
}

// serveEcho copies every connection's bytes back to it.
func (s *Servers) serveEcho(ln net.Listener) {
	var conns sync.Map
	s.closers = append(s.closers, closerFunc(func() error {
		conns.Range(func(c, _ any) bool { c.(net.Conn).Close(); return true })
		return nil
	}))
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			conns.Store(c, nil)
			s.wg.Add(1)
			go func() {
				defer s.wg.Done()
				defer conns.Delete(c)
				defer c.Close()
				_, _ = io.Copy(c, c)
			}()
		}
	}()
}

func (s *Servers) startUDP() error {
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		return fmt.Errorf("sim: servers: %w", err)
	}
	s.closers = append(s.closers, pc)
	s.UDPEchoAddr = pc.LocalAddr().String()
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		buf := make([]byte, 65536)
		for {
			n, from, err := pc.ReadFrom(buf)
			if err != nil {
				return
			}
			_, _ = pc.WriteTo(buf[:n], from)
		}
	}()
	return nil
}

func (s *Servers) serveHTTP(ln net.Listener) {
	// ErrorLog discards: a handshake the modem refuses (tls-failure) is
	// expected, not news for the terminal.
	srv := &http.Server{Handler: http.HandlerFunc(webHandler), ReadHeaderTimeout: 10 * time.Second,
		ErrorLog: log.New(io.Discard, "", 0)}
	s.closers = append(s.closers, srv)
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		_ = srv.Serve(ln)
	}()
}

// webHandler is the web server: GET / says hello, POST echoes its body,
// /status/<code> answers with that status.
func webHandler(w http.ResponseWriter, r *http.Request) {
	var code int
	if _, err := fmt.Sscanf(r.URL.Path, "/status/%d", &code); err == nil && code >= 200 && code <= 599 {
		w.Header().Set("Content-Type", "text/plain")
		w.WriteHeader(code)
		fmt.Fprintf(w, "status %d\n", code)
		return
	}
	switch r.Method {
	case http.MethodPost, http.MethodPut:
		body, err := io.ReadAll(io.LimitReader(r.Body, maxHTTPResponse))
		if err != nil {
			http.Error(w, "cannot read the body", http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", orDefault(r.Header.Get("Content-Type"), "application/octet-stream"))
		w.Header().Set("Content-Length", fmt.Sprint(len(body)))
		_, _ = w.Write(body)
	case http.MethodGet, http.MethodHead:
		if r.URL.Path != "/" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/plain")
		w.Header().Set("Content-Length", fmt.Sprint(len(HelloBody)))
		_, _ = io.WriteString(w, HelloBody)
	default:
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
	}
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// Close stops every server and waits for their goroutines.
func (s *Servers) Close() error {
	var errs []error
	for _, c := range s.closers {
		if err := c.Close(); err != nil && !errors.Is(err, net.ErrClosed) {
			errs = append(errs, err)
		}
	}
	s.wg.Wait()
	if s.tmpDir != "" {
		os.RemoveAll(s.tmpDir)
	}
	return errors.Join(errs...)
}

type closerFunc func() error

func (f closerFunc) Close() error { return f() }
