package explain

import "fmt"

// FormatHelp says in one line each what the formats look like; the CLI's
// --format help and the unrecognised-log error show it.
var FormatHelp = []struct {
	Format Format
	Shape  string
}{
	{FormatPlain, `terminal text: "AT+CSQ", "+CSQ: 19,99", "OK", one per line`},
	{FormatArduino, `Arduino Serial Monitor lines, "17:13:30.563 -> AT+CSQ"`},
	{FormatEWF, `a byte trace "[SEND][   7][AT+CSQ\r]" / "[RECV][n][...]"`},
	{FormatArrows, `a library trace marking direction, ">> AT" / "<< OK", "<- AT" / "-> OK", TAB "---> AT" / "<--- OK"`},
	{FormatLabels, `a library naming the direction in words, "sending: AT", "Response: [OK\r\n]", 'Send "AT"' / 'Receive "...'`},
	{FormatRaw, `the modem's bytes as captured, "AT\r\r\nOK\r\n"`},
}

// TimeStampHelp describes the time stamps every text format may carry.
const TimeStampHelp = `Any line of a text format may start with a time stamp, which is kept as the
line's time: "[16:30:44.029] ", "[00:00:11.916,015] " (Zephyr), "hh:mm:ss.mmm -> "
(Arduino), "06:37:04.740 > ", or a journal prefix "Jan 03 15:35:42 host prog[pid]: ";
a trace may end its lines with a millisecond clock, "-> OK (20736)". Markdown
around pasted lines (backticks, a code fence, **bold**) and comments appended
after a TAB ("\t// ...") are removed.`

// UnrecognisedError is a log in which no line reads as AT traffic in the
// format used.
type UnrecognisedError struct {
	Format Format // the format tried
	Forced bool   // given by the caller rather than detected
}

func (e *UnrecognisedError) Error() string {
	how := "detected"
	if e.Forced {
		how = "given"
	}
	return fmt.Sprintf("no line reads as an AT command or modem output in format %s (%s); the formats recognised are %s", e.Format, how, formatList())
}

// Hint says what to do about it.
func (e *UnrecognisedError) Hint() string {
	return "see 'atrun explain --help' for what each format looks like; name the log's with --format, or convert it to plain text (one command or modem line per line)"
}

// traffic reports whether an entry is AT traffic rather than noise.
func traffic(e Entry) bool { return e.Kind != KindNoise }
