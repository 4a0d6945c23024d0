package atruncli

import (
	"context"

	"github.com/urfave/cli/v3"
)

// transcriptCommand groups the commands that make and read transcripts.
func transcriptCommand() *cli.Command {
	return &cli.Command{
		Name:      "transcript",
		Usage:     "turn an AT log into a replayable transcript, or show a transcript",
		ArgsUsage: "import LOG -o FILE | show FILE",
		Description: `import LOG turns an AT log (a file, or - for standard input) into a
transcript that 'atrun replay' can run a script against: the host's
commands become host writes, the modem's lines modem bytes with their
line ends restored, in the log's order. The formats are those of 'atrun
explain' (below); a "# ... # ---" description block at the top of the
file is skipped. Without -o the transcript goes to standard output.

What an import cannot know, and what it does instead (its first comments
say which applied):
 - times: where the log has them they are kept, counted from its first
   line; elsewhere typical delays are made up;
 - the date: the header has no start; a comment gives the log's first
   time of day, if it has one;
 - the outcome: when the program's own report that it failed follows
   its last AT traffic ("Connection failed"), the end line records that
   failure and a replay expects the script to fail with the same message;
   otherwise (a modem's ERROR says nothing of how the program took it)
   there is no end line, and a replay holds the script to succeeding;
 - the script, the port and its speed: the port is "imported";
 - the host's bytes where the log shows only the modem's echo: the echo
   is taken as what the host wrote; after a prompt, the payload shown is
   the modem's echo of what it took (for a length-limited send, only
   that many bytes);
 - in a log that shows no commands at all (echo off, no direction),
   there is nothing the host wrote: the answers are modem bytes only.
Passwords in commands (AT+QMTCONN, AT+QICSGP, AT+CPIN) are redacted.

show FILE prints a transcript's header and events with control bytes made
visible (<CR><LF>), the line number of each event, and how it ended.

Example:
   atrun transcript import monitor.txt -o session.atr
   atrun replay ./my.lua session.atr
   atrun transcript show testdata/transcripts/ec20_happy.atr

` + formatDoc(),
		Commands: []*cli.Command{
			{
				Name: "import",
				Flags: []cli.Flag{
					&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Usage: "write the transcript to `FILE` (standard output when left out)"},
					&cli.StringFlag{Name: "format", Usage: formatFlagUsage()},
				},
				Usage:     "turn an AT log into a replayable transcript",
				ArgsUsage: "LOG",
				Description: `Turns LOG into a transcript; see 'atrun transcript --help' for the
details.

Example:
   atrun transcript import monitor.txt -o session.atr`,
				Action:       importAction,
				OnUsageError: usageFailure,
			},
			{
				Name:      "show",
				Usage:     "print a transcript readably",
				ArgsUsage: "FILE",
				Description: `Prints a transcript's header and events, control bytes made visible.

Example:
   atrun transcript show testdata/transcripts/ec20_happy.atr`,
				Action:       showAction,
				OnUsageError: usageFailure,
			},
		},
		Action: func(ctx context.Context, c *cli.Command) error {
			if c.Args().Present() {
				return usagef("unknown transcript command %q: want import or show (run 'atrun transcript --help')", c.Args().First())
			}
			return usagef("atrun transcript needs a command: import or show (run 'atrun transcript --help')")
		},
	}
}
