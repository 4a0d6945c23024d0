package engine

import "github.com/atrun/atrun/engine/codes"

// result is how a final result code ends a command.
type result = codes.Result

const (
	notFinal = codes.NotFinal
	success  = codes.Success // OK, SEND OK
	failure  = codes.Failure // ERROR, +CME ERROR, +CMS ERROR, NO CARRIER, BUSY, ...
	connect  = codes.Connect // CONNECT: the modem enters data mode
)

// finalOf recognises the final result codes of verbose mode. engine/codes
// holds the one list of them, shared with `atrun explain`.
func finalOf(text string) result { return codes.ResultOf(text) }
