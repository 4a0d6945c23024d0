package engine

import "strings"

// result is how a final result code ends a command.
type result uint8

const (
	notFinal result = iota
	success         // OK, SEND OK
	failure         // ERROR, +CME ERROR, +CMS ERROR, NO CARRIER, BUSY, ...
	connect         // CONNECT: the modem enters data mode
)

// finalOf recognises the final result codes of verbose mode. It looks at the
// first byte before comparing strings, since it runs on every routed line.
func finalOf(text string) result {
	if text == "" {
		return notFinal
	}
	switch text[0] {
	case 'O':
		if text == "OK" {
			return success
		}
	case 'E':
		if text == "ERROR" {
			return failure
		}
	case '+':
		if strings.HasPrefix(text, "+CME ERROR:") || strings.HasPrefix(text, "+CMS ERROR:") {
			return failure
		}
	case 'N':
		switch text {
		case "NO CARRIER", "NO ANSWER", "NO DIALTONE":
			return failure
		}
	case 'B':
		if text == "BUSY" {
			return failure
		}
	case 'S':
		switch text {
		case "SEND OK":
			return success
		case "SEND FAIL":
			return failure
		}
	case 'C':
		if text == "CONNECT" || strings.HasPrefix(text, "CONNECT ") {
			return connect
		}
	}
	return notFinal
}
