package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sync"

	"github.com/urfave/cli/v3"

	"github.com/atrun/atrun/sim"
	"github.com/atrun/atrun/sim/broker"
	"github.com/atrun/atrun/simproc"
	"github.com/atrun/atrun/simproc/inproc"
)

// lineWriter writes simproc.Lines on stdout, one at a time.
type lineWriter struct {
	mu  sync.Mutex
	enc *json.Encoder
}

func (w *lineWriter) write(l simproc.Line) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.enc.Encode(l)
}

// serveJSON is --json, the form atrun runs as a child (package simproc):
// the modems are described as JSON lines on stdout, each message the
// broker receives on a --watch topic follows as one, commands come as
// JSON lines on stdin, and the end of stdin (atrun closed it, or died)
// stops everything, as SIGINT and SIGTERM do. A failure to start is one
// JSON error line, with the exit code as without --json.
func serveJSON(ctx context.Context, c *cli.Command) error {
	w := &lineWriter{enc: json.NewEncoder(c.Root().Writer)}
	err := serveModems(ctx, c, w)
	var usage *usageError
	switch {
	case errors.As(err, &usage):
		w.write(simproc.Line{Error: &simproc.Error{Message: usage.msg, Hint: usage.hint}})
	case err != nil:
		w.write(simproc.Line{Error: &simproc.Error{Message: err.Error()}})
	}
	return err
}

func serveModems(ctx context.Context, c *cli.Command, w *lineWriter) error {
	opts, err := simOptions(c)
	if err != nil {
		return err
	}
	messages, err := parseSMSFlags(c.StringSlice("sms"))
	if err != nil {
		return err
	}
	n := c.Int("count")
	switch {
	case n < 1:
		return usagef("--count %d: give the number of virtual EC20s to start, at least 1", n)
	case c.IsSet("count") && len(messages) > 0:
		return usagef("--sms delivers to one modem: leave out --count for it")
	}
	opts.Log, opts.Verbose, opts.Reply = simLog(c.Root().ErrWriter, c), c.Bool("log"), c.String("reply")
	ctx, stop := withInterrupt(ctx)
	defer stop()
	sims, closeAll, err := startSims(ctx, opts, n, c.IsSet("count"))
	if err != nil {
		return stopped(ctx, &usageError{msg: "cannot start the virtual " + simproc.ShortName(opts.Model) + ": " + err.Error()})
	}
	defer closeAll()
	b := sims[0].Broker
	// Subscribed before the modems are described: atrun starts the
	// script only then, so no message can come before the watch.
	for _, topic := range c.StringSlice("watch") {
		sub, err := b.Subscribe(ctx, topic)
		if err != nil {
			return fmt.Errorf("--watch %s: %v", topic, err)
		}
		go forward(ctx, sub, w)
	}
	// Delivered before the modems are described: a script that lists the
	// messages at once finds them stored.
	deliverSMS(c.Root().ErrWriter, sims[0].Modem, messages)
	for i, s := range sims {
		m := inproc.Describe(s, opts, i+1)
		w.write(simproc.Line{Modem: &m})
	}
	inputEnded := make(chan struct{})
	go func() {
		defer close(inputEnded)
		readCommands(ctx, c.Root().Reader, b, w)
	}()
	select {
	case <-ctx.Done():
	case <-inputEnded:
	case <-sims[0].Done():
		return fmt.Errorf("the virtual %s stopped by itself: %v", simproc.ShortName(opts.Model), sims[0].Err())
	}
	return closeAll()
}

// startSims starts one virtual modem, or a fleet of n sharing one broker
// (--count, even of 1: a fleet's members have their own identities).
func startSims(ctx context.Context, opts sim.Options, n int, fleet bool) ([]*sim.Sim, func() error, error) {
	if !fleet {
		s, err := sim.Start(ctx, opts)
		if err != nil {
			return nil, nil, err
		}
		return []*sim.Sim{s}, s.Close, nil
	}
	f, err := sim.StartFleet(ctx, n, opts)
	if err != nil {
		return nil, nil, err
	}
	return f.Sims, f.Close, nil
}

// forward reports each message of sub as a Message line.
func forward(ctx context.Context, sub *broker.Subscription, w *lineWriter) {
	defer sub.Close()
	for {
		m, err := sub.Next(ctx)
		if err != nil {
			return
		}
		w.write(simproc.Line{Message: &simproc.Message{Topic: m.Topic, Payload: string(m.Payload)}})
	}
}

// readCommands carries out the commands on r until it ends.
func readCommands(ctx context.Context, r io.Reader, b broker.Broker, w *lineWriter) {
	if r == nil {
		return
	}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	for sc.Scan() {
		var cmd simproc.Command
		if err := json.Unmarshal(sc.Bytes(), &cmd); err != nil || cmd.Publish == nil {
			continue
		}
		p := cmd.Publish
		res := &simproc.Published{Topic: p.Topic}
		if err := b.Publish(ctx, p.Topic, []byte(p.Payload), 1, false); err != nil {
			res.Error = err.Error()
		}
		w.write(simproc.Line{Published: res})
	}
}
