package explain

import (
	"bytes"
	"encoding/json"
	"io"
	"time"
)

// Kind is the class of a log line.
type Kind string

const (
	KindCommand  Kind = "command"  // a line the host sent (the log shows direction)
	KindEcho     Kind = "echo"     // the modem repeating the command
	KindResponse Kind = "response" // an information line answering a command
	KindFinal    Kind = "final"    // the result that ends a command
	KindURC      Kind = "urc"      // a line the modem sent on its own
	KindPrompt   Kind = "prompt"   // the ">" data prompt
	KindData     Kind = "data"     // payload bytes after a prompt or CONNECT
	KindNoise    Kind = "noise"    // application prints, blank lines, damaged bytes
)

// Dir says who produced a line.
type Dir string

const (
	Host  Dir = "host"  // the host wrote it to the modem
	Modem Dir = "modem" // the modem sent it
)

// Entry is one classified line. A log line holding two results glued
// together yields two entries with the same Line.
type Entry struct {
	Line    int    `json:"line"`              // 1-based line of the input
	Kind    Kind   `json:"kind"`              //
	Dir     Dir    `json:"dir,omitempty"`     // empty for noise
	Text    string `json:"text"`              // the text, wrapper and timestamps removed
	Command string `json:"command,omitempty"` // the command a response, final, echo or async result belongs to
	// Inferred is true when Command was guessed from the response's name
	// because the log does not show the commands (echo off, no direction).
	Inferred bool `json:"inferred,omitempty"`
	// Part marks a piece of an echo the log shows split over several
	// lines; the pieces joined are the echo.
	Part    bool          `json:"part,omitempty"`
	Meaning string        `json:"meaning,omitempty"` // decoded meaning, where there is one
	Hint    string        `json:"hint,omitempty"`    // what to check, where there is advice
	Offset  time.Duration `json:"-"`                 // printed as "offset" by MarshalJSON
	HasTime bool          `json:"-"`                 // Offset comes from the log's own timestamps
}

// jsonEntry is Entry as the CLI prints it with --json.
type jsonEntry struct {
	Line     int    `json:"line"`
	Kind     Kind   `json:"kind"`
	Dir      Dir    `json:"dir,omitempty"`
	Text     string `json:"text"`
	Command  string `json:"command,omitempty"`
	Inferred bool   `json:"inferred,omitempty"`
	Part     bool   `json:"part,omitempty"`
	Meaning  string `json:"meaning,omitempty"`
	Hint     string `json:"hint,omitempty"`
	Offset   string `json:"offset,omitempty"`
}

// MarshalJSON writes the entry with lower-case keys, empty fields left out,
// and the offset as a duration string ("1.324s") when the log has times.
// It leaves ">" and "&" as they are; a caller printing with a
// json.Encoder should SetEscapeHTML(false) too, or they become \u003e.
// JSONWriter writes entries the same way with one copy less.
func (e Entry) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(e.jsonEntry()); err != nil {
		return nil, err
	}
	return bytes.TrimRight(b.Bytes(), "\n"), nil
}

func (e Entry) jsonEntry() jsonEntry {
	j := jsonEntry{
		Line: e.Line, Kind: e.Kind, Dir: e.Dir, Text: e.Text, Command: e.Command,
		Inferred: e.Inferred, Part: e.Part, Meaning: e.Meaning, Hint: e.Hint,
	}
	if e.HasTime {
		j.Offset = e.Offset.String()
	}
	return j
}

// JSONWriter writes entries as JSON lines, as MarshalJSON does, without
// the copy a MarshalJSON method costs the encoder: a payload of many
// megabytes is held once more, not three times.
type JSONWriter struct{ enc *json.Encoder }

// NewJSONWriter returns a JSONWriter writing to w.
func NewJSONWriter(w io.Writer) *JSONWriter {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return &JSONWriter{enc: enc}
}

// Write writes one entry and a newline.
func (j *JSONWriter) Write(e Entry) error { return j.enc.Encode(e.jsonEntry()) }

// Format names a log wrapper.
type Format string

const (
	FormatAuto    Format = ""        // detect
	FormatPlain   Format = "plain"   // terminal text
	FormatArduino Format = "arduino" // "hh:mm:ss.mmm -> " prefixes
	FormatEWF     Format = "ewf"     // [SEND|RECV][n][escaped bytes]
	FormatArrows  Format = "arrows"  // ">>"/"<<", "<-"/"->" or "--->"/"<---" direction markers
	FormatLabels  Format = "labels"  // direction in words: "sending: AT", "Response: [OK]", Receive "..."
	FormatRaw     Format = "raw"     // the bytes the modem sent
)

// Formats lists the formats a caller may force.
var Formats = []Format{FormatPlain, FormatArduino, FormatEWF, FormatArrows, FormatLabels, FormatRaw}

// Options tune Parse.
type Options struct {
	// Format forces a wrapper; FormatAuto detects it.
	Format Format
}
