package atruncli

import (
	"fmt"
	"io"

	"github.com/atrun/atrun/engine"
)

// resolvePort turns --port auto into the port the engine's discovery picks,
// saying on stderr which and why; any other name is returned as it is ("",
// no port, included). A name that does not parse is an error here, before
// a transcript is started.
func resolvePort(port string, stderr io.Writer) (string, error) {
	if port == "" {
		return "", nil
	}
	a, err := engine.ResolvePort(port)
	if err != nil {
		return "", err
	}
	if a.Picked != nil {
		fmt.Fprintf(stderr, "atrun: --port auto: using %s\n", a.Picked.Describe())
	}
	return a.Name, nil
}
