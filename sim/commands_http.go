package sim

import (
	"fmt"
	"time"
)

var httpCommands = map[string]handler{
	"+QHTTPCFG":  cmdQHTTPCFG,
	"+QHTTPURL":  cmdQHTTPURL,
	"+QHTTPGET":  cmdQHTTPGET,
	"+QHTTPPOST": cmdQHTTPPOST,
	"+QHTTPREAD": cmdQHTTPREAD,
	"+QHTTPSTOP": cmdQHTTPSTOP,
}

// httpOptions are the AT+QHTTPCFG sub-commands: name -> field and range.
var httpOptions = map[string]struct {
	lo, hi int
	field  func(h *httpClient) *int
}{
	"contextid":      {1, 16, func(h *httpClient) *int { return &h.ctxID }},
	"requestheader":  {0, 1, func(h *httpClient) *int { return &h.reqHeader }},
	"responseheader": {0, 1, func(h *httpClient) *int { return &h.rspHeader }},
	"sslctxid":       {0, numSSL - 1, func(h *httpClient) *int { return &h.sslCtx }},
	"contenttype":    {0, len(contentTypes) - 1, func(h *httpClient) *int { return &h.contentType }},
}

// cmdQHTTPCFG is AT+QHTTPCFG="<name>"[,<value>]: with a value it sets,
// without it answers +QHTTPCFG: "<name>",<value>.
func cmdQHTTPCFG(m *Modem, c *command) result {
	if c.form == formTest {
		m.info(`+QHTTPCFG: "contextid",(1-16)`)
		m.info(`+QHTTPCFG: "requestheader",(0,1)`)
		m.info(`+QHTTPCFG: "responseheader",(0,1)`)
		m.info(`+QHTTPCFG: "sslctxid",(0-5)`)
		m.info(`+QHTTPCFG: "contenttype",(0-3)`)
		return okResult
	}
	name, ok := c.nameArg()
	opt, known := httpOptions[name]
	if c.form != formWrite || !ok || !known || c.argc() > 2 {
		return errorResult
	}
	h := &m.stack().http
	if c.argc() == 1 {
		m.info(fmt.Sprintf(`+QHTTPCFG: "%s",%d`, name, *opt.field(h)))
		return okResult
	}
	if h.busy {
		return cme(errHTTPBusy)
	}
	v, ok := c.intArg(1, opt.lo, opt.hi)
	if !ok {
		return errorResult
	}
	*opt.field(h) = v
	return okResult
}

// cmdQHTTPURL is AT+QHTTPURL=<length>[,<timeout>]: CONNECT, exactly
// <length> bytes of URL, OK. AT+QHTTPURL? shows the URL.
func cmdQHTTPURL(m *Modem, c *command) result {
	switch c.form {
	case formTest:
		m.info(fmt.Sprintf("+QHTTPURL: (1-%d),(1-65535)", maxURLLength))
		return okResult
	case formRead:
		if u := m.stack().http.url; u != "" {
			m.info(fmt.Sprintf(`+QHTTPURL: "%s"`, u))
		}
		return okResult
	case formWrite:
	default:
		return errorResult
	}
	n, ok1 := c.intArg(0, 1, maxURLLength)
	wait, ok2 := c.optInt(1, 1, 65535, defaultHTTPWait)
	if !ok1 || !ok2 || c.argc() > 2 {
		return errorResult
	}
	if m.stack().http.busy {
		return cme(errHTTPBusy)
	}
	return m.startConnectData(n, wait, func(data []byte) result {
		m.stack().http.url = string(data)
		return okResult
	})
}

// cmdQHTTPGET is AT+QHTTPGET[=<rsptime>[,<data_length>,<input_time>]]: OK,
// then +QHTTPGET: <err>[,<status>[,<content_length>]]. With
// requestheader 1 the host sends the whole request after CONNECT.
func cmdQHTTPGET(m *Modem, c *command) result {
	switch c.form {
	case formTest:
		m.info("+QHTTPGET: (1-65535),(1-2048),(1-65535)")
		return okResult
	case formExec, formWrite:
	default:
		return errorResult
	}
	wait, ok1 := c.optInt(0, 1, 65535, defaultHTTPWait)
	n, ok2 := c.optInt(1, 1, 2048, 0)
	input, ok3 := c.optInt(2, 1, 65535, defaultHTTPWait)
	h := &m.stack().http
	if !ok1 || !ok2 || !ok3 || c.argc() > 3 || (h.reqHeader == 1) != (n > 0) {
		return errorResult
	}
	if h.busy {
		return cme(errHTTPBusy)
	}
	rsp := time.Duration(wait) * time.Second
	if n == 0 {
		m.afterLine = append(m.afterLine, func() { m.request("+QHTTPGET", "GET", nil, nil, rsp) })
		return okResult
	}
	return m.startConnectData(n, input, func(data []byte) result {
		m.afterLine = append(m.afterLine, func() { m.request("+QHTTPGET", "GET", nil, data, rsp) })
		return okResult
	})
}

// cmdQHTTPPOST is AT+QHTTPPOST=<data_length>[,<input_time>,<rsptime>]:
// CONNECT, exactly <data_length> bytes of body (the whole request with
// requestheader 1), OK, then +QHTTPPOST: <err>[,<status>[,<length>]].
func cmdQHTTPPOST(m *Modem, c *command) result {
	switch c.form {
	case formTest:
		m.info("+QHTTPPOST: (1-1048576),(1-65535),(1-65535)")
		return okResult
	case formWrite:
	default:
		return errorResult
	}
	n, ok1 := c.intArg(0, 1, maxHTTPResponse)
	input, ok2 := c.optInt(1, 1, 65535, defaultHTTPWait)
	wait, ok3 := c.optInt(2, 1, 65535, defaultHTTPWait)
	if !ok1 || !ok2 || !ok3 || c.argc() > 3 {
		return errorResult
	}
	h := &m.stack().http
	if h.busy {
		return cme(errHTTPBusy)
	}
	rsp := time.Duration(wait) * time.Second
	return m.startConnectData(n, input, func(data []byte) result {
		var body, raw []byte = data, nil
		if h.reqHeader == 1 {
			body, raw = nil, data
		}
		m.afterLine = append(m.afterLine, func() { m.request("+QHTTPPOST", "POST", body, raw, rsp) })
		return okResult
	})
}

// cmdQHTTPREAD is AT+QHTTPREAD[=<wait_time>]: CONNECT, the response body
// (after its header with responseheader 1), OK, then +QHTTPREAD: 0.
func cmdQHTTPREAD(m *Modem, c *command) result {
	switch c.form {
	case formTest:
		m.info("+QHTTPREAD: (1-65535)")
		return okResult
	case formExec, formWrite:
	default:
		return errorResult
	}
	if _, ok := c.optInt(0, 1, 65535, defaultHTTPWait); !ok || c.argc() > 1 {
		return errorResult
	}
	h := &m.stack().http
	switch {
	case h.busy:
		return cme(errHTTPBusy)
	case h.read == nil:
		return cme(errHTTPNoRequest)
	}
	m.resultCode("CONNECT", 1)
	m.resp.Write(h.read)
	m.afterLine = append(m.afterLine, func() { m.urc("+QHTTPREAD: 0") })
	return okResult
}

// cmdQHTTPSTOP cancels a request in progress; its URC never comes.
func cmdQHTTPSTOP(m *Modem, c *command) result {
	if c.form == formTest {
		return okResult
	}
	if c.form != formExec {
		return errorResult
	}
	m.stack().http.stop()
	return okResult
}

// startConnectData answers CONNECT and takes exactly n bytes within wait
// seconds; done gives the final result. Data that stops short ends with
// +CME ERROR: 702.
func (m *Modem) startConnectData(n, wait int, done func([]byte) result) result {
	m.resultCode("CONNECT", 1)
	m.flushResp()
	d := &connectData{n: n, done: done}
	m.enterData(d)
	gen := m.dataGen
	d.timer = m.after(time.Duration(wait)*time.Second, func() {
		if m.data == dataMode(d) && m.dataGen == gen {
			m.leaveData(cme(errHTTPTimeout))
		}
	})
	return pendingResult
}

// connectData is the data mode after CONNECT: raw bytes, not echoed.
type connectData struct {
	n     int
	buf   []byte
	timer Timer
	done  func([]byte) result
}

func (d *connectData) feed(m *Modem, b []byte) int {
	k := min(len(b), d.n-len(d.buf))
	d.buf = append(d.buf, b[:k]...)
	if len(d.buf) == d.n {
		d.timer.Stop()
		m.leaveData(d.done(d.buf))
	}
	return k
}
