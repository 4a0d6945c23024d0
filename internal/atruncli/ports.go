package atruncli

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"text/tabwriter"

	"github.com/urfave/cli/v3"

	"github.com/atrun/atrun/engine"
)

func portsCommand() *cli.Command {
	return &cli.Command{
		Name:  "ports",
		Usage: "list the serial ports, with the Quectel AT port marked",
		Description: `Lists every serial port with its USB vendor and product IDs, serial number
and USB interface number. The AT port of a Quectel modem (vendor 2C7C, USB
interface 2 on the EC20/EC25: usually /dev/ttyUSB2) is marked; it is the
port '--port auto' picks.

Example:
   atrun ports`,
		Action: func(ctx context.Context, c *cli.Command) error {
			if c.Args().Present() {
				return usagef("atrun ports takes no arguments (got %q)", c.Args().First())
			}
			ports, err := engine.ListPorts()
			if err != nil {
				return fmt.Errorf("cannot list the serial ports: %w", err)
			}
			printPorts(c.Root().Writer, ports)
			return nil
		},
	}
}

// printPorts writes the port table.
func printPorts(w io.Writer, ports []engine.PortInfo) {
	if len(ports) == 0 {
		fmt.Fprintln(w, "no serial ports found")
		return
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "PORT\tVID:PID\tSERIAL\tINTERFACE\tPRODUCT\t")
	for _, p := range ports {
		ids, iface := "-", "-"
		if p.USB {
			ids = p.VID + ":" + p.PID
		}
		if p.Interface >= 0 {
			iface = strconv.Itoa(p.Interface)
		}
		mark := ""
		if p.IsQuectelAT() {
			mark = "<- Quectel AT port"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", p.Name, ids, dash(p.Serial), iface, dash(p.Product), mark)
	}
	tw.Flush()
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
