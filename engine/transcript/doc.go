// Package transcript records modem sessions as byte-exact text files and
// replays them, so that scripts are tested in CI with no modem attached.
//
// A transcript is line-oriented text, made to be read in code review: a
// header saying where the session came from, then one event per line, each
// with its time since the start, its direction (host or modem) and its bytes
// as quoted strings in which every control and non-ASCII byte is escaped.
// Secrets are cut out before anything is written and appear as <redacted>.
// docs/transcripts.md describes the format (v1) in full.
//
//	atrun-transcript v1
//	start 2026-03-02T09:15:04.250000Z
//
//	0.000000 host  "AT+CPIN?\r"
//	0.006730 modem "\r\n+CPIN: READY\r\n"
//	0.006740 modem "\r\nOK\r\n"
//
// Parse, Read and ReadFile read a transcript; Recorder writes one as a
// session runs (it is a tap.Sink); Replay plays the modem's side of one.
//
// # Replay and the virtual clock
//
// A Replay is an io.ReadWriteCloser the engine uses as its port, and it
// drives the session's virtual clock (Replay.Clock). Its driver goroutine
// moves only when every goroutine of the session is blocked
// (clock.Virtual.WaitIdle): then it fires the earliest timer if that is due
// before the next recorded modem bytes, and delivers those bytes otherwise.
// A timeout thus fires where it fired live, and a minute of recorded session
// replays in milliseconds. For that to be exact, the session must account
// for every goroutine:
//
//   - The runner calls clk.Busy() for the script goroutine before the engine
//     starts reading the port, and, when the script returns, calls
//     Replay.Finish and then clk.Idle(), in that order.
//   - Every wait in the session goes through clock.Waiter (or follows its
//     rule: Idle before blocking, and whoever wakes a goroutine calls Busy on
//     its behalf). A wait with no timeout where the transcript expects a
//     write is a stall, reported as such.
//   - One reader goroutine calls Read in a loop and handles what it gets
//     before calling Read again. The replay does its accounting: the reader
//     is busy from NewReplay until its first Read finds nothing, and from
//     each Read that returns bytes until the next call. When Read returns an
//     error the reader is no longer counted and should stop.
//   - Nothing in the session sleeps on the wall clock or uses real timers.
package transcript
