package simproc

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Program is the simulator's executable.
const Program = "atrun-sim"

// HostArg, as atrun-sim's first argument, makes it run the rest of its
// command line as atrun would, with the virtual modems in its own process:
// atrun hands a run on many virtual modems (run --sims N) over to it so.
const HostArg = "--host-atrun"

// Options say which virtual modems to start; they become atrun-sim's flags.
type Options struct {
	Model  string   // "" is the EC20
	Faults []string // --fault values, checked by the child
	Count  int      // how many, sharing one broker; 0 is 1
	// Reply is what the broker answers the modems' first publish with on
	// their subscribed topics ("" for nothing).
	Reply string
	// Username and Password become the embedded broker's ("" lets it
	// make them up). The password reaches the child in its environment,
	// never on its command line, where any user could read it.
	Username, Password string
	Watch              []string // topics whose messages come as Events
	SMS                []string // FROM:TEXT messages delivered at start
	Verbose            bool     // --log: every command line and network event
	// Log receives each line the child writes on its standard error once
	// its modems are up (what they lack, what they dropped, with Verbose
	// everything), with the broker's password replaced by ***. Nil
	// discards them. It is called from one goroutine.
	Log func(line string)
	// Program is the atrun-sim to run; "" finds it (Find).
	Program string
}

// args are the child's flags for o.
func (o Options) args() []string {
	args := []string{"--json", "--reply", o.Reply}
	if o.Model != "" {
		args = append(args, "--model", o.Model)
	}
	if o.Count > 1 {
		args = append(args, "--count", strconv.Itoa(o.Count))
	}
	if o.Username != "" {
		args = append(args, "--broker-user", o.Username)
	}
	if o.Verbose {
		args = append(args, "--log")
	}
	for _, f := range o.Faults {
		args = append(args, "--fault", f)
	}
	for _, t := range o.Watch {
		args = append(args, "--watch", t)
	}
	for _, m := range o.SMS {
		args = append(args, "--sms", m)
	}
	return args
}

// env is the child's environment: this process's, with the broker
// password given or none (not one a user exported for atrun sim).
func (o Options) env() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, passwordEnv+"=") {
			env = append(env, kv)
		}
	}
	if o.Password != "" {
		env = append(env, passwordEnv+"="+o.Password)
	}
	return env
}

// passwordEnv is where atrun-sim reads --broker-password from.
const passwordEnv = "ATRUN_BROKER_PASSWORD"

// MissingError is an atrun-sim found neither beside the running program
// nor in PATH.
type MissingError struct {
	Dir string // the running program's folder, "" when unknown
}

func (e *MissingError) Error() string {
	where := "beside atrun"
	if e.Dir != "" {
		where += " (in " + e.Dir + ")"
	}
	return "the virtual modems run in a second program, " + Program + ", found neither " + where + " nor in PATH"
}

// Hint says how to get it.
func (e *MissingError) Hint() string {
	return "install both programs with 'go install ./cmd/...' in a checkout of atrun (or 'go install github.com/atrun/atrun/cmd/...@latest'); or build both: go build -o bin/ ./cmd/... && bin/atrun ..."
}

// Find returns the atrun-sim to run: the one beside the running program
// (as both are installed or built together), else the one in PATH.
func Find() (string, error) {
	dir := ""
	if self, err := os.Executable(); err == nil {
		if resolved, err := filepath.EvalSymlinks(self); err == nil {
			self = resolved
		}
		dir = filepath.Dir(self)
		p := filepath.Join(dir, Program)
		if fi, err := os.Stat(p); err == nil && !fi.IsDir() && fi.Mode()&0o111 != 0 {
			return p, nil
		}
	}
	if p, err := exec.LookPath(Program); err == nil {
		return p, nil
	}
	return "", &MissingError{Dir: dir}
}

// Child is a running atrun-sim and its virtual modems. It stops when
// Close is called, when the context Start was given ends, or when this
// process dies (its standard input then closes).
type Child struct {
	Modems []Modem
	// Events are the Message and Published lines that follow, in order;
	// closed when the child ends.
	Events <-chan Line

	cmd       *exec.Cmd
	stdin     io.WriteCloser
	mu        sync.Mutex // serialises writes to stdin
	readers   sync.WaitGroup
	stopWatch func() bool   // ends the watch on Start's context; under mu
	quit      chan struct{} // closed by Close: events are no longer read
	closeOnce sync.Once
	closeErr  error
}

// Start runs atrun-sim with o and waits until its modems are up. An
// *Error is the child's refusal (a bad fault, a broker it cannot reach);
// a *MissingError says atrun-sim is not installed.
func Start(ctx context.Context, o Options) (*Child, error) {
	prog := o.Program
	if prog == "" {
		var err error
		if prog, err = Find(); err != nil {
			return nil, err
		}
	}
	cmd := exec.Command(prog, o.args()...)
	cmd.Env = o.env()
	cmd.SysProcAttr = ownGroup()
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("cannot run %s: %w", prog, err)
	}
	c := &Child{cmd: cmd, stdin: stdin, quit: make(chan struct{})}
	logs := startLog(stderr, o.Log, &c.readers)
	out := bufio.NewReader(stdout)
	// A child that never comes up must not hold atrun: ending ctx (Ctrl+C,
	// --timeout) kills it, which ends the read below.
	stopKill := context.AfterFunc(ctx, func() { cmd.Process.Kill() })
	modems, err := readModems(out, max(o.Count, 1))
	if !stopKill() && ctx.Err() != nil && err != nil {
		err = fmt.Errorf("stopped while starting: %w", ctx.Err())
	}
	if err != nil {
		stdin.Close()
		c.readers.Wait()
		cmd.Wait()
		return nil, startError(err, logs.early())
	}
	c.Modems = modems
	logs.ready(modems[0].Password)
	events := make(chan Line, 16)
	c.Events = events
	c.readers.Add(1)
	go func() {
		defer c.readers.Done()
		defer close(events)
		for {
			var l Line
			if readLine(out, &l) != nil {
				return
			}
			select {
			case events <- l:
			case <-c.quit: // no one reads them any more: drain to the end
			}
		}
	}()
	c.mu.Lock()
	c.stopWatch = context.AfterFunc(ctx, func() { c.Close() })
	c.mu.Unlock()
	return c, nil
}

// readModems reads the n Modem lines, or the Error line instead.
func readModems(r *bufio.Reader, n int) ([]Modem, error) {
	var modems []Modem
	for len(modems) < n {
		var l Line
		if err := readLine(r, &l); err != nil {
			return nil, err
		}
		switch {
		case l.Error != nil:
			return nil, l.Error
		case l.Modem != nil:
			modems = append(modems, *l.Modem)
		}
	}
	return modems, nil
}

// readLine reads one JSON line into l.
func readLine(r *bufio.Reader, l *Line) error {
	text, err := r.ReadBytes('\n')
	if err != nil {
		if len(text) == 0 {
			return err
		}
	}
	if err := json.Unmarshal(text, l); err != nil {
		return fmt.Errorf("%s wrote %q: %w", Program, strings.TrimSpace(string(text)), err)
	}
	return nil
}

// startError is why the modems did not come up: the child's own words
// when it wrote them, else how it ended with what it wrote on stderr.
func startError(err error, stderr []string) error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	msg := Program + " ended before its virtual modems were up"
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		err = nil
	}
	if err != nil {
		msg += ": " + err.Error()
	}
	if len(stderr) > 0 {
		msg += ": " + strings.Join(stderr, "; ")
	}
	return &Error{Message: msg}
}

// Publish has the child's broker publish payload on topic; a Published
// event follows.
func (c *Child) Publish(topic, payload string) error {
	line, err := json.Marshal(Command{Publish: &Message{Topic: topic, Payload: payload}})
	if err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	_, err = c.stdin.Write(append(line, '\n'))
	return err
}

// stopWait is how long Close waits for the child to stop on its own
// before it kills it: closing the broker and the pseudo-terminals takes
// milliseconds.
const stopWait = 5 * time.Second

// Close stops the child (closing its standard input is its signal to
// stop) and waits for it to end. A child that ended other than cleanly is
// an error.
func (c *Child) Close() error {
	c.closeOnce.Do(func() {
		c.mu.Lock()
		if c.stopWatch != nil {
			c.stopWatch()
		}
		close(c.quit)
		c.stdin.Close()
		c.mu.Unlock()
		done := make(chan struct{})
		go func() {
			c.readers.Wait()
			close(done)
		}()
		select {
		case <-done:
		case <-time.After(stopWait):
			c.cmd.Process.Kill()
			<-done
		}
		if err := c.cmd.Wait(); err != nil {
			c.closeErr = fmt.Errorf("%s: %w", Program, err)
		}
	})
	return c.closeErr
}
