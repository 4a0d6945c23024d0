package term

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/atrun/atrun/engine"
	"github.com/atrun/atrun/engine/codes"
	"github.com/atrun/atrun/engine/secret"
	"github.com/atrun/atrun/engine/tap"
	"github.com/atrun/atrun/engine/transcript"
	"github.com/atrun/atrun/internal/human"
)

// Session is an open conversation with a modem: it runs what the user
// types, prints each answer decoded, and keeps what happened so that it
// can be exported as a script and its transcript.
type Session struct {
	// Set before the session starts, read-only after.
	conn    *engine.Conn
	out     *printer // safe for any goroutine
	secrets *secret.Set
	port    string
	timeout time.Duration // per command, 0: the command's documented maximum
	restore func() error  // puts the user's terminal back; nil when piped

	trace  atomic.Bool                  // print every byte both ways; :trace flips it
	record atomic.Pointer[fileRecorder] // :record, nil when not recording

	// mu guards the fields below: the command loop, the URC printers and
	// the engine's tap all take it.
	mu         sync.Mutex
	start      time.Time    // when recording began
	mem        *memRecorder // the whole session since it began, for :export
	steps      []step       // what happened since recording began, for :export
	known      []secretUse  // secrets typed so far, with their parameters
	failed     int          // commands that failed (error result, no answer)
	sent       int
	cancel     context.CancelFunc // cancels the pending command; nil when none
	urcPrinted chan struct{}      // closed (and replaced) each time a URC is printed
}

// stepKind says what a step of the session was.
type stepKind int

const (
	stepSend stepKind = iota
	stepPrompt
	stepUpload
	stepDownload
	stepURC
)

// step is one thing the session did, as a script would do it.
type step struct {
	kind     stepKind
	cmd      string        // the command as typed; the URC line for stepURC
	payload  []byte        // stepPrompt: the payload; stepUpload: the data
	fixed    bool          // stepPrompt: the length was declared (no Ctrl+Z)
	name     string        // stepUpload, stepDownload: the modem's file name
	failed   bool          // an error result the user saw (allow_error)
	noAnswer bool          // no answer came (timeout, Ctrl+C, ESC)
	claimed  bool          // stepURC: a :wait took it
	at       time.Time     // when it began (a URC: when it arrived)
	elapsed  time.Duration // noAnswer: how long it waited
	end      time.Time     // noAnswer: when it was given up
}

// secretUse is a secret typed in a command and the script parameter that
// stands for it in an export.
type secretUse struct {
	value, param string
}

// newSession wraps an open port. It records from now on: what was before
// (a resync) is no part of an export.
func newSession(rw io.ReadWriteCloser, port string, out *printer, secrets *secret.Set, timeout time.Duration) *Session {
	s := &Session{out: out, secrets: secrets, port: port, start: time.Now(), timeout: timeout, urcPrinted: make(chan struct{})}
	s.conn = engine.New(rw, engine.Config{Name: port, Secrets: secrets, Tap: tap.Func(s.tap)})
	s.conn.OnURC(engine.Matcher{}, s.showURC)
	return s
}

// beginRecording starts the session's own recording, from which :export
// takes the transcript.
func (s *Session) beginRecording() error {
	m, err := newMemRecorder(s.port, s.secrets)
	if err != nil {
		return err
	}
	s.mu.Lock()
	s.mem, s.steps, s.start = m, nil, time.Now()
	s.mu.Unlock()
	return nil
}

// tap sees every byte written and read: it learns secrets from commands
// before anyone records them, then feeds the recorders and the trace.
func (s *Session) tap(dir tap.Dir, at time.Time, p []byte) {
	if dir == tap.ToModem {
		for _, line := range bytes.FieldsFunc(p, func(c rune) bool { return c == '\r' || c == '\n' }) {
			s.learn(string(line))
		}
	}
	s.mu.Lock()
	m := s.mem
	s.mu.Unlock()
	if m != nil {
		m.rec.Tap(dir, at, p)
	}
	if r := s.record.Load(); r != nil {
		r.rec.Tap(dir, at, p)
	}
	if s.trace.Load() {
		arrow := "<<"
		if dir == tap.ToModem {
			arrow = ">>"
		}
		s.out.linef(styleTrace, "%s %s", arrow, s.secrets.Redact(engine.Escape(p)))
	}
}

// showURC prints an unsolicited line the moment the engine hands it over,
// and keeps it for the export.
func (s *Session) showURC(u engine.URC) {
	text := u.Text
	s.out.linef(styleURC, "URC %s%s", s.secrets.Redact(text), codes.Decode(s.secrets.Redact(text), "").Suffix())
	if len(u.Data) > 0 {
		s.out.linef(styleURC, "    data (%d bytes): %s", len(u.Data), shown(s.secrets, []byte(u.Data)))
	}
	if text == "" {
		return
	}
	s.mu.Lock()
	if s.mem != nil {
		s.steps = append(s.steps, step{kind: stepURC, cmd: text, at: time.Now()})
	}
	close(s.urcPrinted)
	s.urcPrinted = make(chan struct{})
	s.mu.Unlock()
}

// watchURCs prints URCs while nothing else waits on the modem (the user
// is typing): the engine hands URCs to handlers only inside a wait, so an
// idle session waits for them itself. It returns when ctx ends.
func (s *Session) watchURCs(ctx context.Context) {
	for ctx.Err() == nil {
		u, err := s.conn.Expect(ctx, engine.Matcher{}, 24*time.Hour)
		if err != nil {
			if ctx.Err() == nil && s.conn.Err() != nil {
				return
			}
			continue
		}
		s.showURC(u)
	}
}

// addStep keeps a step for the export.
func (s *Session) addStep(st step) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.mem != nil {
		if st.at.IsZero() {
			st.at = time.Now()
		}
		s.steps = append(s.steps, st)
	}
}

// setPending makes cancel the way to stop the command now running (nil:
// none runs).
func (s *Session) setPending(_ string, cancel context.CancelFunc) {
	s.mu.Lock()
	s.cancel = cancel
	s.mu.Unlock()
}

// CancelPending stops the command now running, if any, and reports
// whether there was one (Ctrl+C while a command waits).
func (s *Session) CancelPending() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cancel == nil {
		return false
	}
	s.cancel()
	return true
}

// Close stops recording and closes the port.
func (s *Session) Close() error {
	err := s.stopRecord()
	s.conn.Close()
	return err
}

// payloadFunc asks the user for a prompt's payload.
type payloadFunc func(ctx context.Context) (string, error)

// errCancelled is a prompt the user left with ESC.
var errCancelled = errors.New("cancelled")

// runCommand sends one AT command typed by the user and prints its answer.
func (s *Session) runCommand(ctx context.Context, cmd string, askPayload payloadFunc) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	s.setPending(cmd, cancel)
	defer s.setPending("", nil)
	var opts []engine.Option
	if s.timeout > 0 {
		opts = append(opts, engine.Timeout(s.timeout))
	}
	st := step{kind: stepSend, cmd: cmd, at: time.Now()}
	var resp *engine.Response
	var err error
	if fixed, ok := promptCommand(cmd); ok {
		st.kind, st.fixed = stepPrompt, fixed
		var typed []byte
		ask := func(ctx context.Context) ([]byte, error) {
			p, err := askPayload(ctx)
			typed = []byte(p)
			return typed, err
		}
		s.mu.Lock()
		n := len(s.steps)
		s.mu.Unlock()
		opts = append(opts, engine.PromptPayload(ask))
		if fixed {
			opts = append(opts, engine.FixedLength())
		}
		resp, err = s.conn.SendPrompt(ctx, cmd, nil, opts...)
		st.payload = typed
		s.insertStep(n, st, err)
	} else {
		if codes.SendsData(cmd) {
			opts = append(opts, engine.Download())
		}
		s.addStep(st)
		resp, err = s.conn.Send(ctx, cmd, opts...)
		s.settleStep(resp, err)
	}
	s.printAnswer(cmd, resp, err)
}

// insertStep places a prompt step where its command began (URCs printed
// while the user typed the payload come after it), once its payload is
// known.
func (s *Session) insertStep(at int, st step, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.mem == nil {
		return
	}
	at = min(at, len(s.steps))
	st = outcome(st, nil, err)
	s.steps = append(s.steps[:at], append([]step{st}, s.steps[at:]...)...)
}

// settleStep records how the last command step ended.
func (s *Session) settleStep(resp *engine.Response, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := len(s.steps) - 1; i >= 0; i-- {
		if s.steps[i].kind != stepURC {
			s.steps[i] = outcome(s.steps[i], resp, err)
			return
		}
	}
}

// outcome marks a step by how its command ended: an error result is
// allowed in the script, no answer becomes a bounded wait.
func outcome(st step, resp *engine.Response, err error) step {
	var me *engine.ModemError
	switch {
	case err == nil:
	case errors.As(err, &me):
		st.failed = true
	default:
		st.noAnswer, st.end = true, time.Now()
		st.elapsed = st.end.Sub(st.at)
	}
	return st
}

// promptCommand reports whether cmd answers with a `>` prompt and then
// reads a payload, and whether that payload has a declared length (sent
// as it is, no Ctrl+Z after it).
func promptCommand(cmd string) (fixed, ok bool) {
	name, args, isWrite := codes.CommandArgs(cmd)
	if !isWrite {
		return false, false
	}
	switch name {
	case "+CMGS", "+CMGW":
		return false, true
	case "+QMTPUB":
		// AT+QMTPUB=<client>,<msgid>,<qos>,<retain>,<topic>[,<length>]
		return len(args) >= 6, true
	case "+QMTPUBEX":
		// AT+QMTPUBEX=<client>,<msgid>,<qos>,<retain>,<topic>,<length>
		return true, true
	case "+QISEND", "+QSSLSEND":
		// AT+QISEND=<id>[,<length>[,...]]: a length of 0 queries instead.
		if len(args) >= 2 && strings.TrimSpace(args[1]) == "0" {
			return false, false
		}
		return len(args) >= 2, true
	}
	return false, false
}

// printAnswer prints a command's lines and result, each with its decoded
// meaning, or why there was no answer.
func (s *Session) printAnswer(cmd string, resp *engine.Response, err error) {
	red := s.secrets.Redact
	s.mu.Lock()
	s.sent++
	if err != nil {
		s.failed++
	}
	s.mu.Unlock()
	if resp != nil {
		if len(resp.Data) > 0 {
			s.out.linef(styleData, "  data (%d bytes): %s", len(resp.Data), shown(s.secrets, resp.Data))
		}
		for _, l := range resp.Lines {
			s.out.linef(styleLine, "  %s%s", red(l), codes.Decode(red(l), cmd).Suffix())
		}
	}
	var me *engine.ModemError
	var ce *engine.CommandError
	switch {
	case errors.As(err, &me):
		s.out.linef(styleError, "= %s  (%s)", red(me.Result), elapsed(resp))
		if me.Meaning != "" {
			s.out.linef(styleError, "  meaning: %s", me.Meaning)
		}
		if me.Hint != "" {
			s.out.linef(styleError, "  hint: %s", me.Hint)
		}
	case errors.As(err, &ce):
		s.out.linef(styleError, "not sent: %s", red(ce.Reason))
	case errors.Is(err, errCancelled) || isCancel(err):
		s.out.linef(styleError, "cancelled: %s", red(err.Error()))
	case err != nil:
		s.out.linef(styleError, "no answer: %s", red(describe(err)))
	default:
		s.out.linef(styleFinal, "= %s  (%s)", red(resp.Final), elapsed(resp))
		if codes.ResultOf(resp.Final) == codes.Connect {
			s.out.linef(styleError, "the modem is in data mode: it takes what it is sent as data (+++ or ATH ends a data call; use :upload for AT+QFUPL)")
		}
	}
}

func isCancel(err error) bool {
	var ce *engine.CancelledError
	return errors.As(err, &ce)
}

func elapsed(resp *engine.Response) string {
	if resp == nil {
		return "?"
	}
	return human.Duration(resp.Elapsed)
}

// shownData is how many bytes of a download are printed.
const shownData = 256

// shown is data escaped, its start only when long, secrets redacted.
func shown(secrets *secret.Set, data []byte) string {
	s := engine.Escape(data[:min(len(data), shownData)])
	if len(data) > shownData {
		s += "..."
	}
	return secrets.Redact(s)
}

// memRecorder records the session into memory.
type memRecorder struct {
	buf lockedBuffer
	rec *transcript.Recorder
}

func newMemRecorder(port string, secrets *secret.Set) (*memRecorder, error) {
	m := &memRecorder{}
	rec, err := transcript.NewRecorder(&m.buf, transcript.Header{Port: port}, secrets)
	if err != nil {
		return nil, err
	}
	m.rec = rec
	return m, nil
}

// lockedBuffer is a bytes.Buffer the recorder writes while :export reads.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) Bytes() []byte {
	l.mu.Lock()
	defer l.mu.Unlock()
	return bytes.Clone(l.b.Bytes())
}
