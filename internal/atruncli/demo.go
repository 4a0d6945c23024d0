package atruncli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/urfave/cli/v3"

	"github.com/atrun/atrun/internal/human"
	"github.com/atrun/atrun/luabind"
	"github.com/atrun/atrun/scripts"
	"github.com/atrun/atrun/session"
	"github.com/atrun/atrun/simproc"
)

// The demo's topics and the broker's reply. The topics are passed to the
// script, so the broker side and the modem side cannot drift apart.
const (
	demoScript = "ec20_mqtts"
	demoUp     = "atrun/up"
	demoDown   = "atrun/down"
	demoReply  = `{"led":"on"}`
	demoListen = "10s" // how long the script waits for the reply; it comes in milliseconds
	// demoRegTimeout bounds the wait for the network: with --fault
	// no-signal the script's default of 120 s is a long time to watch.
	demoRegTimeout = "10s"
)

func demoCommand() *cli.Command {
	return &cli.Command{
		Name:  "demo",
		Usage: "see atrun drive a virtual EC20 through an MQTT session over TLS: no modem needed",
		Description: `Runs the shipped script ` + demoScript + ` on a virtual Quectel EC20, with an
MQTT broker over TLS, both run by atrun-sim (installed beside atrun):
nothing else to install, nothing sent beyond this machine. It shows each step the script takes, the message the
modem publishes arriving at the broker (on ` + demoUp + `), and the broker's
reply arriving at the modem as +QMTRECV (on ` + demoDown + `), which the
script prints. --model simcom or --model ublox shows the same on a
virtual SIMCom A7670E (simcom_mqtts) or u-blox SARA-R5 (ublox_mqtts).

--fault switches on a failure of the virtual EC20, to see how atrun
reports one ('atrun sim --fault help' lists them). --trace shows every
byte to and from the modem.

Exit codes as for atrun run: 0 success, 1 failed, 2 bad flag, 130
interrupted.

Example:
   atrun demo
   atrun demo --fault bad-credentials
   atrun demo --model ublox
   atrun demo --trace`,
		Flags: []cli.Flag{
			faultFlag(),
			modelFlag(),
			&cli.BoolFlag{Name: "trace", Usage: "print every byte to and from the modem on stderr"},
		},
		Action: demoAction,
	}
}

func demoAction(ctx context.Context, c *cli.Command) error {
	if c.Args().Present() {
		return usagef("atrun demo takes no arguments (got %q)", c.Args().First())
	}
	if simproc.WantsFaultHelp(c.StringSlice("fault")) {
		return printFaultHelp(c.Root().Writer)
	}
	faults := c.StringSlice("fault")
	model, err := modelOf(c)
	if err != nil {
		return err
	}
	script := simproc.MQTTScript(model)
	src, name, err := scripts.Lookup(script)
	if err != nil {
		return fmt.Errorf("the shipped script %s is missing: %w", script, err)
	}
	start := time.Now()
	d := &demo{humanReport: newHumanReport(c.Root().Writer, c.Root().ErrWriter), errw: c.Root().ErrWriter, model: model}
	job := session.Job{
		Script: luabind.Script{Name: name, Source: src},
		Params: map[string]string{"pub_topic": demoUp, "sub_topic": demoDown, "listen": demoListen,
			"reg_timeout": demoRegTimeout},
		Sim: &session.Sim{Ready: d.ready, Start: childStarter(simproc.Options{Model: model, Faults: faults,
			Watch: []string{demoUp}, Log: simLogTo(c.Root().ErrWriter)}, d.started)},
		Baud:   115200, // a pseudo-terminal ignores it; the serial library wants one
		Report: d,
	}
	if c.Bool("trace") {
		job.Trace = traceTo(c.Root().ErrWriter, start)
	}
	res, err := runJob(ctx, job, 0, c.Root().ErrWriter, start)
	d.Finish(res, err)
	if err == nil {
		err = d.check()
	}
	d.conclude(err, strings.Join(faults, ","), time.Since(start))
	return err
}

// demo is the demo's reporter: the human one, plus the broker's side of
// the story and what it takes to tell whether the messages went through.
type demo struct {
	*humanReport
	errw  io.Writer
	model string         // simproc.Model*
	child *simproc.Child // the virtual modem's program; set before ready

	mu       sync.Mutex
	uplink   string // what the broker received from the modem, "" until then
	downlink bool   // the script printed the broker's reply
}

// started keeps the virtual modem's program, whose broker the demo
// watches (on demoUp) and publishes through.
func (d *demo) started(ch *simproc.Child) { d.child = ch }

// ready says what is about to happen, and starts the broker's side:
// answering the modem's message with a reply on its topic.
func (d *demo) ready(ctx context.Context, m simproc.Modem) {
	fmt.Fprintf(d.errw, "atrun demo: the shipped script %s drives a virtual %s over AT\n", simproc.MQTTScript(d.model), m.Title)
	fmt.Fprintf(d.errw, "commands on %s, as it would a real one. The modem connects over TLS to\n", m.Device)
	fmt.Fprintf(d.errw, "an MQTT broker at %s. Both run on this machine: nothing leaves it.\n\n", m.BrokerAddr)
	go d.answer(ctx, d.child)
}

// answer waits for the modem's message at the broker, shows it, and
// has the broker publish the reply the script then receives.
func (d *demo) answer(ctx context.Context, ch *simproc.Child) {
	for {
		var l simproc.Line
		select {
		case <-ctx.Done():
			return
		case e, ok := <-ch.Events:
			if !ok {
				return
			}
			l = e
		}
		switch {
		case l.Message != nil:
			d.received(*l.Message, ch)
		case l.Published != nil && l.Published.Error != "":
			d.Log("warn", "the broker could not send its reply: "+l.Published.Error, "")
		}
	}
}

// received shows the modem's first message at the broker and answers it.
func (d *demo) received(m simproc.Message, ch *simproc.Child) {
	d.mu.Lock()
	first := d.uplink == ""
	if first {
		d.uplink = m.Payload
	}
	d.mu.Unlock()
	if !first {
		return
	}
	d.Log("info", fmt.Sprintf("broker received on %s: %s", m.Topic, m.Payload), "")
	// Told before it is asked for: the reply reaches the script over the
	// pty sooner than the child's report that it published, and the
	// story must not show it received before it was sent.
	d.Log("info", fmt.Sprintf("broker replied on %s: %s (the modem gets it as %s)", demoDown, demoReply, modelReceive[d.model]), "")
	if err := ch.Publish(demoDown, demoReply); err != nil {
		d.Log("warn", "the broker could not send its reply: "+err.Error(), "")
	}
}

// Print notes the script's print of the reply, which ends the story.
func (d *demo) Print(text string) {
	if strings.HasPrefix(text, demoDown+" ") {
		d.mu.Lock()
		d.downlink = true
		d.mu.Unlock()
	}
	d.humanReport.Print(text)
}

// check tells whether both messages went through, for a script that
// ended well.
func (d *demo) check() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	switch {
	case d.uplink == "":
		return errors.New("the broker never received the modem's message")
	case !d.downlink:
		return fmt.Errorf("the broker's reply did not reach the modem within %s", demoListen)
	}
	return nil
}

// conclude sums the demo up and says what to try next. After a failure
// that a fault asked for, it says so, since the failure is the point.
func (d *demo) conclude(err error, faults string, took time.Duration) {
	w := d.errw
	if err != nil {
		if f := faults; f != "" && exitCode(err) == exitFailed {
			fmt.Fprintf(w, "\nThe virtual "+simproc.ShortName(d.model)+" ran with --fault %s: this is how atrun reports the failure.\n", f)
		}
		return
	}
	d.mu.Lock()
	up := d.uplink
	d.mu.Unlock()
	fmt.Fprintf(w, "\nDone in %s. Both messages went through:\n", human.Duration(took))
	fmt.Fprintf(w, "  modem  -> broker  on %s: %s\n", demoUp, up)
	fmt.Fprintf(w, "  broker -> modem   on %s: %s\n\n", demoDown, demoReply)
	fmt.Fprintln(w, "Next:")
	fmt.Fprintln(w, "  atrun demo --trace                  every AT command and answer, byte by byte")
	fmt.Fprintln(w, "  atrun demo --fault bad-credentials  a failure, as atrun reports it ('atrun sim --fault help' lists more)")
	fmt.Fprintln(w, "  atrun sim                           a virtual EC20 of your own, for picocom or your scripts")
	fmt.Fprintf(w, "  atrun run %s --port auto --set host=... --set ca_cert=...   the same on a real %s\n", simproc.MQTTScript(d.model), simproc.ShortName(d.model))
	if d.model == simproc.ModelEC20 {
		fmt.Fprintln(w, "  atrun demo --model simcom            the same on a virtual SIMCom A7670E (or --model ublox: a u-blox SARA-R5)")
	}
}
