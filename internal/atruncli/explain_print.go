package atruncli

import (
	"bufio"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/atrun/atrun/explain"
	"github.com/atrun/atrun/internal/ansi"
)

// maxTextColumn caps the TEXT column: a long line pushes its own meaning
// to the right, not every other line's.
const maxTextColumn = 40

// printEntries prints entries as aligned columns:
//
//	LINE  KIND      TEXT             MEANING
//	  12  response  +CSQ: 19,99      -> -75 dBm (for AT+CSQ)
//	  13  final     OK               (for AT+CSQ)
//
// A TIME column is added when the log has times. Colour only on a
// terminal.
func printEntries(w io.Writer, scan scanner) error {
	bw := bufio.NewWriter(w)
	colour := useColour(w)
	var cols columns
	if err := scan(func(e explain.Entry) error { cols.see(e); return nil }); err != nil {
		return err
	}
	timed, precise, width := cols.timed, cols.precise, cols.width
	header := fmt.Sprintf("%5s  %-8s  %-*s  %s", "LINE", "KIND", width, "TEXT", "MEANING")
	if timed {
		header = fmt.Sprintf("%5s  %10s  %-8s  %-*s  %s", "LINE", "TIME", "KIND", width, "TEXT", "MEANING")
	}
	fmt.Fprintln(bw, ansi.Paint(colour, ansi.Dim, strings.TrimRight(header, " ")))
	err := scan(func(e explain.Entry) error {
		lead := fmt.Sprintf("%5d  ", e.Line)
		if timed {
			lead += fmt.Sprintf("%10s  ", offsetText(e, precise))
		}
		text := shown(e.Text)
		pad := strings.Repeat(" ", max(width-utf8.RuneCountInString(text), 0))
		kind := fmt.Sprintf("%-8s", e.Kind)
		line := lead + ansi.Paint(colour, kindColour(e), kind) + "  " + text + pad + "  " + meaningCell(e)
		fmt.Fprintln(bw, strings.TrimRight(line, " "))
		if e.Hint != "" {
			fmt.Fprintf(bw, "%s%s  hint: %s\n", strings.Repeat(" ", len(lead)+8+2), strings.Repeat(" ", width), e.Hint)
		}
		return nil
	})
	if err != nil {
		return err
	}
	return bw.Flush()
}

// maxShown is how much of a long text (an uploaded file, a payload) the
// table shows; --json has all of it.
const maxShown = 72

// shown is text made visible, and shortened to its start and its size
// when long.
func shown(text string) string {
	if text != "" && strings.TrimSpace(text) == "" {
		// Blank payload (a lone space after a binary send) must not
		// look like nothing.
		return fmt.Sprintf("%q", text)
	}
	v := visible(text)
	if utf8.RuneCountInString(v) <= maxShown {
		return v
	}
	runes := []rune(v)
	return fmt.Sprintf("%s… (%d bytes)", string(runes[:maxShown-16]), len(text))
}

// meaningCell is what an entry means and which command it belongs to.
func meaningCell(e explain.Entry) string {
	var parts []string
	if e.Meaning != "" {
		parts = append(parts, "-> "+e.Meaning)
	}
	if e.Command != "" && e.Kind != explain.KindCommand && e.Kind != explain.KindEcho {
		if e.Inferred {
			parts = append(parts, "(probably for "+visible(e.Command)+")")
		} else {
			parts = append(parts, "(for "+visible(e.Command)+")")
		}
	}
	return strings.Join(parts, " ")
}

// columns is what the table's layout depends on, measured over all
// entries: the TEXT column's width, and whether a TIME column is needed
// (any entry has a time from the log) and at what precision (finer than
// a millisecond, as a transcript's are).
type columns struct {
	width          int
	timed, precise bool
}

func (c *columns) see(e explain.Entry) {
	c.width = max(c.width, len("TEXT"), min(utf8.RuneCountInString(shown(e.Text)), maxTextColumn))
	if e.HasTime {
		c.timed = true
		c.precise = c.precise || e.Offset%time.Millisecond != 0
	}
}

func offsetText(e explain.Entry, precise bool) string {
	switch {
	case !e.HasTime:
		return ""
	case precise:
		return fmt.Sprintf("%.6f", e.Offset.Seconds())
	}
	return fmt.Sprintf("%.3f", e.Offset.Seconds())
}

// kindColour picks a colour that makes failures and URCs stand out.
func kindColour(e explain.Entry) string {
	switch e.Kind {
	case explain.KindFinal:
		if strings.Contains(e.Text, "ERROR") || e.Text == "NO CARRIER" {
			return ansi.Red
		}
		return ansi.Green
	case explain.KindURC:
		return ansi.Yellow
	case explain.KindCommand, explain.KindPrompt:
		return ansi.Cyan
	case explain.KindNoise, explain.KindEcho, explain.KindData:
		return ansi.Dim
	case explain.KindEnd:
		if e.Text != "" {
			return ansi.Red
		}
		return ansi.Green
	}
	return ""
}

// visible makes control bytes and invalid UTF-8 readable (<CR>, <LF>,
// \x7f) and leaves printable text alone, typographic quotes included:
// they are often the very thing wrong with a command.
func visible(s string) string {
	if !strings.ContainsFunc(s, func(r rune) bool { return r == utf8.RuneError || !unicode.IsPrint(r) }) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == '\r':
			b.WriteString("<CR>")
		case r == '\n':
			b.WriteString("<LF>")
		case r == 0x1a:
			b.WriteString("<SUB>")
		case r == 0x1b:
			b.WriteString("<ESC>")
		case r == utf8.RuneError && n == 1, r < 0x80 && !unicode.IsPrint(r):
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case !unicode.IsPrint(r):
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteRune(r)
		}
		i += n
	}
	return b.String()
}

// printEntriesJSON prints one JSON object per entry, per line.
func printEntriesJSON(w io.Writer, scan scanner) error {
	bw := bufio.NewWriter(w)
	jw := explain.NewJSONWriter(bw)
	if err := scan(jw.Write); err != nil {
		return err
	}
	return bw.Flush()
}
