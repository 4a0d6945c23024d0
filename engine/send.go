package engine

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/atrun/atrun/engine/codes"
)

// Option adjusts one command.
type Option func(*options)

type options struct {
	timeout  time.Duration
	prefix   *string
	fixed    bool
	chunk    int
	progress func(sent, total int)
	download bool
	size     int
	payload  func(context.Context) ([]byte, error)
}

// PromptPayload makes SendPrompt ask fn for the payload once the prompt has
// come, rather than take it up front: for a person who types it after
// seeing the `>` (atrun term). An error from fn (the person cancelled)
// sends ESC, so the modem leaves the prompt, and is returned.
func PromptPayload(fn func(ctx context.Context) ([]byte, error)) Option {
	return func(o *options) { o.payload = fn }
}

// Timeout sets how long to wait for the command's answer (and, for
// SendPrompt and Upload, for each of its two steps).
func Timeout(d time.Duration) Option { return func(o *options) { o.timeout = d } }

// ResponsePrefix sets the prefix of the command's own information lines,
// where the one derived from the command name (+CSQ: for AT+CSQ) is wrong;
// "" claims none.
func ResponsePrefix(p string) Option { return func(o *options) { o.prefix = &p } }

// FixedLength makes SendPrompt write exactly the payload, for commands that
// announced its length (AT+QMTPUBEX=...,<len>), instead of payload + Ctrl+Z.
func FixedLength() Option { return func(o *options) { o.fixed = true } }

// ChunkSize sets how many bytes Upload writes at a time (1024 by default).
func ChunkSize(n int) Option { return func(o *options) { o.chunk = n } }

// Progress is called by Upload after each chunk with the bytes sent so far.
func Progress(fn func(sent, total int)) Option { return func(o *options) { o.progress = fn } }

// ExpectData is Download with the data's size known: exactly n bytes
// follow the command's CONNECT.
func ExpectData(n int) Option { return func(o *options) { o.download, o.size = true, n } }

// DefaultTimeout is how long a command waits for its answer unless told
// otherwise: the modem's documented maximum response time plus a margin for
// the slow ones, 5 s for the rest.
func DefaultTimeout(cmd string) time.Duration {
	upper := strings.ToUpper(cmd)
	for _, t := range slowCommands {
		if strings.HasPrefix(upper, t.prefix) {
			return t.timeout
		}
	}
	return 5 * time.Second
}

var slowCommands = []struct {
	prefix  string
	timeout time.Duration
}{
	{"AT+COPS=?", 180 * time.Second},
	{"AT+COPS=", 180 * time.Second},
	{"AT+CGATT=", 140 * time.Second},
	{"AT+CGACT=", 150 * time.Second},
	{"AT+QIACT=", 150 * time.Second},
	{"AT+QIDEACT=", 40 * time.Second},
	{"AT+CFUN=", 15 * time.Second},
	{"AT+QPOWD", 60 * time.Second},
}

func (c *Conn) options(cmd string, opts []Option) options {
	o := options{timeout: c.timeout, chunk: 1024}
	if o.timeout <= 0 {
		o.timeout = DefaultTimeout(cmd)
	}
	for _, opt := range opts {
		opt(&o)
	}
	return o
}

// show returns text with secrets redacted, for errors.
func (c *Conn) show(text string) string { return c.secrets.Redact(text) }

// Send writes cmd and CR, and returns the command's information lines and
// final result. An error result (ERROR, +CME ERROR, NO CARRIER ...) is a
// *ModemError, returned with the response. With Download, the data after
// CONNECT is in Response.Data; for AT+QFDWL its size and checksum are
// checked against the modem's report (a *DownloadError).
func (c *Conn) Send(ctx context.Context, cmd string, opts ...Option) (*Response, error) {
	o := c.options(cmd, opts)
	cm, err := c.issue(cmd, o)
	if err != nil {
		return nil, err
	}
	defer c.end()
	err = c.await(ctx, cm.shown, o.timeout, func() bool { return cm.done })
	resp, err := c.finish(cm, err)
	if err == nil && cm.download && isQFDWL(cm.text) {
		err = CheckDownload(resp)
	}
	return resp, err
}

// issue checks cmd, claims the Conn for it and writes it. On success the
// caller owns the Conn until it calls c.end.
func (c *Conn) issue(cmd string, o options, setup ...func(*command)) (*command, error) {
	if err := validate(cmd); err != nil {
		return nil, err
	}
	if err := c.begin(c.show(cmd)); err != nil {
		return nil, err
	}
	cm, err := c.start(cmd, o, setup...)
	if err != nil {
		c.end()
		return nil, err
	}
	return cm, nil
}

// SendPrompt writes cmd, waits for the `>` prompt, writes payload and
// Ctrl+Z (or exactly the payload with FixedLength), and returns the final
// result. If the prompt does not come in time, or ctx ends first, it sends
// ESC so the modem does not stay at the prompt.
func (c *Conn) SendPrompt(ctx context.Context, cmd string, payload []byte, opts ...Option) (*Response, error) {
	o := c.options(cmd, opts)
	if !o.fixed && bytes.ContainsAny(payload, "\x1a\x1b") {
		return nil, &CommandError{Command: cmd, Reason: "the payload holds Ctrl+Z or ESC, which would end the prompt early; send it with a declared length (FixedLength)"}
	}
	cm, err := c.issue(cmd, o, func(cm *command) { cm.wantPrompt = true })
	if err != nil {
		return nil, err
	}
	defer c.end()
	err = c.await(ctx, cm.shown+" (waiting for the > prompt)", o.timeout, func() bool { return cm.prompted || cm.done })
	if done, _, _ := c.stateOf(cm); err != nil || done {
		if _, portFailed := err.(*PortError); err != nil && !portFailed {
			if o.fixed && o.payload == nil && interrupted(err) {
				c.settlePrompt(cm, payload, o)
			} else {
				_ = c.write([]byte{0x1b})
			}
		}
		return c.finish(cm, err)
	}
	if o.payload != nil {
		if payload, err = o.payload(ctx); err != nil {
			_ = c.write([]byte{0x1b})
			return c.finish(cm, err)
		}
		if !o.fixed && bytes.ContainsAny(payload, "\x1a\x1b") {
			_ = c.write([]byte{0x1b})
			return c.finish(cm, &CommandError{Command: cmd, Reason: "the payload holds Ctrl+Z or ESC, which would end the prompt early"})
		}
	}
	data := payload
	if !o.fixed {
		data = append(append([]byte(nil), payload...), 0x1a)
	}
	if err := c.write(data); err != nil {
		return c.finish(cm, err)
	}
	err = c.await(ctx, cm.shown, o.timeout, func() bool { return cm.done })
	return c.finish(cm, err)
}

// Upload writes cmd, waits for CONNECT, streams data in chunks, and returns
// the final result with the lines the modem sent after the data (such as
// +QFUPL: <size>,<checksum>). An error result instead of CONNECT (+CME
// ERROR: 407, the file exists) is a *ModemError.
//
// An upload interrupted (ctx ends, or an abort line comes) once the modem
// may be in data mode is finished before the error is returned: the modem
// counts the declared bytes and takes nothing else until it has them, so
// the rest of data is sent, and its answer awaited, to leave it in command
// mode.
func (c *Conn) Upload(ctx context.Context, cmd string, data []byte, opts ...Option) (*Response, error) {
	o := c.options(cmd, opts)
	cm, err := c.issue(cmd, o, func(cm *command) { cm.wantConnect = true })
	if err != nil {
		return nil, err
	}
	defer c.end()
	err = c.await(ctx, cm.shown+" (waiting for CONNECT)", o.timeout, func() bool { return cm.connected || cm.done })
	if done, _, _ := c.stateOf(cm); err != nil || done {
		if interrupted(err) {
			c.settleUpload(cm, data, 0, o)
		}
		return c.finish(cm, err)
	}
	if sent, err := c.stream(ctx, data, o); err != nil {
		if interrupted(err) {
			c.settleUpload(cm, data, sent, o)
		}
		return c.finish(cm, err)
	}
	err = c.await(ctx, cm.shown, o.timeout, func() bool { return cm.done })
	return c.finish(cm, err)
}

func (c *Conn) stream(ctx context.Context, data []byte, o options) (sent int, err error) {
	for sent < len(data) {
		if err := ctx.Err(); err != nil {
			return sent, &CancelledError{Awaited: fmt.Sprintf("the upload (%d of %d bytes sent)", sent, len(data)), Err: err}
		}
		n := min(max(o.chunk, 1), len(data)-sent)
		if err := c.write(data[sent : sent+n]); err != nil {
			return sent, err
		}
		sent += n
		if o.progress != nil {
			o.progress(sent, len(data))
		}
	}
	return sent, nil
}

// settleGrace bounds how long an interrupted upload waits for the CONNECT
// it may still get: the modem answers an upload command at once.
const settleGrace = 2 * time.Second

// settleUpload brings the modem back to command mode after an upload was
// interrupted with sent bytes of data written: it waits (briefly, if the
// CONNECT has not come yet) for data mode, sends the bytes still owed, and
// waits for the modem's answer. It ignores the caller's context, which has
// ended; the waits are bounded by the command's timeout.
func (c *Conn) settleUpload(cm *command, data []byte, sent int, o options) {
	bg := context.Background()
	if _, _, connected := c.stateOf(cm); !connected {
		_ = c.await(bg, cm.shown+" (waiting for CONNECT)", min(o.timeout, settleGrace), func() bool { return cm.connected || cm.done })
		if done, _, connected := c.stateOf(cm); !connected || done {
			return
		}
	}
	o.progress = nil
	if _, err := c.stream(bg, data[sent:], o); err != nil {
		return
	}
	_ = c.await(bg, cm.shown, o.timeout, func() bool { return cm.done })
}

// settlePrompt brings the modem back to command mode after a fixed-length
// prompt was interrupted (ctx ended, an abort line came) before its prompt:
// such a prompt takes exactly the declared bytes, ESC among them, so an
// ESC would be taken for data and the next command swallowed. It waits
// briefly for the prompt, as settleUpload does for CONNECT, writes the
// payload and waits for the answer; a prompt that does not come gets the
// ESC that cancels a prompt the modem is about to show. The caller's
// context has ended; the waits are bounded by the command's timeout.
func (c *Conn) settlePrompt(cm *command, payload []byte, o options) {
	bg := context.Background()
	_ = c.await(bg, cm.shown+" (waiting for the > prompt)", min(o.timeout, settleGrace), func() bool { return cm.prompted || cm.done })
	done, prompted, _ := c.stateOf(cm)
	switch {
	case done:
	case !prompted:
		_ = c.write([]byte{0x1b})
	case c.write(payload) == nil:
		_ = c.await(bg, cm.shown, o.timeout, func() bool { return cm.done })
	}
}

// stateOf reads how far a command got, under c.mu: the goroutine that
// reads the port writes it.
func (c *Conn) stateOf(cm *command) (done, prompted, connected bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return cm.done, cm.prompted, cm.connected
}

// interrupted reports whether err ended a wait while the modem still works
// (Ctrl+C, the run's time limit, an abort line), as a port failure did not.
func interrupted(err error) bool {
	var ce *CancelledError
	var ae *AbortError
	return errors.As(err, &ce) || errors.As(err, &ae)
}

// start registers a command and writes it. A command still unanswered
// becomes the orphan: frames that arrive before the new command is fully
// written go to it first, since they can only be its late answer.
func (c *Conn) start(text string, o options, setup ...func(*command)) (*command, error) {
	// A command that carries a password (AT+QMTCONN, AT+QICSGP, AT+CPIN)
	// teaches it to the secret set first, so no error or trace shows it.
	c.secrets.LearnCommand(text)
	c.mu.Lock()
	cm := newCommand(text, c.secrets.Redact(text), c.urcs)
	if o.prefix != nil {
		cm.prefix = *o.prefix
	}
	cm.download, cm.size = o.download || codes.SendsData(text), o.size
	cm.wantConnect = cm.download
	if cm.download {
		cm.data = []byte{}
	}
	for _, f := range setup {
		f(cm)
	}
	if c.cmd != nil && !c.cmd.done {
		c.orphan = c.cmd
	}
	c.cmd = cm
	c.mu.Unlock()
	start := c.clk.Now()
	if err := c.write([]byte(text + "\r")); err != nil {
		return nil, c.drop(cm, err)
	}
	c.mu.Lock()
	cm.armed = true
	cm.started = start
	c.mu.Unlock()
	return cm, nil
}

func (c *Conn) drop(cm *command, err error) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.cmd == cm {
		c.cmd = nil
	}
	return err
}

// finish ends a command: on a wait error, the command becomes the orphan so
// that its late answer is not taken for the next command's; otherwise its
// response is built, and an error result becomes a *ModemError.
func (c *Conn) finish(cm *command, err error) (*Response, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.cmd == cm {
		c.cmd = nil
	}
	if err != nil {
		// A command that got nothing while an orphan took a final result
		// was most likely answered in the orphan's place: do not let it
		// claim the next command's answer in turn, or every command after
		// one lost answer would be off by one.
		var te *TimeoutError
		if !cm.done && !(cm.shadowed && errors.As(err, &te)) {
			c.orphan = cm
		}
		return nil, err
	}
	resp := &Response{
		Command: cm.shown,
		Lines:   cm.lines,
		Final:   cm.final,
		Data:    cm.data,
		Elapsed: c.clk.Now().Sub(cm.started),
	}
	if cm.result == failure {
		return resp, newModemError(cm, c.bareHint)
	}
	return resp, nil
}
