package atruncli

import (
	"context"
	"fmt"
	"text/tabwriter"

	"github.com/urfave/cli/v3"

	"github.com/atrun/atrun/scripts"
)

func scriptsCommand() *cli.Command {
	return &cli.Command{
		Name:  "scripts",
		Usage: "list the scripts shipped inside atrun",
		Description: `Lists the shipped scripts, one line each. Run one by its name from any
folder; a file of the same name in the current folder wins.

Example:
   atrun scripts
   atrun run selftest --port /dev/ttyUSB2`,
		Action: func(ctx context.Context, c *cli.Command) error {
			if c.Args().Present() {
				return usagef("atrun scripts takes no arguments (got %q)", c.Args().First())
			}
			tw := tabwriter.NewWriter(c.Root().Writer, 0, 4, 2, ' ', 0)
			for _, s := range scripts.List() {
				fmt.Fprintf(tw, "%s\t%s\n", s.Name, s.Summary)
			}
			return tw.Flush()
		},
	}
}
