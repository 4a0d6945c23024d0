package atruncli

import (
	"context"
	"fmt"

	"github.com/urfave/cli/v3"
)

func versionCommand() *cli.Command {
	return &cli.Command{
		Name:  "version",
		Usage: "print atrun's version and the Go version it was built with",
		Description: `Prints the version set at build time ("dev" for a development build), the
Go version, and the platform.

Example:
   atrun version`,
		Action: func(ctx context.Context, c *cli.Command) error {
			fmt.Fprintln(c.Root().Writer, versionLine())
			return nil
		},
	}
}
