// Package secret keeps the values of a session that must never reach a log,
// a trace, an error message or a transcript, and finds them in byte streams.
package secret

import (
	"bytes"
	"strings"
	"sync"

	"github.com/atrun/atrun/engine/codes"
)

// Marker replaces a secret in text meant for people (logs, errors, traces).
const Marker = "***"

// minLen keeps one-character values (an empty password, a "0") from
// blanking out half of every trace.
const minLen = 2

// Set is a concurrency-safe set of secret values. The zero value is empty
// and ready to use; a nil *Set holds nothing.
type Set struct {
	mu     sync.RWMutex
	values [][]byte
	maxLen int
}

// Add records v as secret. Values shorter than two bytes are ignored.
func (s *Set) Add(v string) {
	if s == nil || len(v) < minLen {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, have := range s.values {
		if string(have) == v {
			return
		}
	}
	s.values = append(s.values, []byte(v))
	// Longest first, so a secret that contains another is replaced whole.
	for i := len(s.values) - 1; i > 0 && len(s.values[i]) > len(s.values[i-1]); i-- {
		s.values[i], s.values[i-1] = s.values[i-1], s.values[i]
	}
	s.maxLen = max(s.maxLen, len(v))
}

// MaxLen is the length of the longest secret, 0 when there is none. A
// streaming redactor must hold back MaxLen()-1 bytes to catch a secret split
// across two chunks.
func (s *Set) MaxLen() int {
	if s == nil {
		return 0
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.maxLen
}

// Pending returns the length of the longest tail of b that begins a secret
// without completing it. A streaming redactor holds those bytes back until
// more arrive, and lets everything before them go.
func (s *Set) Pending(b []byte) int {
	if s == nil {
		return 0
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	for n := min(len(b), s.maxLen-1); n > 0; n-- {
		tail := b[len(b)-n:]
		for _, v := range s.values {
			if len(v) > n && bytes.HasPrefix(v, tail) {
				return n
			}
		}
	}
	return 0
}

// Span is a half-open byte range [Start, End) holding a secret.
type Span struct{ Start, End int }

// Spans returns the non-overlapping places where secrets occur in b, in
// order.
func (s *Set) Spans(b []byte) []Span {
	if s == nil {
		return nil
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	if len(s.values) == 0 {
		return nil
	}
	var spans []Span
	for i := 0; i < len(b); {
		hit := 0
		for _, v := range s.values {
			if bytes.HasPrefix(b[i:], v) {
				hit = len(v)
				break
			}
		}
		if hit == 0 {
			i++
			continue
		}
		spans = append(spans, Span{i, i + hit})
		i += hit
	}
	return spans
}

// Redact returns s with every secret replaced by Marker.
func (s *Set) Redact(text string) string {
	spans := s.Spans([]byte(text))
	if len(spans) == 0 {
		return text
	}
	var b strings.Builder
	last := 0
	for _, sp := range spans {
		b.WriteString(text[last:sp.Start])
		b.WriteString(Marker)
		last = sp.End
	}
	b.WriteString(text[last:])
	return b.String()
}

// LearnCommand adds the secret arguments of AT commands that carry one
// (the password of AT+QMTCONN and AT+QICSGP, the PINs of AT+CPIN ...; the
// list is codes.SecretArgs's). It returns the values it learned.
func (s *Set) LearnCommand(cmd string) []string {
	learned := codes.SecretArgs(cmd)
	for _, v := range learned {
		s.Add(v)
	}
	return learned
}
