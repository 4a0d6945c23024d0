package codes

import (
	"strings"
	"sync"
)

// decoders() maps an information line's name to the function that explains
// it.
var decoders = sync.OnceValue(func() map[string]decoder {
	m := map[string]decoder{
		"+CSQ":      decodeCSQ,
		"+CREG":     decodeReg,
		"+CGREG":    decodeReg,
		"+CEREG":    decodeReg,
		"+CPIN":     decodeCPIN,
		"+CFUN":     decodeCFUN,
		"+CGATT":    decodeCGATT,
		"+COPS":     decodeCOPS,
		"+CMEE":     decodeCMEE,
		"+CGACT":    decodeCGACT,
		"+QIACT":    decodeQIACT,
		"+QIND":     decodeQIND,
		"+QUSIM":    decodeUSIM,
		"+USIM":     decodeUSIM,
		"+QMTOPEN":  decodeQMTOPEN,
		"+QMTCONN":  decodeQMTCONN,
		"+QMTPUB":   decodeQMTPUB,
		"+QMTPUBEX": decodeQMTPUB,
		"+QMTSUB":   decodeQMTSUB,
		"+QMTUNS":   decodeQMTSUB,
		"+QMTSTAT":  decodeQMTSTAT,
		"+QMTDISC":  decodeQMTClose,
		"+QMTCLOSE": decodeQMTClose,
		"+QMTRECV":  decodeQMTRECV,
		"+QFUPL":    decodeQFUPL,
		"+QFLST":    decodeQFLST,
		"+QIURC":    decodeQIURC,
		"+QSSLURC":  decodeQIURC,
		"+QIOPEN":   decodeOpen,
		"+QSSLOPEN": decodeOpen,
		"+QPING":    decodeQPING,
		"+QIRD":     decodeQIRD,
	}
	addHTTPDecoders(m)
	addCMQTTDecoders(m)
	addUbloxDecoders(m)
	addSIMComIPDecoders(m)
	return m
})

// Explain decodes an information, final or unsolicited line. command is
// the AT command the line answers, "" for an unsolicited line: it decides
// between a read answer and a URC of the same name ("+CREG: 0,5" after
// AT+CREG? is n,stat; "+CREG: 5" is a URC with stat). It returns "" when
// there is nothing to decode, as for "OK".
func Explain(line, command string) string { return Decode(line, command).Meaning }

// Hint returns what to check about line ("check the APN/PDP context ..."),
// or "" when there is no advice. It takes the same arguments as Explain.
func Hint(line, command string) string { return Decode(line, command).Hint }

// Decode returns both the meaning and the hint of a line in one pass.
func Decode(line, command string) Note {
	s := strings.TrimSpace(line)
	if s == "" {
		return Note{}
	}
	if f, ok := ParseFinal(s); ok {
		return finalNote(f, command)
	}
	if s == ">" || strings.HasPrefix(s, "> ") {
		return Note{Meaning: "data prompt: the modem waits for the payload"}
	}
	if n, ok := urcWords()[strings.ToUpper(s)]; ok {
		return n
	}
	if dec, rest, ok := prefixURC(s); ok {
		return dec(rest)
	}
	in, ok := parseInfo(s)
	if !ok {
		return Note{}
	}
	dec, ok := decoders()[in.name]
	if !ok {
		return Note{}
	}
	return dec(in, contextFor(in, command))
}

// contextFor tells a decoder whether command is the one line answers.
func contextFor(in info, command string) lineCtx {
	c, ok := ParseCommand(command)
	if !ok || c.Name != in.name {
		return lineCtx{}
	}
	return lineCtx{answers: true, form: c.Form}
}

// finalNote explains a final result. OK needs no words; an error carries
// the table's hint, found by number or, for verbose errors, by text.
func finalNote(f Final, command string) Note {
	n := Note{Meaning: f.Meaning}
	switch f.Kind {
	case "ERROR":
		n.Hint = "check the syntax (ASCII quotes only, parameter count and ranges: AT+<cmd>=? lists them) and that this firmware has the command; AT+CMEE=1 makes errors say why"
	case "CME", "CMS":
		if c, ok := ResolveError(f, command); ok {
			n.Hint = c.Hint
		}
	}
	return n
}

// ResolveError returns the table row of a +CME or +CMS ERROR final result:
// by its number, or for a verbose error (AT+CMEE=2) by its text. command is
// the command it answered, "" when unknown.
func ResolveError(f Final, command string) (Code, bool) {
	table := cmeIndex()
	if f.Kind == "CMS" {
		table = cmsIndex()
	}
	if f.Code >= 0 {
		c, ok := table[f.Code]
		return c, ok
	}
	return ErrorByText(f.Kind, f.Meaning, command)
}
