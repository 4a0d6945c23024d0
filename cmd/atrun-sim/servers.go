package main

import (
	"fmt"
	"io"
	"net"

	"github.com/atrun/atrun/sim"
)

// printServers says where the virtual EC20's echo and web servers are, how
// to reach them with standard clients, and how to run the shipped socket
// and HTTPS scripts against them.
func printServers(w io.Writer, s *sim.Sim, dev string) {
	srv := s.Servers
	host, tcp, _ := net.SplitHostPort(srv.EchoAddr)
	_, tlsPort, _ := net.SplitHostPort(srv.EchoTLSAddr)
	_, udp, _ := net.SplitHostPort(srv.UDPEchoAddr)
	ca := shellQuote(srv.CAFile)
	fmt.Fprintf(w, "\nEcho and web servers for AT+QIOPEN, AT+QSSLOPEN and AT+QHTTPGET (TLS certificates from %s):\n", srv.CAFile)
	fmt.Fprintf(w, "  echo: %s (TCP), %s (TLS), %s (UDP)\n", srv.EchoAddr, srv.EchoTLSAddr, srv.UDPEchoAddr)
	fmt.Fprintf(w, "  web:  %s  %s  (GET / answers hello, POST echoes the body, /status/<code> answers that code)\n", srv.HTTPURL, srv.HTTPSURL)
	fmt.Fprintf(w, "Try them with standard clients:\n")
	fmt.Fprintf(w, "  nc %s %s    nc -u %s %s    openssl s_client -quiet -CAfile %s -connect %s\n", host, tcp, host, udp, ca, srv.EchoTLSAddr)
	fmt.Fprintf(w, "  curl --cacert %s %s    curl --cacert %s -d hello %s\n", ca, srv.HTTPSURL, ca, srv.HTTPSURL)
	fmt.Fprintf(w, "Or run the shipped socket and HTTPS scripts on it:\n")
	fmt.Fprintf(w, "  atrun run ec20_tcp --port %s --set echo_host=%s --set echo_port=%s --set echo_tls_port=%s --set ca_cert=%s\n",
		shellQuote(dev), host, tcp, tlsPort, ca)
	fmt.Fprintf(w, "  atrun run ec20_https --port %s --set url=%s --set ca_cert=%s\n", shellQuote(dev), srv.HTTPSURL, ca)
}
