package term

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"

	"github.com/chzyer/readline"
	"golang.org/x/sys/unix"
)

// ttyModes switches the user's terminal between the modes a session
// needs, and back to how it was.
//
// The line editor switches modes from its own goroutines (closing it
// from the signal handler switches to waiting), so a switch may come
// after the session has put the terminal back; once restored, the
// terminal stays as it was found.
type ttyModes struct {
	fd    int
	saved unix.Termios

	mu       sync.Mutex // held across each switch, so restore is last
	restored bool       // guarded by mu
}

func newTTYModes(f *os.File) (*ttyModes, error) {
	fd := int(f.Fd())
	t, err := unix.IoctlGetTermios(fd, unix.TCGETS)
	if err != nil {
		return nil, fmt.Errorf("the input is not a terminal: %w", err)
	}
	return &ttyModes{fd: fd, saved: *t}, nil
}

// editing is the mode while a line is typed: every key reaches the line
// editor (Ctrl+C included); output still turns \n into \r\n.
func (m *ttyModes) editing() error {
	t := m.saved
	t.Lflag &^= unix.ICANON | unix.ECHO | unix.ISIG | unix.IEXTEN
	t.Iflag &^= unix.IXON | unix.ICRNL | unix.INLCR | unix.IGNCR
	t.Cc[unix.VMIN], t.Cc[unix.VTIME] = 1, 0
	return m.set(&t)
}

// waiting is the mode while a command runs: keys typed meanwhile are kept
// for the next line and not echoed over the answer; Ctrl+C is a signal,
// which cancels the command.
func (m *ttyModes) waiting() error {
	t := m.saved
	t.Lflag &^= unix.ICANON | unix.ECHO | unix.IEXTEN
	t.Lflag |= unix.ISIG
	t.Iflag &^= unix.IXON | unix.ICRNL
	t.Cc[unix.VMIN], t.Cc[unix.VTIME] = 1, 0
	return m.set(&t)
}

// set switches to t unless the terminal has been put back.
func (m *ttyModes) set(t *unix.Termios) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.restored {
		return nil
	}
	return unix.IoctlSetTermios(m.fd, unix.TCSETS, t)
}

// restore puts the terminal back as it was found, for good.
func (m *ttyModes) restore() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.restored = true
	return unix.IoctlSetTermios(m.fd, unix.TCSETS, &m.saved)
}

func (m *ttyModes) width() int {
	ws, err := unix.IoctlGetWinsize(m.fd, unix.TIOCGWINSZ)
	if err != nil || ws.Col == 0 {
		return 80
	}
	return int(ws.Col)
}

// escReader turns a lone ESC key into Ctrl+C while a prompt's payload is
// typed, so that ESC cancels the prompt: the line editor would otherwise
// wait for the rest of an escape sequence. Keys that send sequences (the
// arrows) arrive in one read and pass unchanged.
type escReader struct {
	r        io.Reader
	prompted *atomic.Bool
}

func (e *escReader) Read(p []byte) (int, error) {
	n, err := e.r.Read(p)
	if n == 1 && p[0] == 0x1b && e.prompted.Load() {
		p[0] = 0x03
	}
	return n, err
}

func (e *escReader) Close() error { return nil }

// SignalError is a session ended by SIGTERM or SIGHUP.
type SignalError struct{ Signal os.Signal }

func (e *SignalError) Error() string { return "stopped by " + e.Signal.String() }

// interactive runs the session on a terminal with a line editor.
func (s *Session) interactive(ctx context.Context, o Options) (err error) {
	in, ok1 := o.In.(*os.File)
	out, ok2 := o.Out.(*os.File)
	if !ok1 || !ok2 {
		return errors.New("interactive mode needs a terminal on both input and output")
	}
	modes, err := newTTYModes(in)
	if err != nil {
		return err
	}
	// The terminal is put back on every way out, a panic included.
	s.restore = modes.restore
	defer func() {
		modes.restore()
		if p := recover(); p != nil {
			fmt.Fprintln(out, "\r\natrun term: internal error; terminal restored")
			panic(p)
		}
	}()
	if o.History != "" {
		_ = os.MkdirAll(filepath.Dir(o.History), 0o700)
	}
	var prompted atomic.Bool
	rl, err := readline.NewEx(&readline.Config{
		Prompt:       "AT> ",
		HistoryFile:  o.History,
		HistoryLimit: 1000,
		// Lines are saved by hand: a prompt's payload is no command to
		// recall (and switching history off and on races in the library).
		DisableAutoSaveHistory: true,
		AutoComplete:           &completer{s: s},
		InterruptPrompt:        "^C",
		EOFPrompt:              "",
		Stdin:                  &escReader{r: in, prompted: &prompted},
		Stdout:                 out,
		Stderr:                 out,
		FuncIsTerminal:         func() bool { return true },
		FuncMakeRaw:            modes.editing,
		FuncExitRaw:            modes.waiting,
		FuncGetWidth:           modes.width,
	})
	if err != nil {
		return fmt.Errorf("cannot start the line editor: %w", err)
	}
	defer rl.Close()
	if err := modes.waiting(); err != nil {
		return err
	}
	s.out.mu.Lock()
	s.out.w = rl.Stdout()
	s.out.mu.Unlock()
	defer func() {
		s.out.mu.Lock()
		s.out.w = out
		s.out.mu.Unlock()
	}()

	// Ctrl+C while a command runs arrives as a signal (see waiting): it
	// cancels the command. SIGTERM and SIGHUP end the session, through
	// the same restoring defers as any other way out.
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	defer signal.Stop(sigs)
	var stoppedBy atomic.Value
	go func() {
		for sig := range sigs {
			s.CancelPending()
			if sig != os.Interrupt {
				stoppedBy.Store(sig)
				rl.Close()
				return
			}
		}
	}()
	defer func() {
		if sig, ok := stoppedBy.Load().(os.Signal); ok {
			err = &SignalError{Signal: sig}
		}
	}()

	s.out.linef(styleInfo, "atrun term on %s: type AT commands, :help for more, Ctrl+D to leave", s.port)
	ask := func(ctx context.Context) (string, error) {
		prompted.Store(true)
		defer prompted.Store(false)
		rl.SetPrompt("> ")
		defer rl.SetPrompt("AT> ")
		line, err := rl.Readline()
		if err != nil {
			return "", errCancelled
		}
		return line, nil
	}
	interrupted := false
	for {
		stop := s.whileIdle(ctx)
		line, err := rl.Readline()
		stop()
		switch {
		case errors.Is(err, readline.ErrInterrupt):
			if interrupted && line == "" {
				return nil
			}
			interrupted = true
			if line == "" {
				s.out.linef(styleInfo, "(Ctrl+C again or Ctrl+D to leave)")
			}
			continue
		case errors.Is(err, io.EOF):
			return nil
		case err != nil:
			return err
		}
		interrupted = false
		if strings.TrimSpace(line) != "" {
			// The history file is output too: a password typed in a
			// command is kept as ***.
			s.learn(strings.TrimSpace(line))
			_ = rl.SaveHistory(s.secrets.Redact(line))
		}
		if ctx.Err() != nil {
			return nil
		}
		if err := s.Do(ctx, line, ask); errors.Is(err, errQuit) {
			return nil
		}
		if err := s.conn.Err(); err != nil {
			return err
		}
	}
}
