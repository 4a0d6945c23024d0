package engine

// The telnet layer of an RFC 2217 port (RFC 854 commands, RFC 855 option
// sub-negotiation): a decoder that splits the server's byte stream into
// modem data and telnet events, whatever the read boundaries, and the
// encoders that double 0xFF in everything the client sends.

// Telnet command bytes (RFC 854).
const (
	telSE   = 240 // end of sub-negotiation
	telNOP  = 241
	telDM   = 242 // data mark
	telGA   = 249 // go ahead
	telSB   = 250 // start of sub-negotiation
	telWILL = 251
	telWONT = 252
	telDO   = 253
	telDONT = 254
	telIAC  = 255 // interpret as command; doubled, a data byte 0xFF
)

// Telnet options atrun negotiates.
const (
	optBinary  = 0  // RFC 856: 8-bit data, no CR NUL
	optEcho    = 1  // RFC 857, refused: the modem echoes, not the server
	optSGA     = 3  // RFC 858: no go-ahead
	optComPort = 44 // RFC 2217
)

// maxSubneg bounds a sub-negotiation's payload: the longest RFC 2217
// payload is a signature text; anything longer is cut, not buffered
// without end.
const maxSubneg = 1024

// decState is where the decoder stands between two bytes.
type decState uint8

const (
	decData  decState = iota // modem data
	decIAC                   // after IAC
	decOpt                   // after IAC WILL/WONT/DO/DONT: the option comes
	decSBOpt                 // after IAC SB: the option comes
	decSB                    // inside a sub-negotiation
	decSBIAC                 // after IAC inside a sub-negotiation
)

// telnetEvent is a telnet command found in the stream.
type telnetEvent struct {
	At   int    // how many data bytes of this decode call came before it
	Verb byte   // telWILL, telWONT, telDO, telDONT, telSB, or a lone command (telNOP, telGA, ...)
	Opt  byte   // the option, for negotiation and sub-negotiation
	Data []byte // a sub-negotiation's payload, 0xFF undoubled
}

// telnetDecoder separates data from telnet commands. Its state carries over
// from one decode call to the next, so a command split across reads is
// decoded as if it came in one. It is owned by the port's reading
// goroutine.
type telnetDecoder struct {
	state decState
	verb  byte   // the verb awaiting its option (decOpt)
	opt   byte   // the option of the sub-negotiation in progress
	sb    []byte // the sub-negotiation's payload so far
}

// decode appends the data bytes of in to out and the telnet commands to
// events, in stream order.
func (d *telnetDecoder) decode(in, out []byte, events []telnetEvent) ([]byte, []telnetEvent) {
	start := len(out)
	for i := 0; i < len(in); i++ {
		b := in[i]
		switch d.state {
		case decData:
			if b == telIAC {
				d.state = decIAC
			} else {
				out = append(out, b)
			}
		case decIAC:
			d.state = decData
			switch b {
			case telIAC:
				out = append(out, telIAC)
			case telWILL, telWONT, telDO, telDONT:
				d.verb, d.state = b, decOpt
			case telSB:
				d.state = decSBOpt
			case telSE:
				// A stray end of sub-negotiation: nothing to end.
			default:
				events = append(events, telnetEvent{At: len(out) - start, Verb: b})
			}
		case decOpt:
			events = append(events, telnetEvent{At: len(out) - start, Verb: d.verb, Opt: b})
			d.state = decData
		case decSBOpt:
			d.opt, d.sb, d.state = b, d.sb[:0], decSB
		case decSB:
			if b == telIAC {
				d.state = decSBIAC
			} else {
				d.appendSB(b)
			}
		case decSBIAC:
			switch b {
			case telIAC:
				d.appendSB(telIAC)
				d.state = decSB
			case telSE:
				payload := append([]byte(nil), d.sb...)
				events = append(events, telnetEvent{At: len(out) - start, Verb: telSB, Opt: d.opt, Data: payload})
				d.state = decData
			default:
				// IAC and a command inside a sub-negotiation: the
				// server broke it off (RFC 855 allows no other byte
				// here). Drop it and read the command as one.
				d.state = decIAC
				i--
			}
		}
	}
	return out, events
}

func (d *telnetDecoder) appendSB(b byte) {
	if len(d.sb) < maxSubneg {
		d.sb = append(d.sb, b)
	}
}

// appendEscaped appends p with every 0xFF doubled, as telnet data.
func appendEscaped(dst, p []byte) []byte {
	for _, b := range p {
		if b == telIAC {
			dst = append(dst, telIAC)
		}
		dst = append(dst, b)
	}
	return dst
}

// appendNegotiation appends IAC verb option.
func appendNegotiation(dst []byte, verb, opt byte) []byte {
	return append(dst, telIAC, verb, opt)
}

// appendSubneg appends IAC SB option payload IAC SE, with 0xFF doubled in
// the payload.
func appendSubneg(dst []byte, opt byte, payload ...byte) []byte {
	dst = append(dst, telIAC, telSB, opt)
	dst = appendEscaped(dst, payload)
	return append(dst, telIAC, telSE)
}

// escapedLen is how many bytes of p fit in n bytes of their escaped form:
// what a short write of the escaped form wrote of p.
func escapedLen(p []byte, n int) int {
	for i, b := range p {
		w := 1
		if b == telIAC {
			w = 2
		}
		if n < w {
			return i
		}
		n -= w
	}
	return len(p)
}
