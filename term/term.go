// Package term is atrun's AT-aware serial terminal: it sends what the user
// types, prints each answer decoded and each URC the moment it arrives,
// and turns the session into a Lua script and a transcript that replays.
//
// With a terminal on both ends it edits lines (history, Tab completion);
// otherwise it reads commands line by line and prints plain text, for
// pipelines.
package term

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/atrun/atrun/engine"
	"github.com/atrun/atrun/engine/secret"
	"github.com/atrun/atrun/simproc"
)

// Options set up a terminal session.
type Options struct {
	Port string // as atrun run takes it: a device, tcp://, rfc2217://, auto
	Baud int
	Line engine.SerialConfig // data bits, parity, stop bits, RTS/CTS; Baud is the speed
	// Sim, when set, starts the virtual EC20 to talk to instead of Port,
	// and returns what it is and how to stop it (atrun starts it in a
	// child process).
	Sim func(ctx context.Context) (simproc.Modem, func() error, error)

	In  io.Reader // what the user types
	Out io.Writer // answers, URCs, messages
	Err io.Writer // warnings

	// Interactive edits lines on In, which must then be a terminal (an
	// *os.File), as Out must be. Otherwise lines are read as they come.
	Interactive bool
	// History is the file keeping typed lines across sessions; "" keeps
	// none. HistoryFile gives the usual one.
	History string
	Trace   bool // start with the trace on
	// NoResync skips the clean start (pending bytes drained, AT until a
	// clean OK), for a modem that must get the first byte as typed.
	NoResync bool
	Timeout  time.Duration // per command; 0: the command's documented maximum
	Colour   bool          // colour the output (interactive only)
}

// FailedError is a piped session in which commands failed; each was
// reported as it happened.
type FailedError struct{ Failed, Total int }

func (e *FailedError) Error() string {
	return fmt.Sprintf("%d of %d commands failed", e.Failed, e.Total)
}

// Run runs a session until the input ends, :quit, Ctrl+D or a second
// Ctrl+C, or ctx ends.
func Run(ctx context.Context, o Options) error {
	secrets := &secret.Set{}
	out := &printer{w: o.Out, raw: o.Out, colour: o.Colour && o.Interactive, tty: o.Interactive}
	rw, port, closeSim, err := open(ctx, o, out, secrets)
	if err != nil {
		return err
	}
	defer closeSim()
	s := newSession(rw, port, out, secrets, o.Timeout)
	defer s.Close()
	s.trace.Store(o.Trace)
	if !o.NoResync {
		if err := resync(ctx, s, o.Err); err != nil {
			return err
		}
	}
	if err := s.beginRecording(); err != nil {
		return err
	}
	if o.Interactive {
		return s.interactive(ctx, o)
	}
	return s.pipe(ctx, o.In)
}

// open opens the port, or starts the virtual EC20 and opens its device.
func open(ctx context.Context, o Options, out *printer, secrets *secret.Set) (io.ReadWriteCloser, string, func(), error) {
	port, stop := o.Port, func() {}
	if o.Sim != nil {
		v, closeSim, err := o.Sim(ctx)
		if err != nil {
			return nil, "", nil, err
		}
		printSim(out, v)
		port, stop = v.Device, func() { closeSim() }
	}
	if o.Baud <= 0 {
		o.Baud = 115200
	}
	line := o.Line
	line.Baud = o.Baud
	rw, err := engine.Open(ctx, port, line)
	if err != nil {
		stop()
		return nil, "", nil, err
	}
	return rw, port, stop, nil
}

// SimReply is what the virtual EC20's broker sends back on the topics the
// modem subscribed to, when it first publishes.
const SimReply = `{"led":"on"}`

// printSim tells what a user needs to talk to the virtual EC20's broker.
func printSim(out *printer, v simproc.Modem) {
	out.linef(styleInfo, "virtual EC20 on %s", v.Device)
	out.linef(styleInfo, "  broker:   %s (TLS; AT+QMTOPEN=0,%q,%s)", v.BrokerURL, hostOf(v.BrokerAddr), portOf(v.BrokerAddr))
	out.linef(styleInfo, "  CA file:  %s (:upload %s UFS:ca.pem)", v.CAFile, v.CAFile)
	out.linef(styleInfo, "  user:     %s", v.Username)
	out.linef(styleInfo, "  password: %s", v.Password)
}

func hostOf(addr string) string {
	if i := strings.LastIndexByte(addr, ':'); i >= 0 {
		return addr[:i]
	}
	return addr
}

func portOf(addr string) string {
	if i := strings.LastIndexByte(addr, ':'); i >= 0 {
		return addr[i+1:]
	}
	return ""
}

// resync discards what an earlier program left and waits for a clean
// answer to AT, as atrun send does, and says what it found.
func resync(ctx context.Context, s *Session, stderr io.Writer) error {
	rep, err := s.conn.Resync(ctx, engine.ResyncOptions{})
	if err != nil {
		return err
	}
	if !rep.Clean() && stderr != nil {
		fmt.Fprintf(stderr, "atrun: warning: %s\n", rep)
	}
	return nil
}

// pipe reads commands line by line: a prompt's payload is the line after
// its command. URCs are printed as they come while it waits for input.
func (s *Session) pipe(ctx context.Context, in io.Reader) error {
	lines := make(chan string)
	readErr := make(chan error, 1)
	go func() {
		sc := bufio.NewScanner(in)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for sc.Scan() {
			select {
			case lines <- sc.Text():
			case <-ctx.Done():
				return
			}
		}
		readErr <- sc.Err()
		close(lines)
	}()
	next := func(ctx context.Context) (string, error) {
		select {
		case l, ok := <-lines:
			if !ok {
				return "", io.EOF
			}
			return l, nil
		case <-ctx.Done():
			return "", ctx.Err()
		}
	}
	ask := func(ctx context.Context) (string, error) {
		l, err := next(ctx)
		if err != nil {
			return "", errCancelled
		}
		return l, nil
	}
	for {
		stop := s.whileIdle(ctx)
		line, err := next(ctx)
		stop()
		if errors.Is(err, io.EOF) {
			if rerr := <-readErr; rerr != nil {
				return fmt.Errorf("reading the commands: %w", rerr)
			}
			return s.result()
		}
		if err != nil {
			return err
		}
		if strings.TrimSpace(line) != "" && !strings.HasPrefix(strings.TrimSpace(line), ":") {
			s.learn(strings.TrimSpace(line))
			s.out.linef(styleInfo, "> %s", s.secrets.Redact(line))
		}
		if err := s.Do(ctx, line, ask); errors.Is(err, errQuit) {
			return s.result()
		}
		if err := s.conn.Err(); err != nil {
			return err
		}
	}
}

// result is how a piped session went: an error when commands failed.
func (s *Session) result() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.failed > 0 {
		return &FailedError{Failed: s.failed, Total: s.sent}
	}
	return nil
}

// whileIdle prints URCs until the returned function is called, which
// returns once nothing waits on the modem any more.
func (s *Session) whileIdle(ctx context.Context) (stop func()) {
	ictx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer s.crashed()
		s.watchURCs(ictx)
	}()
	return func() {
		cancel()
		<-done
	}
}

// crashed, deferred in the session's own goroutines, puts the terminal
// back before a panic there ends the program: the defers of the main
// goroutine would not run.
func (s *Session) crashed() {
	if p := recover(); p != nil {
		if s.restore != nil {
			s.restore()
		}
		panic(p)
	}
}

// HistoryFile is where typed lines are kept across sessions: in the user's
// state directory ($XDG_STATE_HOME, else ~/.local/state), else the
// configuration directory.
func HistoryFile() string {
	dir := os.Getenv("XDG_STATE_HOME")
	if dir == "" {
		if home, err := os.UserHomeDir(); err == nil {
			dir = home + "/.local/state"
		} else if cfg, err := os.UserConfigDir(); err == nil {
			dir = cfg
		} else {
			return ""
		}
	}
	return dir + "/atrun/term_history"
}
