package main

import (
	"fmt"

	"github.com/urfave/cli/v2"
)

func init() { register(versionCommand) }

func versionCommand() *cli.Command {
	return &cli.Command{
		Name:  "version",
		Usage: "print atrun's version and the Go version it was built with",
		Description: `Prints the version set at build time ("dev" for a development build), the
Go version, and the platform.

Example:
   atrun version`,
		Action: func(c *cli.Context) error {
			fmt.Fprintln(c.App.Writer, versionLine())
			return nil
		},
	}
}
