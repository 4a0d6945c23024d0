package main

import (
	"bufio"
	"cmp"
	"context"
	"fmt"
	"io"
	"net"
	"slices"
	"strings"
	"sync"

	"github.com/urfave/cli/v3"

	"github.com/atrun/atrun/internal/lazyre"
	"github.com/atrun/atrun/sim"
	"github.com/atrun/atrun/simproc"
)

// simPortNames are the modem ports --port-name accepts; which one the pty
// is decides whether URCs reach it (AT+QURCCFG="urcport").
var simPortNames = []string{"usbat", "usbmodem", "uart1", "uart2"}

// simApp is the program's command line; command is how it is called
// ("atrun sim" or "atrun-sim").
func simApp(command string) *cli.Command {
	return &cli.Command{
		Name:      command,
		UsageText: command + " [options]",
		Usage:     "run a virtual EC20 on a pseudo-terminal, with an MQTT broker, until Ctrl+C",
		Description: `Starts a virtual Quectel EC20 on a pseudo-terminal (/dev/pts/N), and an
MQTT broker over TLS with a fresh CA and a user name and password, unless
--broker names another. It prints the device, the broker, the CA file and
the credentials, with commands to paste: any terminal program (picocom,
minicom, pppd's chat) or atrun itself can open the device as it would a
real modem's port. Ctrl+C (or SIGTERM) stops it, removes --link and exits
0: that is its normal end. It exits 1 if the modem stops by itself, 2 on
a bad flag or a broker it cannot start or reach.

A user name or password given without --broker becomes the embedded
broker's. A password you give is never printed; the one the embedded
broker makes up is, since the commands to paste need it.

` + faultHelpText() + `
Besides the broker it runs an NTP server on loopback for AT+QNTP, and a
network for SMS: a message sent to the SIM's own number (AT+CNUM)
comes back as an incoming one, --sms delivers one at start, and typing
"sms FROM TEXT" on its standard input delivers one while it runs.
--commands lists the AT commands it implements; any other answers ERROR,
as the EC20 answers an unknown command, and it says so on standard error.
--log shows each command line, each URC and each broker message as it
happens. The broker answers the modem's first publish with --reply on
each topic the modem subscribed to.

Example:
   atrun sim
   atrun sim --log --sms '+491701234567:hello from the network'
   atrun sim --model simcom
   atrun sim --fault slow-registration=3s --fault drop-connection=20s --link /tmp/ec20
   atrun sim --count 8
   atrun sim --broker mqtts://broker.example.com:8883 --broker-ca ca.pem --broker-user dev1`,
		Flags: []cli.Flag{
			faultFlag(),
			modelFlag(),
			&cli.StringFlag{Name: "broker", Usage: "use the broker at `URL` (mqtts://host:port) instead of the embedded one"},
			&cli.StringFlag{Name: "broker-ca", Usage: "the CA certificate (PEM) of --broker, at `FILE`"},
			&cli.StringFlag{Name: "broker-user", Usage: "the broker's user `NAME`", DefaultText: "modem, for the embedded broker"},
			&cli.StringFlag{Name: "broker-password", Sources: cli.EnvVars("ATRUN_BROKER_PASSWORD"),
				Usage: "the broker's `PASSWORD`", DefaultText: "made up, for the embedded broker"},
			&cli.StringFlag{Name: "link", Usage: "also make the device reachable as `PATH` (a symlink, removed on exit)"},
			&cli.StringFlag{Name: "port-name", Value: "usbat",
				Usage: "which of the modem's ports the device is (`NAME`: " + strings.Join(simPortNames, ", ") + "): URCs reach only the port AT+QURCCFG=\"urcport\" names"},
			&cli.Int64Flag{Name: "seed", Usage: "make the modem's random choices repeatable with seed `N`", DefaultText: "a new one each run"},
			&cli.BoolFlag{Name: "commands", Usage: "list the AT commands the virtual EC20 implements, and exit"},
			&cli.BoolFlag{Name: "log", Usage: "print each command line, URC and broker message on stderr as it happens"},
			&cli.StringSliceFlag{Name: "sms", Usage: "deliver an incoming SMS at start: `FROM:TEXT` (repeatable)"},
			&cli.IntFlag{Name: "count", Value: 1, Usage: "start `N` virtual EC20s, each on its own device with its own IMEI, sharing one broker, and print their devices"},
			&cli.StringFlag{Name: "reply", Value: simReply, Usage: "what the broker sends back on the modem's subscribed topics when it first publishes (`TEXT`; empty: nothing)"},
			&cli.BoolFlag{Name: "json", Usage: "for atrun: describe each modem as a JSON line on stdout, take commands as JSON lines on stdin, stop when stdin ends"},
			&cli.StringSliceFlag{Name: "watch", Usage: "with --json: report each message the broker receives on `TOPIC` (repeatable)"},
		},
		Action:                simAction,
		HideVersion:           true,
		EnableShellCompletion: true,
		OnUsageError:          usageFailure,
		// --sms '+49170:a,b' is one message: a comma is data.
		DisableSliceFlagSeparator: true,
		// Exit codes are decided by reportFailure alone.
		ExitErrHandler: func(context.Context, *cli.Command, error) {},
	}
}

// usageFailure turns a flag the parser rejected into a usage error, with
// no help screen.
func usageFailure(_ context.Context, c *cli.Command, err error, _ bool) error {
	return usagef("%v (run '%s --help')", err, c.Name)
}

// faultHelpText lists the faults for the command's help.
func faultHelpText() string {
	var b strings.Builder
	printFaultHelp(&b)
	return b.String()
}

func simAction(ctx context.Context, c *cli.Command) error {
	if c.Args().Present() {
		return usagef("%s takes no arguments (got %q): faults go in --fault", c.Name, c.Args().First())
	}
	if simproc.WantsFaultHelp(c.StringSlice("fault")) {
		printFaultHelp(c.Root().Writer)
		return nil
	}
	if c.Bool("commands") {
		model, err := modelOf(c)
		if err != nil {
			return err
		}
		for _, name := range sim.CommandsOf(model) {
			fmt.Fprintln(c.Root().Writer, name)
		}
		return nil
	}
	if c.Bool("json") {
		return serveJSON(ctx, c)
	}
	opts, err := simOptions(c)
	if err != nil {
		return err
	}
	if c.IsSet("count") {
		return simFleetAction(ctx, c, opts)
	}
	messages, err := parseSMSFlags(c.StringSlice("sms"))
	if err != nil {
		return err
	}
	opts.Log, opts.Verbose, opts.Reply = simLog(c.Root().ErrWriter, c), c.Bool("log"), c.String("reply")
	ctx, stop := withInterrupt(ctx)
	defer stop()
	s, err := sim.Start(ctx, opts)
	if err != nil {
		// Ctrl+C while an external broker is slow to answer is an
		// interruption, not a setup error.
		return stopped(ctx, &usageError{msg: "cannot start the virtual " + simproc.ShortName(opts.Model) + ": " + err.Error()})
	}
	defer s.Close()
	// Delivered before the device is printed: whoever reads the device
	// and lists the messages at once finds them stored.
	deliverSMS(c.Root().ErrWriter, s.Modem, messages)
	printSim(c.Root().Writer, s, opts, c.IsSet("broker-password"))
	go readSimControls(c.Root().Reader, c.Root().ErrWriter, s.Modem)
	select {
	case <-ctx.Done():
		// Ctrl+C is how this command ends: not a failure.
		err := s.Close()
		fmt.Fprintln(c.Root().ErrWriter, "virtual "+simproc.ShortName(opts.Model)+" stopped")
		return err
	case <-s.Done():
		return fmt.Errorf("the virtual %s stopped by itself: %v", simproc.ShortName(opts.Model), s.Err())
	}
}

// simOptions checks the flags and turns them into the simulator's options.
func simOptions(c *cli.Command) (sim.Options, error) {
	faults, err := parseFaults(c.StringSlice("fault"))
	if err != nil {
		return sim.Options{}, err
	}
	portName := strings.ToLower(c.String("port-name"))
	if !slices.Contains(simPortNames, portName) {
		return sim.Options{}, usagef("--port-name %q: the EC20's ports are %s", c.String("port-name"), strings.Join(simPortNames, ", "))
	}
	bo := sim.BrokerOptions{URL: c.String("broker"), CAFile: c.String("broker-ca"),
		Username: c.String("broker-user"), Password: c.String("broker-password")}
	switch {
	case bo.URL == "" && bo.CAFile != "":
		return sim.Options{}, usagef("--broker-ca goes with --broker: the embedded broker makes its own CA")
	case bo.URL != "" && bo.CAFile == "":
		return sim.Options{}, usagef("--broker needs --broker-ca FILE: the modem must be given the CA that signed the broker's certificate")
	case bo.URL != "" && !brokerURLRE().MatchString(bo.URL):
		return sim.Options{}, usagef("--broker %q: write it as mqtts://host:port", bo.URL)
	}
	model, err := modelOf(c)
	if err != nil {
		return sim.Options{}, err
	}
	return sim.Options{Model: model, Faults: faults, Broker: bo, Link: c.String("link"), Port: portName, Seed: c.Int64("seed")}, nil
}

// brokerURLRE is the form of --broker: TLS, a host and a port.
var brokerURLRE = lazyre.New(`^(mqtts|ssl|tls)://[^/:]+:\d+/?$|^(mqtts|ssl|tls)://\[[^\]]+\]:\d+/?$`)

// passwordPlaceholder stands for a password the user gave in the line to
// paste: what the user gave is theirs to repeat, not ours to print.
const passwordPlaceholder = "'<the password you gave>'"

// printSim says where everything is and what to paste to use it. The
// commands name the link when there is one: it outlives a restart.
func printSim(w io.Writer, s *sim.Sim, opts sim.Options, givenPassword bool) {
	printSimInfo(w, s, opts, givenPassword)
	dev := cmp.Or(opts.Link, s.DevicePath)
	password := shellQuote(s.Password)
	if givenPassword {
		password = passwordPlaceholder
	}
	host, port, _ := net.SplitHostPort(s.BrokerAddr)
	urc := ""
	if opts.Port != "usbat" {
		// URCs go to usbat after boot: the script must move them here.
		urc = " --set urcport=" + opts.Port + " --set fix_urcport=1"
	}
	fmt.Fprintf(w, "\nTalk to it like a real modem (type AT and Enter):\n")
	fmt.Fprintf(w, "  picocom -b 115200 %s\n", shellQuote(dev))
	fmt.Fprintf(w, "Or run the shipped MQTT script on it:\n")
	fmt.Fprintf(w, "  ATRUN_PASSWORD=%s atrun run %s --port %s --set host=%s --set port=%s --set ca_cert=%s --set username=%s%s\n",
		password, simproc.MQTTScript(opts.Model), shellQuote(dev), shellQuote(host), port, shellQuote(s.CAFile), shellQuote(s.Username), urc)
	fmt.Fprintf(w, "Watch what the modem publishes, and publish to it:\n")
	fmt.Fprintf(w, "  mosquitto_sub -h %s -p %s --cafile %s -u %s -P %s -t '#' -v\n",
		shellQuote(host), port, shellQuote(s.CAFile), shellQuote(s.Username), password)
	fmt.Fprintf(w, "  mosquitto_pub -h %s -p %s --cafile %s -u %s -P %s -t atrun/down -m '{\"led\":\"on\"}'\n",
		shellQuote(host), port, shellQuote(s.CAFile), shellQuote(s.Username), password)
	if opts.Model != "" && opts.Model != sim.ModelEC20 {
		// NTP, SMS and the socket servers are the EC20's command sets.
		fmt.Fprintf(w, "\nCtrl+C stops it.\n")
		return
	}
	ntpHost, ntpPort, _ := net.SplitHostPort(s.NTPAddr)
	fmt.Fprintf(w, "Set its clock from the NTP server: AT+QNTP=1,\"%s\",%s\n", ntpHost, ntpPort)
	fmt.Fprintf(w, "Send it an SMS: type  sms +491701234567 hello  here (its own number is %s); or run the SMS script:\n", sim.OwnNumber)
	fmt.Fprintf(w, "  atrun run sms --port %s --set to=self --set wait=10s%s\n", shellQuote(dev), urc)
	printServers(w, s, dev)
	fmt.Fprintf(w, "\nCtrl+C stops it.\n")
}

// printSimInfo lists the device, the faults and the broker, one per line.
func printSimInfo(w io.Writer, s *sim.Sim, opts sim.Options, givenPassword bool) {
	fmt.Fprintln(w, "virtual "+simproc.ShortName(opts.Model)+" ready")
	fmt.Fprintf(w, "  device:    %s\n", s.DevicePath)
	if opts.Link != "" {
		fmt.Fprintf(w, "  link:      %s\n", opts.Link)
	}
	fmt.Fprintf(w, "  port name: %s\n", opts.Port)
	fmt.Fprintf(w, "  faults:    %s\n", orNone(opts.Faults.String()))
	kind := "embedded"
	if opts.Broker.URL != "" {
		kind = "external"
	}
	fmt.Fprintf(w, "  broker:    %s (%s)\n", s.BrokerURL, kind)
	fmt.Fprintf(w, "  CA file:   %s\n", s.CAFile)
	fmt.Fprintf(w, "  username:  %s\n", orNone(s.Username))
	if givenPassword {
		fmt.Fprintln(w, "  password:  (the one you gave: not printed)")
	} else {
		fmt.Fprintf(w, "  password:  %s\n", orNone(s.Password))
	}
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

// shellSafeRE matches words a POSIX shell takes as they are.
var shellSafeRE = lazyre.New(`^[A-Za-z0-9_./:@%+=,-]+$`)

// shellQuote makes s one word for a POSIX shell.
func shellQuote(s string) string {
	if shellSafeRE().MatchString(s) {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// simReply is what the broker answers the modem's first publish with, on
// its subscribed topics: the reply of the demo.
const simReply = `{"led":"on"}`

// simLog prints the virtual EC20's own log on stderr, with the passwords
// and PIN the command line gave replaced: AT+QMTCONN and AT+CPIN carry
// them.
func simLog(w io.Writer, c *cli.Command) func(string) {
	return redactedLog(func(line string) { fmt.Fprintln(w, line) }, "EC20",
		c.String("broker-password"), pinOf(c.StringSlice("fault")))
}

// redactedLog passes log (nil for none) each line of the modems as
// "virtual <name>: <line>", with the secrets given ("" for none) replaced
// by ***, one line at a time. A hosted run's fleet (host.go) logs so too.
func redactedLog(log func(string), name string, secrets ...string) func(string) {
	if log == nil {
		return nil
	}
	var mu sync.Mutex
	return func(line string) {
		for _, s := range secrets {
			if s != "" {
				line = strings.ReplaceAll(line, s, "***")
			}
		}
		mu.Lock()
		defer mu.Unlock()
		log(fmt.Sprintf("virtual %s: %s", name, line))
	}
}

// pinOf is the PIN of a sim-pin fault, "" when there is none.
func pinOf(faults []string) string {
	f, err := sim.ParseFaults(strings.Join(faults, ","))
	if err != nil {
		return ""
	}
	return f.SIMPIN
}

// deliverSMS hands the modem the --sms messages. It posts them to the
// modem's loop, which applies them before any command that comes after.
func deliverSMS(w io.Writer, m *sim.Modem, messages [][2]string) {
	for _, msg := range messages {
		if err := m.DeliverSMS(msg[0], msg[1]); err != nil {
			fmt.Fprintln(w, "--sms: "+err.Error())
		}
	}
}

// parseSMSFlags reads --sms FROM:TEXT values.
func parseSMSFlags(values []string) ([][2]string, error) {
	var out [][2]string
	for _, v := range values {
		from, text, ok := strings.Cut(v, ":")
		if !ok || strings.TrimSpace(from) == "" {
			return nil, usagef("--sms %q: write it as FROM:TEXT, e.g. --sms '+491701234567:hello'", v)
		}
		out = append(out, [2]string{strings.TrimSpace(from), text})
	}
	return out, nil
}

// readSimControls takes "sms FROM TEXT" lines from the terminal atrun sim
// runs in and delivers each as an incoming SMS.
func readSimControls(r io.Reader, w io.Writer, m *sim.Modem) {
	if r == nil {
		return
	}
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		fields := strings.SplitN(strings.TrimSpace(sc.Text()), " ", 3)
		switch {
		case len(fields) == 1 && fields[0] == "":
		case len(fields) == 3 && strings.EqualFold(fields[0], "sms"):
			if err := m.DeliverSMS(fields[1], fields[2]); err != nil {
				fmt.Fprintln(w, err)
			} else {
				fmt.Fprintf(w, "SMS from %s delivered\n", fields[1])
			}
		default:
			fmt.Fprintln(w, "type: sms FROM TEXT   (an incoming SMS, e.g. sms +491701234567 hello)")
		}
	}
}
