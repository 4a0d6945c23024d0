package codes

import (
	"slices"
	"strconv"
)

// GroupHTTP is the group of the Quectel HTTP(S) error codes, 701..730.
const GroupHTTP Group = "http"

// httpErrors are the <err> codes of +QHTTPGET/+QHTTPPOST/+QHTTPREAD and
// of +CME ERROR after an AT+QHTTP command (Quectel EC2x HTTP(S)
// application note, "Summary of Error Codes"). The meanings are the
// manual's words, which the modem also writes with AT+CMEE=2.
var httpErrors = []Code{
	{701, "HTTP(S) unknown error", GroupHTTP, "retry; if it persists, check the URL, the PDP context (AT+QIACT?) and the SSL context"},
	{702, "HTTP(S) timeout", GroupHTTP, "the request did not finish in time: check coverage and the server, or give AT+QHTTPGET/AT+QHTTPPOST a longer <rsptime>"},
	{703, "HTTP(S) busy", GroupHTTP, "a request is still running: wait for its +QHTTPGET/+QHTTPPOST URC, or cancel it with AT+QHTTPSTOP"},
	{704, "HTTP(S) UART busy", GroupHTTP, "the port is busy with another transfer: wait until it ends"},
	{705, "HTTP(S) no GET/POST requests", GroupHTTP, "nothing to read: AT+QHTTPREAD comes after a +QHTTPGET/+QHTTPPOST URC with result 0"},
	{706, "HTTP(S) network busy", GroupHTTP, "retry later"},
	{707, "HTTP(S) network open failed", GroupHTTP, "the PDP context could not be activated: check the APN (AT+QICSGP), registration and AT+QHTTPCFG=\"contextid\""},
	{708, "HTTP(S) network no configuration", GroupHTTP, "configure the PDP context: AT+QICSGP=<contextid>,1,\"<apn>\" for the AT+QHTTPCFG=\"contextid\" in use"},
	{709, "HTTP(S) network deactivated", GroupHTTP, "activate the PDP context (AT+QIACT=<contextid>) that AT+QHTTPCFG=\"contextid\" names"},
	{710, "HTTP(S) network error", GroupHTTP, "check coverage and the PDP context (AT+QIACT?)"},
	{711, "HTTP(S) URL error", GroupHTTP, "the URL set with AT+QHTTPURL must start with http:// or https:// and name a host"},
	{712, "HTTP(S) empty URL", GroupHTTP, "set the URL with AT+QHTTPURL before the request"},
	{713, "HTTP(S) IP address error", GroupHTTP, "check the host's address in the URL"},
	{714, "HTTP(S) DNS error", GroupHTTP, "check the host name in the URL and the DNS servers (AT+QIDNSCFG)"},
	{715, "HTTP(S) socket create error", GroupHTTP, "close sockets the script no longer needs, then retry"},
	{716, "HTTP(S) socket connect error", GroupHTTP, "check the host and port and that the server accepts connections; for https:// the SSL context (AT+QHTTPCFG=\"sslctxid\", AT+QSSLCFG) and its CA"},
	{717, "HTTP(S) socket read error", GroupHTTP, "the connection broke while the response came: check coverage and the server, then retry"},
	{718, "HTTP(S) socket write error", GroupHTTP, "the connection broke while the request went out: check coverage and the server, then retry"},
	{719, "HTTP(S) socket closed", GroupHTTP, "the server closed the connection before answering"},
	{720, "HTTP(S) data encode error", GroupHTTP, ""},
	{721, "HTTP(S) data decode error", GroupHTTP, "check the response's encoding"},
	{722, "HTTP(S) read timeout", GroupHTTP, "the response stopped coming: check coverage and the server, or give AT+QHTTPREAD a longer <wait_time>"},
	{723, "HTTP(S) response failed", GroupHTTP, "the server's answer could not be parsed as an HTTP response: check the URL's scheme and port"},
	{724, "incoming call busy", GroupHTTP, "a call is coming in: end it first"},
	{725, "voice call busy", GroupHTTP, "a voice call is in progress: end it first"},
	{726, "input timeout", GroupHTTP, "send exactly the announced number of bytes (URL or body) after CONNECT, within the command's <timeout>"},
	{727, "wait data timeout", GroupHTTP, "send exactly the announced number of bytes after CONNECT, within the command's <timeout>"},
	{728, "wait HTTP(S) response timeout", GroupHTTP, "the server did not answer within <rsptime>: check the server, or give a longer <rsptime>"},
	{729, "memory allocation failed", GroupHTTP, "read or discard the last response, then retry"},
	{730, "invalid parameter", GroupHTTP, "check the command's parameters against the HTTP(S) manual"},
}

// httpStatuses words the HTTP status codes a request most often ends with;
// others are worded by their class.
var httpStatuses = []Code{
	{200, "OK", "", ""},
	{201, "Created", "", ""},
	{202, "Accepted", "", ""},
	{204, "No Content", "", ""},
	{206, "Partial Content", "", ""},
	{301, "Moved Permanently", "", "the modem does not follow redirects: set the new URL (the Location header, AT+QHTTPCFG=\"responseheader\",1 shows it)"},
	{302, "Found", "", "the modem does not follow redirects: set the new URL (the Location header, AT+QHTTPCFG=\"responseheader\",1 shows it)"},
	{304, "Not Modified", "", ""},
	{307, "Temporary Redirect", "", "the modem does not follow redirects: set the new URL (the Location header, AT+QHTTPCFG=\"responseheader\",1 shows it)"},
	{308, "Permanent Redirect", "", "the modem does not follow redirects: set the new URL (the Location header, AT+QHTTPCFG=\"responseheader\",1 shows it)"},
	{400, "Bad Request", "", "check the request: body, Content-Type (AT+QHTTPCFG=\"contenttype\") and, with requestheader 1, the header lines"},
	{401, "Unauthorized", "", "the server wants credentials: send them in a request header (AT+QHTTPCFG=\"requestheader\",1)"},
	{403, "Forbidden", "", "check the credentials and the server's permissions for this URL"},
	{404, "Not Found", "", "check the URL's path"},
	{405, "Method Not Allowed", "", "this URL does not take this method: GET or POST"},
	{408, "Request Timeout", "", "the request came too slowly: check coverage"},
	{409, "Conflict", "", ""},
	{411, "Length Required", "", "with requestheader 1 the request must carry Content-Length"},
	{413, "Content Too Large", "", "send a smaller body"},
	{415, "Unsupported Media Type", "", "set the Content-Type the server takes: AT+QHTTPCFG=\"contenttype\""},
	{429, "Too Many Requests", "", "send less often"},
	{500, "Internal Server Error", "", "the server failed: check its logs"},
	{502, "Bad Gateway", "", "a proxy in front of the server failed: check the server"},
	{503, "Service Unavailable", "", "the server is down or overloaded: retry later"},
	{504, "Gateway Timeout", "", "a proxy in front of the server timed out: check the server"},
}

var (
	httpErrIndex    = index(httpErrors)
	httpStatusIndex = index(httpStatuses)
)

func init() {
	// The HTTP(S) codes are +CME ERROR numbers too: after AT+QHTTPGET a
	// request already running is "+CME ERROR: 703".
	for _, c := range httpErrors {
		cmeIndex[c.N] = c
	}
	cmeTable = append(cmeTable, httpErrors...)
	slices.SortStableFunc(cmeTable, func(a, b Code) int { return a.N - b.N })
	for _, name := range []string{"+QHTTPGET", "+QHTTPPOST", "+QHTTPPUT", "+QHTTPPOSTFILE", "+QHTTPPUTFILE", "+QHTTPGETEX", "+QHTTPREAD", "+QHTTPREADFILE"} {
		decoders[name] = decodeQHTTP
	}
}

// HTTPError returns the meaning of an HTTP(S) error code (701..730), or "".
func HTTPError(n int) string { return httpErrIndex[n].Meaning }

// HTTPStatus words an HTTP status code: "404 Not Found", "418 client error".
func HTTPStatus(n int) string { return httpStatus(n).Meaning }

func httpStatus(n int) Note {
	s := strconv.Itoa(n)
	if c, ok := httpStatusIndex[n]; ok {
		return Note{Meaning: s + " " + c.Meaning, Hint: c.Hint}
	}
	switch n / 100 {
	case 1:
		return Note{Meaning: s + " informational"}
	case 2:
		return Note{Meaning: s + " success"}
	case 3:
		return Note{Meaning: s + " redirect", Hint: "the modem does not follow redirects: set the new URL"}
	case 4:
		return Note{Meaning: s + " client error", Hint: "check the URL, the request and its headers"}
	case 5:
		return Note{Meaning: s + " server error", Hint: "the server failed: check its logs"}
	}
	return Note{Meaning: s + " (not an HTTP status)"}
}

// decodeQHTTP explains the outcome URCs "+QHTTPGET: <err>[,<status>
// [,<length>]]" (and +QHTTPPOST, +QHTTPPUT ...) and "+QHTTPREAD: <err>".
func decodeQHTTP(in info, _ lineCtx) Note {
	res, ok := in.intParam(0)
	if !ok || in.isTestAnswer() {
		return Note{}
	}
	what := "request"
	if in.name == "+QHTTPREAD" || in.name == "+QHTTPREADFILE" {
		what = "read"
	}
	if res != 0 {
		n := lookup(httpErrIndex, res, "HTTP(S) error")
		n.Meaning = "HTTP(S) " + what + " failed: " + n.Meaning + " (" + itoa(res) + ")"
		return n
	}
	status, ok := in.intParam(1)
	if !ok {
		if what == "read" {
			return Note{Meaning: "HTTP(S) response read in full"}
		}
		return Note{Meaning: "HTTP(S) request done"}
	}
	n := httpStatus(status)
	n.Meaning = "HTTP(S) " + what + " done: status " + n.Meaning
	if size, ok := in.intParam(2); ok {
		n.Meaning += ", " + itoa(size) + " bytes of body"
	}
	return n
}
