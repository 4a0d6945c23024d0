package sim

import (
	"bufio"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"strconv"
	"time"
)

// The HTTP(S) client behind AT+QHTTPGET / AT+QHTTPPOST: one request at a
// time over a real TCP (and TLS) connection, the response read whole and
// kept for AT+QHTTPREAD.

// HTTP(S) error codes of the EC2x HTTP(S) application note.
const (
	errHTTPUnknown    = 701
	errHTTPTimeout    = 702
	errHTTPBusy       = 703
	errHTTPNoRequest  = 705
	errHTTPOpen       = 707
	errHTTPURL        = 711
	errHTTPEmptyURL   = 712
	errHTTPDNS        = 714
	errHTTPConnect    = 716
	errHTTPRead       = 717
	errHTTPWrite      = 718
	errHTTPInputTime  = 726
	maxHTTPResponse   = 1 << 20
	maxURLLength      = 700
	defaultHTTPWait   = 60 // seconds
	httpUserAgent     = "QUECTEL_MODULE"
	defaultHTTPCtx    = 1
	defaultHTTPSSLCtx = 1
)

var httpErrTexts = map[int]string{
	701: "HTTP(S) unknown error", 702: "HTTP(S) timeout", 703: "HTTP(S) busy", 704: "HTTP(S) UART busy",
	705: "HTTP(S) no GET/POST requests", 706: "HTTP(S) network busy", 707: "HTTP(S) network open failed",
	708: "HTTP(S) network no configuration", 709: "HTTP(S) network deactivated", 710: "HTTP(S) network error",
	711: "HTTP(S) URL error", 712: "HTTP(S) empty URL", 713: "HTTP(S) IP address error", 714: "HTTP(S) DNS error",
	715: "HTTP(S) socket create error", 716: "HTTP(S) socket connect error", 717: "HTTP(S) socket read error",
	718: "HTTP(S) socket write error", 719: "HTTP(S) socket closed", 720: "HTTP(S) data encode error",
	721: "HTTP(S) data decode error", 722: "HTTP(S) read timeout", 723: "HTTP(S) response failed",
	726: "input timeout", 727: "wait data timeout", 728: "wait HTTP(S) response timeout",
	729: "memory allocation failed", 730: "invalid parameter",
}

// contentTypes are the values of AT+QHTTPCFG="contenttype".
var contentTypes = []string{"application/x-www-form-urlencoded", "text/plain", "application/octet-stream", "multipart/form-data"}

// httpClient is the HTTP(S) state: AT+QHTTPCFG options, the URL, and the
// last response. Loop-owned.
type httpClient struct {
	ctxID, sslCtx        int
	reqHeader, rspHeader int
	contentType          int
	url                  string

	busy   bool
	gen    int
	cancel context.CancelFunc
	read   []byte // what AT+QHTTPREAD outputs; nil before a response
}

func defaultHTTP() httpClient {
	return httpClient{ctxID: defaultHTTPCtx, sslCtx: defaultHTTPSSLCtx}
}

func (h *httpClient) stop() {
	h.gen++
	if h.cancel != nil {
		h.cancel()
		h.cancel = nil
	}
	h.busy = false
}

// httpOutcome is how a request ended: err 0 with a status, or an error code.
type httpOutcome struct {
	err, status, length int
	hasLength           bool
	read                []byte
}

// urcLine is +QHTTPGET: / +QHTTPPOST: <err>[,<status>[,<length>]].
func (o httpOutcome) urcLine(name string) string {
	switch {
	case o.err != 0:
		return fmt.Sprintf("%s: %d", name, o.err)
	case o.hasLength:
		return fmt.Sprintf("%s: 0,%d,%d", name, o.status, o.length)
	}
	return fmt.Sprintf("%s: 0,%d", name, o.status)
}

// request starts a request: raw is the whole request when the host gave the
// header (requestheader 1), else method and body build one. The outcome is
// the URC name's line.
func (m *Modem) request(name, method string, body, raw []byte, wait time.Duration) {
	h := &m.stack().http
	fail := func(code int) { m.urc(httpOutcome{err: code}.urcLine(name)) }
	if h.url == "" {
		fail(errHTTPEmptyURL)
		return
	}
	u, err := url.Parse(h.url)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Hostname() == "" {
		fail(errHTTPURL)
		return
	}
	if !m.activate(h.ctxID) {
		fail(errHTTPOpen)
		return
	}
	var tlsCfg *tls.Config
	var handshake time.Duration
	if u.Scheme == "https" {
		if tlsCfg, handshake, err = m.tlsConfig(h.sslCtx, u.Hostname()); err != nil {
			fail(errHTTPConnect)
			return
		}
	}
	if raw == nil {
		raw = buildRequest(method, u, body, contentTypes[h.contentType])
	}
	addr := hostPort(u)
	if m.faults.ServerDown {
		addr = closedAddr()
	}
	ctx, cancel := context.WithTimeout(m.ctx, wait)
	h.busy, h.cancel, h.read = true, cancel, nil
	gen, dial, withHeader, drop := h.gen, m.opts.Dial, h.rspHeader == 1, m.faults.DropConnection > 0
	m.goBackground(func() {
		defer cancel()
		out := exchange(ctx, dial, addr, tlsCfg, handshake, raw, withHeader, drop)
		m.post(func() {
			if gen != h.gen {
				return
			}
			h.busy, h.cancel = false, nil
			if out.err == 0 {
				h.read = out.read
			}
			m.tracef("HTTP %s %s: %s", method, h.url, out.urcLine(name))
			m.urc(out.urcLine(name))
		})
	})
}

func hostPort(u *url.URL) string {
	if u.Port() != "" {
		return u.Host
	}
	if u.Scheme == "https" {
		return net.JoinHostPort(u.Hostname(), "443")
	}
	return net.JoinHostPort(u.Hostname(), "80")
}

// buildRequest is the request the module makes itself (requestheader 0).
func buildRequest(method string, u *url.URL, body []byte, contentType string) []byte {
	path := u.RequestURI()
	b := fmt.Appendf(nil, "%s %s HTTP/1.1\r\nHost: %s\r\nAccept: */*\r\nUser-Agent: %s\r\nConnection: Keep-Alive\r\n",
		method, path, u.Host, httpUserAgent)
	if method == http.MethodPost {
		b = fmt.Appendf(b, "Content-Type: %s\r\nContent-Length: %d\r\n", contentType, len(body))
	}
	b = append(b, "\r\n"...)
	return append(b, body...)
}

// exchange dials, sends the request and reads the whole response. With drop
// (the drop-connection fault) the connection is cut once the request is
// sent, so the response never comes.
func exchange(ctx context.Context, dial func(context.Context, string, string) (net.Conn, error),
	addr string, tlsCfg *tls.Config, handshake time.Duration, req []byte, withHeader, drop bool) httpOutcome {
	raw, err := dial(ctx, "tcp", addr)
	if err != nil {
		var dnsErr *net.DNSError
		switch {
		case errors.As(err, &dnsErr):
			return httpOutcome{err: errHTTPDNS}
		case ctx.Err() != nil:
			return httpOutcome{err: errHTTPTimeout}
		}
		return httpOutcome{err: errHTTPConnect}
	}
	defer raw.Close()
	stop := context.AfterFunc(ctx, func() { raw.Close() })
	defer stop()
	conn := raw
	if tlsCfg != nil {
		hctx, cancel := context.WithTimeout(ctx, handshake)
		defer cancel()
		tc := tls.Client(raw, tlsCfg)
		if err := tc.HandshakeContext(hctx); err != nil {
			return httpOutcome{err: errHTTPConnect}
		}
		conn = tc
	}
	if _, err := conn.Write(req); err != nil {
		return httpOutcome{err: errHTTPWrite}
	}
	if drop {
		raw.Close()
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		return timeoutOr(ctx, errHTTPRead)
	}
	defer resp.Body.Close()
	var head []byte
	if withHeader {
		head, _ = httputil.DumpResponse(resp, false)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxHTTPResponse))
	if err != nil {
		return timeoutOr(ctx, errHTTPRead)
	}
	out := httpOutcome{status: resp.StatusCode, read: body}
	if cl := resp.Header.Get("Content-Length"); cl != "" {
		out.length, _ = strconv.Atoi(cl)
		out.hasLength = true
	}
	if withHeader {
		out.read = append(head, body...)
	}
	return out
}

func timeoutOr(ctx context.Context, code int) httpOutcome {
	if ctx.Err() != nil {
		return httpOutcome{err: errHTTPTimeout}
	}
	return httpOutcome{err: code}
}
