package atruncli

import (
	"strings"

	"github.com/urfave/cli/v3"

	"github.com/atrun/atrun/simproc"
)

// modelFlag is --model, the same for atrun sim, run --sim and demo.
func modelFlag() cli.Flag {
	return &cli.StringFlag{
		Name:  "model",
		Value: simproc.ModelEC20,
		Usage: "the virtual modem: `NAME` " + strings.Join(simproc.ModelChoices(), ", "),
	}
}

// modelOf reads --model, refusing an unknown name with the choices.
func modelOf(c *cli.Command) (string, error) {
	m := strings.ToLower(c.String("model"))
	if err := simproc.CheckModel(m); err != nil {
		return "", &usageError{msg: "--model: " + err.Error()}
	}
	return m, nil
}

// modelReceive is how each model hands the script an incoming message.
var modelReceive = map[string]string{
	simproc.ModelEC20:   "+QMTRECV",
	simproc.ModelSIMCom: "+CMQTTRXSTART ... +CMQTTRXEND",
	simproc.ModelUblox:  "+UUMQTTC: 6 and AT+UMQTTC=6,1",
}

// simModelWord turns "--sim simcom" and "--sim=simcom" into "--sim --model
// simcom": --sim stays a switch (alone it is the EC20), and a model name
// may follow it. It returns the words to use and how many of args it took.
func simModelWord(args []string, i int) (words []string, took int) {
	a := args[i]
	if v, ok := strings.CutPrefix(a, "--sim="); ok {
		return []string{"--sim", "--model", v}, 1
	}
	if (a == "--sim" || a == "-sim") && i+1 < len(args) && simproc.CheckModel(args[i+1]) == nil {
		return []string{"--sim", "--model", args[i+1]}, 2
	}
	return nil, 0
}
