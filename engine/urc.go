package engine

import (
	"maps"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/atrun/atrun/engine/codes"
)

// URC is an unsolicited frame: a line no command claimed (or a prompt or
// data with no one waiting), kept with the time it arrived.
type URC struct {
	Kind Kind
	Text string
	Data string // what came with the line: a counted payload, the text line of +CMT: (see Frame.Data)
	At   time.Time
}

// DefaultURCs returns the unsolicited result codes recognised from the start:
// every code engine/codes knows (Quectel and 3GPP), so that the router and
// `atrun explain` agree. A line with one of these prefixes is a URC even
// while a command is pending, unless that command claims it as its own
// response (`+CPIN: READY` answers AT+CPIN?; `+CREG: 0,1` answers AT+CREG?).
// The list is built on first use, when a connection is made, not at package
// initialisation: commands that open no port do not pay for it. The slice
// is shared: callers must not change it.
var DefaultURCs = sync.OnceValue(codes.URCCodes)

// urcTable recognises URCs: `+NAME:` prefixes and whole words by map lookup,
// so routing costs the same however many codes are known, then any matchers
// a script registered.
type urcTable struct {
	prefixes map[string]bool
	words    map[string]bool
	custom   []Matcher
	shared   bool // the default table, read by every Conn: never changed
}

// defaultURCTable is the table of DefaultURCs, built once and shared by
// every Conn until one registers a code of its own: a fleet of 32 runs
// built 32 copies of the same maps (23 KB each).
var defaultURCTable = sync.OnceValue(func() *urcTable {
	t := newURCTable(DefaultURCs())
	t.shared = true
	return t
})

// own returns t itself, or a copy of it to change when t is shared.
func (t *urcTable) own() *urcTable {
	if !t.shared {
		return t
	}
	return &urcTable{prefixes: maps.Clone(t.prefixes), words: maps.Clone(t.words), custom: slices.Clone(t.custom)}
}

func newURCTable(codes []string) *urcTable {
	t := &urcTable{prefixes: map[string]bool{}, words: map[string]bool{}}
	for _, c := range codes {
		t.add(c)
	}
	return t
}

// add registers a code: `+NAME:` as a prefix, a bare word (RDY) as the
// whole line, anything else as a literal prefix.
func (t *urcTable) add(code string) {
	switch {
	case strings.HasPrefix(code, "+") && strings.HasSuffix(code, ":") && !strings.Contains(code[:len(code)-1], ":"):
		t.prefixes[code] = true
	case isWord(code):
		t.words[code] = true
	default:
		t.custom = append(t.custom, Prefix(code))
	}
}

func isWord(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'A' && c <= 'Z' || c == ' ' || c == '-') {
			return false
		}
	}
	return s != ""
}

func (t *urcTable) matches(text string) bool {
	if len(text) > 1 && text[0] == '+' {
		if i := strings.IndexByte(text, ':'); i > 0 && t.prefixes[text[:i+1]] {
			return true
		}
	} else if t.words[text] {
		return true
	}
	for _, m := range t.custom {
		if m.Match(text) {
			return true
		}
	}
	return false
}

// urcCode names a URC in a drop count: its `+NAME`, else its text (a
// word such as RDY), cut to 24 bytes.
func urcCode(u URC) string {
	if u.Kind == Prompt {
		return ">"
	}
	if name := codeName(u.Text); name != "" {
		return strings.TrimSuffix(name, ":")
	}
	if len(u.Text) > 24 {
		return u.Text[:24] // no concatenation: this runs on every drop
	}
	return u.Text
}

// codeName returns the `+NAME:` of a line, or "" if it has none.
func codeName(text string) string {
	if len(text) < 2 || text[0] != '+' {
		return ""
	}
	if i := strings.IndexByte(text, ':'); i > 0 {
		return text[:i+1]
	}
	return ""
}

// urcQueue is a bounded FIFO of URCs. When full, the oldest entry is dropped
// and counted: the reader must never block on a script that does not read.
// Its ring starts small and doubles up to its bound as URCs pile up: most
// runs never queue more than a few.
type urcQueue struct {
	items   []URC // a ring of len(items) slots
	size    int   // the bound: how many it keeps at most
	head, n int
	dropped int
	codes   map[string]int // dropped entries by code
}

func newURCQueue(size int) *urcQueue {
	size = max(size, 1)
	return &urcQueue{items: make([]URC, min(size, 8)), size: size}
}

func (q *urcQueue) push(u URC) {
	if q.n == len(q.items) && len(q.items) < q.size {
		q.items = append(q.snapshot(), make([]URC, min(len(q.items), q.size-len(q.items)))...)
		q.head = 0
	}
	if q.n == len(q.items) {
		if q.codes == nil {
			q.codes = map[string]int{}
		}
		q.codes[urcCode(q.items[q.head])]++
		q.items[q.head] = URC{}
		q.head = (q.head + 1) % len(q.items)
		q.n--
		q.dropped++
	}
	q.items[(q.head+q.n)%len(q.items)] = u
	q.n++
}

// take removes and returns the oldest entry that ok accepts, keeping the
// order of the others.
func (q *urcQueue) take(ok func(URC) bool) (URC, bool) {
	for i := 0; i < q.n; i++ {
		u := q.items[(q.head+i)%len(q.items)]
		if !ok(u) {
			continue
		}
		for j := i; j < q.n-1; j++ {
			q.items[(q.head+j)%len(q.items)] = q.items[(q.head+j+1)%len(q.items)]
		}
		q.n--
		q.items[(q.head+q.n)%len(q.items)] = URC{}
		return u, true
	}
	return URC{}, false
}

// snapshot returns the queued entries, oldest first.
func (q *urcQueue) snapshot() []URC {
	out := make([]URC, q.n)
	for i := range out {
		out[i] = q.items[(q.head+i)%len(q.items)]
	}
	return out
}
