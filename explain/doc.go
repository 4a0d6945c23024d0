// Package explain reads AT command logs as people paste them into issues
// and forums, and classifies every line: the command the host sent, the
// modem's echo, the information response and the final result of each
// command, unsolicited result codes, data prompts, payload bytes, and the
// noise around them (application prints, blank lines, Markdown, damaged
// bytes). Every code the engine knows is decoded on the way.
//
// It understands plain terminal text (echo on or off, with or without the
// tool printing each command it writes), Arduino Serial Monitor lines,
// the EWF byte trace, traces of driver libraries that mark direction with
// arrows (">>"/"<<", "<-"/"->", "--->"/"<---") or say it in words
// ("sending: AT", "Response: [OK\r\n]", 'Receive "...'), and raw byte
// captures of the modem's output. Any text line may carry a time stamp of
// the shapes tools print. The format is detected unless forced.
//
// The classification follows the engine's routing: a line carrying the
// pending command's response prefix belongs to that command, an
// asynchronous result after OK is a URC of that command, and anything
// else between a command and its final result is the command's response.
// It reads as an engineer would where the log alone leaves a choice: a
// ">" is a prompt only after a command that can take data, an echo split
// over two lines is one echo, payload shown after a prompt is the modem's
// echo of what it took.
//
// Scan streams: it reads the log twice (a first pass learns what the log
// shows as a whole) and hands on each entry as it is known, so memory
// stays a small multiple of the log. Import turns a log into a transcript
// (host writes and modem bytes with the wire framing restored), and
// ExplainTranscript classifies a transcript's events the same way.
package explain
