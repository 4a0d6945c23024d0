package atruncli

import (
	"encoding/json"
	"errors"
	"io"
	"sync"
	"time"

	"github.com/atrun/atrun/engine"
	"github.com/atrun/atrun/luabind"
)

// jsonReport writes a run's events as JSON lines on stdout, one object
// each, for programs and CI:
//
//	{"event":"step","t":0.0123,"name":"SIM","status":"ok","elapsed":0.0121}
//	{"event":"log","t":0.02,"level":"info","message":"SIM ready","where":"x.lua:7"}
//	{"event":"print","t":0.03,"text":"hello"}
//	{"event":"urcs_dropped","t":0.04,"count":36,"codes":{"+QIND":36},"queue":256,"message":"..."}
//	{"event":"end","t":0.05,"ok":true,"exit_code":0,"elapsed":0.05}
//
// t is seconds since the run started. The last event is always "end".
type jsonReport struct {
	w     io.Writer // shared by the reports of a run on many ports, which keeps each write whole
	mu    sync.Mutex
	enc   *json.Encoder // on w; under mu
	start time.Time
	port  string // tags every event of one run among many; "" for a single run
}

// jsonEvent is one line. Fields that do not apply to an event are left out.
type jsonEvent struct {
	Event    string         `json:"event"` // step, log, print, notice, urcs_dropped, end
	T        float64        `json:"t"`
	Port     string         `json:"port,omitempty"` // the run's port, when the script runs on many
	Name     string         `json:"name,omitempty"`
	Status   string         `json:"status,omitempty"` // start, ok, fail
	Elapsed  *float64       `json:"elapsed,omitempty"`
	Level    string         `json:"level,omitempty"` // info, warn
	Message  string         `json:"message,omitempty"`
	Where    string         `json:"where,omitempty"`
	Text     *string        `json:"text,omitempty"`
	OK       *bool          `json:"ok,omitempty"`
	ExitCode *int           `json:"exit_code,omitempty"`
	Error    *jsonError     `json:"error,omitempty"`
	Unused   []string       `json:"unused_params,omitempty"`
	Count    int            `json:"count,omitempty"`
	Codes    map[string]int `json:"codes,omitempty"`
	Queue    int            `json:"queue,omitempty"`
}

// jsonError describes a failed run.
type jsonError struct {
	Message string `json:"message"`
	Script  string `json:"script,omitempty"`
	Line    int    `json:"line,omitempty"`
	Step    string `json:"step,omitempty"`
	Meaning string `json:"meaning,omitempty"`
	Hint    string `json:"hint,omitempty"`
}

// newJSONReport writes on w, which must keep each write whole when it is
// shared (an *os.File does, as does a batchWriter).
func newJSONReport(w io.Writer, start time.Time) *jsonReport {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return &jsonReport{w: w, enc: enc, start: start}
}

// forPort is the report of one run among many: the same output, each
// event tagged with the run's port. Each encodes on its own, so that
// runs at once write at once.
func (j *jsonReport) forPort(port string) *jsonReport {
	r := newJSONReport(j.w, j.start)
	r.port = port
	return r
}

func (j *jsonReport) emit(e jsonEvent) {
	j.mu.Lock()
	defer j.mu.Unlock()
	e.T = time.Since(j.start).Seconds()
	e.Port = j.port
	_ = j.enc.Encode(e)
}

func seconds(d time.Duration) *float64 {
	s := d.Seconds()
	return &s
}

func (j *jsonReport) Step(name, status string, elapsed time.Duration, err error) {
	e := jsonEvent{Event: "step", Name: name, Status: status}
	if status != "start" {
		e.Elapsed = seconds(elapsed)
	}
	if err != nil {
		e.Message = err.Error()
	}
	j.emit(e)
}

func (j *jsonReport) Log(level, msg, where string) {
	j.emit(jsonEvent{Event: "log", Level: level, Message: msg, Where: where})
}

func (j *jsonReport) Print(text string) { j.emit(jsonEvent{Event: "print", Text: &text}) }

// Progress is left out of JSON: one event per kilobyte is noise there.
func (j *jsonReport) Progress(string, int, int) {}

func (j *jsonReport) Notice(msg string) {
	j.emit(jsonEvent{Event: "notice", Level: "warn", Message: msg})
}

// Dropped reports the URCs lost to a full queue, with their codes.
func (j *jsonReport) Dropped(d engine.DropReport) {
	j.emit(jsonEvent{Event: "urcs_dropped", Level: "warn", Count: d.Total, Codes: d.Codes, Queue: d.Queue, Message: d.String()})
}

func (j *jsonReport) Finish(res *luabind.Result, err error) {
	f := classify(err)
	ok, code := f.code == exitOK, f.code
	e := jsonEvent{Event: "end", OK: &ok, ExitCode: &code}
	if res != nil {
		e.Elapsed = seconds(res.Elapsed)
		e.Unused = res.UnusedParams
	}
	if err != nil {
		je := &jsonError{Message: f.message, Meaning: f.meaning, Hint: f.hint}
		var se *luabind.ScriptError
		if errors.As(err, &se) {
			je.Script, je.Line, je.Step = se.Script, se.Line, se.Step
		}
		e.Error = je
	}
	j.emit(e)
}
