package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"strings"

	"github.com/urfave/cli/v3"

	"github.com/atrun/atrun/sim"
)

// simFleetAction is atrun sim --count N: N virtual EC20s on N devices,
// one broker, until Ctrl+C.
func simFleetAction(ctx context.Context, c *cli.Command, opts sim.Options) error {
	n := c.Int("count")
	switch {
	case n < 1:
		return usagef("--count %d: give the number of virtual EC20s to start, at least 1", n)
	case opts.Link != "":
		return usagef("--link makes one path: with --count, use the devices printed")
	case len(c.StringSlice("sms")) > 0:
		return usagef("--sms delivers to one modem: leave out --count for it")
	}
	opts.Log, opts.Verbose, opts.Reply = simLog(c.Root().ErrWriter, c), c.Bool("log"), c.String("reply")
	ctx, stop := withInterrupt(ctx)
	defer stop()
	f, err := sim.StartFleet(ctx, n, opts)
	if err != nil {
		return stopped(ctx, &usageError{msg: "cannot start the virtual EC20s: " + err.Error()})
	}
	defer f.Close()
	printFleet(c.Root().Writer, f, opts, c.IsSet("broker-password"))
	done := make(chan int, len(f.Sims))
	for i, s := range f.Sims {
		go func() {
			<-s.Done()
			done <- i
		}()
	}
	select {
	case <-ctx.Done():
		err := f.Close()
		fmt.Fprintf(c.Root().ErrWriter, "%d virtual EC20s stopped\n", n)
		return err
	case i := <-done:
		return fmt.Errorf("virtual EC20 %d (%s) stopped by itself: %v", i+1, f.Sims[i].DevicePath, f.Sims[i].Err())
	}
}

// printFleet lists the devices with their identities, then the broker and
// a command that runs the shipped MQTT script on all of them at once.
func printFleet(w io.Writer, f *sim.Fleet, opts sim.Options, givenPassword bool) {
	first := f.Sims[0]
	fmt.Fprintf(w, "%d virtual EC20s ready, sharing one broker\n", len(f.Sims))
	fmt.Fprintf(w, "  %-5s  %-12s  %-15s  %s\n", "INDEX", "DEVICE", "IMEI", "ICCID")
	ports := make([]string, len(f.Sims))
	for i, s := range f.Sims {
		id := sim.IdentityOf(i + 1)
		fmt.Fprintf(w, "  %-5d  %-12s  %-15s  %s\n", i+1, s.DevicePath, id.IMEI, id.ICCID)
		ports[i] = "--port " + shellQuote(s.DevicePath)
	}
	fmt.Fprintf(w, "  faults:    %s\n", orNone(opts.Faults.String()))
	fmt.Fprintf(w, "  broker:    %s\n", first.BrokerURL)
	fmt.Fprintf(w, "  CA file:   %s\n", first.CAFile)
	fmt.Fprintf(w, "  username:  %s\n", orNone(first.Username))
	password := shellQuote(first.Password)
	if givenPassword {
		fmt.Fprintln(w, "  password:  (the one you gave: not printed)")
		password = passwordPlaceholder
	} else {
		fmt.Fprintf(w, "  password:  %s\n", orNone(first.Password))
	}
	host, port, _ := net.SplitHostPort(first.BrokerAddr)
	fmt.Fprintf(w, "\nRun the shipped MQTT script on all of them at once (each its own MQTT client):\n")
	fmt.Fprintf(w, "  ATRUN_PASSWORD=%s atrun run ec20_mqtts %s --set host=%s --set port=%s --set ca_cert=%s --set username=%s --set client_id=dev-{index}\n",
		password, strings.Join(ports, " "), shellQuote(host), port, shellQuote(first.CAFile), shellQuote(first.Username))
	fmt.Fprintf(w, "\nCtrl+C stops them.\n")
}
