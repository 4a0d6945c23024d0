package codes

import (
	"strings"
	"sync"
)

// qiurcKinds() are the first field of +QIURC (and +QSSLURC), the socket
// layer's unsolicited reports.
var qiurcKinds = sync.OnceValue(func() map[string]Note {
	return map[string]Note{
		"recv":          {"data received on connection %s", "read it with AT+QIRD (buffer mode) unless the data came inline"},
		"closed":        {"connection %s closed by the peer", "close it on this side too with AT+QICLOSE before reusing the id"},
		"incoming full": {"incoming connection refused: no free connection id", "close unused connections"},
		"incoming":      {"incoming connection %s on a listening socket", ""},
		"pdpdeact":      {"PDP context %s deactivated by the network", "close its sockets (AT+QICLOSE) and reactivate with AT+QIACT"},
		"dnsgip":        {"DNS lookup result %s", ""},
	}
})

// QIURCKind returns the meaning of a +QIURC kind ("pdpdeact"), or "".
func QIURCKind(kind string) string {
	return strings.ReplaceAll(qiurcKinds()[strings.ToLower(kind)].Meaning, " %s", "")
}

// decodeQIURC explains `+QIURC: "<kind>"[,<id>...]`.
func decodeQIURC(in info, _ lineCtx) Note {
	n, ok := qiurcKinds()[strings.ToLower(unquote(in.param(0)))]
	if !ok {
		return Note{}
	}
	id := in.param(1)
	if strings.EqualFold(unquote(in.param(0)), "dnsgip") {
		id = strings.Join(in.params[1:], ",")
	}
	if id == "" {
		n.Meaning = strings.ReplaceAll(n.Meaning, " %s", "")
	} else {
		n.Meaning = strings.ReplaceAll(n.Meaning, "%s", unquote(id))
	}
	return n
}

// decodeOpen explains "+QIOPEN: <id>,<err>" and "+QSSLOPEN:": 0 is success,
// anything else a socket error number.
func decodeOpen(in info, _ lineCtx) Note {
	err, ok := in.intParam(1)
	if !ok || in.isTestAnswer() {
		return Note{}
	}
	if err == 0 {
		return Note{Meaning: "connection " + in.param(0) + " opened"}
	}
	n := cmeNote(err)
	n.Meaning = "connection " + in.param(0) + " failed to open: " + n.Meaning
	return n
}

// decodeQPING explains a ping reply "+QPING: 0,"<ip>",<bytes>,<ms>,<ttl>",
// the summary "+QPING: 0,<sent>,<rcvd>,<lost>,<min>,<max>,<avg>", or a
// failure "+QPING: <err>".
func decodeQPING(in info, _ lineCtx) Note {
	res, ok := in.intParam(0)
	if !ok {
		return Note{}
	}
	if res != 0 {
		n := cmeNote(res)
		n.Meaning = "ping failed: " + n.Meaning
		return n
	}
	switch {
	case len(in.params) == 5 && isQuoted(in.params[1]):
		return Note{Meaning: "reply from " + unquote(in.params[1]) + ": " + in.params[2] + " bytes in " + in.params[3] + " ms, TTL " + in.params[4]}
	case len(in.params) == 7:
		return Note{Meaning: in.params[1] + " sent, " + in.params[2] + " received, " + in.params[3] + " lost; round trip min " +
			in.params[4] + " / max " + in.params[5] + " / avg " + in.params[6] + " ms"}
	}
	return Note{}
}

// decodeQIRD explains the header "+QIRD: <len>[,...]" of a socket read.
func decodeQIRD(in info, _ lineCtx) Note {
	size, ok := in.intParam(0)
	switch {
	case !ok:
		return Note{}
	case size == 0 && len(in.params) == 1:
		return Note{Meaning: "no data waiting"}
	case len(in.params) == 1:
		return Note{Meaning: itoa(size) + " bytes follow"}
	}
	return Note{}
}

// cmeNote words an error number through the +CME table, for the lines that
// carry one in a field of their own.
func cmeNote(n int) Note {
	if c, ok := CMECode(n); ok {
		return note(c)
	}
	return Note{Meaning: unknownCode(CMERange(n), n)}
}
