package term

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/atrun/atrun/engine"
)

// metaCommand is one of the terminal's own commands, typed with a colon.
type metaCommand struct {
	name, args, help string
	run              func(s *Session, ctx context.Context, args []string) error
}

// doHook, when set (by tests), sees each line before it runs: a test
// makes it panic to check that the terminal is restored on a crash.
var doHook func(line string)

// errQuit is :quit.
var errQuit = errors.New("quit")

// metaCommands lists the terminal's own commands, in the order :help shows
// them. A function, not a table built by an init function: that would run
// at every start of every atrun command.
func metaCommands() []metaCommand {
	return []metaCommand{
		{"help", "", "list these commands", func(s *Session, _ context.Context, _ []string) error { s.help(); return nil }},
		{"trace", "[on|off]", "show every byte to and from the modem, escaped (toggles)", (*Session).traceCmd},
		{"record", "FILE.atr | off", "record a transcript of what follows into FILE.atr", (*Session).recordCmd},
		{"export", "FILE.lua", "write the session so far as a Lua script, and its transcript as FILE.atr", (*Session).exportCmd},
		{"upload", "FILE [NAME]", "store FILE on the modem as NAME (default UFS:<file name>) with AT+QFUPL; size and checksum checked", (*Session).uploadCmd},
		{"download", "NAME FILE", "read the modem's file NAME with AT+QFDWL into FILE; size and checksum checked", (*Session).downloadCmd},
		{"wait", "PREFIX [TIMEOUT]", "wait for a URC starting with PREFIX (default 60s)", (*Session).waitCmd},
		{"quit", "", "leave (Ctrl+D, or Ctrl+C twice, does too)", func(*Session, context.Context, []string) error { return errQuit }},
	}
}

// Do runs one line the user typed: a :command, or an AT command sent to
// the modem. ask reads a prompt's payload. It returns errQuit for :quit;
// other errors were printed already.
func (s *Session) Do(ctx context.Context, line string, ask payloadFunc) error {
	if doHook != nil {
		doHook(line)
	}
	line = strings.TrimRight(line, "\r\n")
	trimmed := strings.TrimSpace(line)
	switch {
	case trimmed == "":
		return nil
	case strings.HasPrefix(trimmed, ":"):
		return s.meta(ctx, trimmed[1:])
	}
	s.runCommand(ctx, trimmed, ask)
	return nil
}

// meta runs a :command.
func (s *Session) meta(ctx context.Context, text string) error {
	fields := strings.Fields(text)
	if len(fields) == 0 {
		s.out.linef(styleError, "a command after ':' (:help lists them)")
		return nil
	}
	name := strings.ToLower(fields[0])
	for _, m := range metaCommands() {
		if m.name == name || (name == "q" && m.name == "quit") || (name == "h" && m.name == "help") {
			err := m.run(s, ctx, fields[1:])
			if err != nil && !errors.Is(err, errQuit) {
				s.out.linef(styleError, ":%s: %s", m.name, s.secrets.Redact(err.Error()))
				return nil
			}
			return err
		}
	}
	s.out.linef(styleError, "no command :%s (:help lists them)", name)
	return nil
}

func (s *Session) help() {
	s.out.linef(styleInfo, "Type an AT command and Enter to send it; Tab completes command names.")
	s.out.linef(styleInfo, "After a > prompt, the next line is the payload (Ctrl+Z is added; ESC cancels).")
	s.out.linef(styleInfo, "Ctrl+C cancels a waiting command; Ctrl+C twice or Ctrl+D leaves.")
	for _, m := range metaCommands() {
		s.out.linef(styleInfo, "  :%-28s %s", strings.TrimSpace(m.name+" "+m.args), m.help)
	}
}

func (s *Session) traceCmd(_ context.Context, args []string) error {
	on := !s.trace.Load()
	if len(args) > 0 {
		switch strings.ToLower(args[0]) {
		case "on":
			on = true
		case "off":
			on = false
		default:
			return fmt.Errorf("say on or off, not %q", args[0])
		}
	}
	s.trace.Store(on)
	s.out.linef(styleInfo, "trace %s", map[bool]string{true: "on", false: "off"}[on])
	return nil
}

// uploadCmd stores a local file on the modem with AT+QFUPL.
func (s *Session) uploadCmd(ctx context.Context, args []string) error {
	if len(args) < 1 || len(args) > 2 {
		return errors.New("usage: :upload FILE [NAME], e.g. :upload ca.pem UFS:ca.pem")
	}
	data, err := os.ReadFile(args[0])
	if err != nil {
		return fmt.Errorf("cannot read %s: %w", args[0], unwrapPath(err))
	}
	name := "UFS:" + filepath.Base(args[0])
	if len(args) == 2 {
		name = args[1]
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	s.setPending(":upload", cancel)
	defer s.setPending("", nil)
	var opts []engine.Option
	bar := s.out.progress(name, len(data))
	if bar != nil {
		opts = append(opts, engine.Progress(bar))
	}
	s.addStep(step{kind: stepUpload, name: name, payload: data, cmd: args[0]})
	resp, err := s.conn.UploadFile(ctx, name, data, uploadWait, opts...)
	s.settleStep(resp, err)
	var ue *engine.UploadError
	if err != nil && !errors.As(err, &ue) {
		s.printAnswer("AT+QFUPL", resp, err)
		return nil
	}
	s.printAnswer("AT+QFUPL", resp, nil)
	if ue != nil {
		s.out.linef(styleError, "upload check failed: %s", ue.Error())
		return nil
	}
	s.out.linef(styleFinal, "stored %s: %d bytes, checksum %s verified", name, len(data), engine.FormatChecksum(engine.QFUPLChecksum(data)))
	return nil
}

// uploadWait is how long the modem is told to wait for the upload's bytes:
// the default of the scripts' upload(), so that an export's upload()
// writes the same command.
const uploadWait = 60 * time.Second

// downloadCmd reads a modem file into a local one.
func (s *Session) downloadCmd(ctx context.Context, args []string) error {
	if len(args) != 2 {
		return errors.New("usage: :download NAME FILE, e.g. :download UFS:log.txt log.txt")
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	s.setPending(":download", cancel)
	defer s.setPending("", nil)
	cmd := fmt.Sprintf("AT+QFDWL=%q", args[0])
	s.addStep(step{kind: stepDownload, cmd: cmd, name: args[0]})
	resp, err := s.conn.DownloadFile(ctx, args[0])
	s.settleStep(resp, err)
	s.printAnswer(cmd, resp, err)
	if err != nil {
		return nil
	}
	if err := os.WriteFile(args[1], resp.Data, 0o644); err != nil {
		return fmt.Errorf("cannot write %s: %w", args[1], unwrapPath(err))
	}
	s.out.linef(styleFinal, "wrote %s: %d bytes, checksum %s verified", args[1], len(resp.Data), engine.FormatChecksum(engine.QFUPLChecksum(resp.Data)))
	return nil
}

// waitCmd waits for a URC, as a script's wait_urc does; the URC is printed
// and kept like any other.
func (s *Session) waitCmd(ctx context.Context, args []string) error {
	if len(args) < 1 {
		return errors.New("usage: :wait PREFIX [TIMEOUT], e.g. :wait +QMTOPEN: 30s")
	}
	prefix, timeout := strings.Join(args, " "), 60*time.Second
	if len(args) > 1 {
		if d, err := time.ParseDuration(args[len(args)-1]); err == nil {
			prefix, timeout = strings.Join(args[:len(args)-1], " "), d
		}
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	s.setPending(":wait", cancel)
	defer s.setPending("", nil)
	deadline := time.Now().Add(timeout)
	s.out.linef(styleInfo, "waiting up to %v for %s (Ctrl+C cancels)", timeout, prefix)
	for {
		// A URC may reach the printer in any wait, this one's included,
		// without this Expect returning it: each printed URC wakes it.
		s.mu.Lock()
		printed := s.urcPrinted
		s.mu.Unlock()
		if s.arrived(prefix) {
			return nil
		}
		left := time.Until(deadline)
		if left <= 0 {
			s.out.linef(styleError, "no URC %s within %v", prefix, timeout)
			return nil
		}
		ectx, stop := context.WithCancel(ctx)
		go func() {
			select {
			case <-printed:
				stop()
			case <-ectx.Done():
			}
		}()
		u, err := s.conn.Expect(ectx, engine.Matcher{}, left)
		woken := ectx.Err() != nil && ctx.Err() == nil
		stop()
		switch {
		case err == nil:
			s.showURC(u)
		case woken:
		case ctx.Err() != nil:
			s.out.linef(styleError, "cancelled: waiting for %s", prefix)
			return nil
		default:
			s.out.linef(styleError, "no URC %s: %s", prefix, s.secrets.Redact(describe(err)))
			return nil
		}
	}
}

// arrived reports whether a URC starting with prefix was printed since
// the last command and not yet taken by a :wait, and takes it: it came
// before the :wait began.
func (s *Session) arrived(prefix string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	first := 0
	for i := len(s.steps) - 1; i >= 0; i-- {
		if s.steps[i].kind != stepURC {
			first = i + 1
			break
		}
	}
	for i := first; i < len(s.steps); i++ {
		if st := &s.steps[i]; !st.claimed && strings.HasPrefix(st.cmd, prefix) {
			st.claimed = true
			return true
		}
	}
	return false
}

// unwrapPath drops the operation from a *PathError.
func unwrapPath(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return fmt.Errorf("%s: %v", pe.Path, pe.Err)
	}
	return err
}
