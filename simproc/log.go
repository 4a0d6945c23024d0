package simproc

import (
	"bufio"
	"io"
	"strings"
	"sync"
)

// childLog passes the child's standard error on, line by line. Until the
// modems are up it keeps the lines instead: if they never come up, the
// lines say why, in the error.
type childLog struct {
	mu       sync.Mutex
	kept     []string
	up       bool
	password string // replaced by *** in every line passed on
	log      func(string)
}

// startLog reads r until it ends, in a goroutine that readers counts.
func startLog(r io.Reader, log func(string), readers *sync.WaitGroup) *childLog {
	l := &childLog{log: log}
	readers.Add(1)
	go func() {
		defer readers.Done()
		sc := bufio.NewScanner(r)
		for sc.Scan() {
			l.line(sc.Text())
		}
	}()
	return l
}

func (l *childLog) line(text string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.up {
		l.kept = append(l.kept, text)
		return
	}
	l.pass(text)
}

// pass hands one line on; l.mu is held, so lines keep their order.
func (l *childLog) pass(text string) {
	if l.log == nil {
		return
	}
	if l.password != "" {
		text = strings.ReplaceAll(text, l.password, "***")
	}
	l.log(text)
}

// ready passes on the lines kept so far and every later one.
func (l *childLog) ready(password string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.up, l.password = true, password
	for _, t := range l.kept {
		l.pass(t)
	}
	l.kept = nil
}

// early are the lines written before the modems came up.
func (l *childLog) early() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.kept...)
}
