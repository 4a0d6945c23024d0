package explain

import (
	"strings"
	"time"
)

// Made-up delays for logs without times. They are typical, not measured
// per log, and only need to keep a replay plausible.
const (
	lineGap    = 5 * time.Millisecond  // between lines of one answer
	echoGap    = time.Millisecond      // the echo right after the write
	commandGap = 20 * time.Millisecond // the host's next command
)

// asyncDelays are the usual waits for asynchronous results after OK, from
// the timed logs: +QMTOPEN 0.3-1.3 s, +QMTCONN 0.8 s, +QMTSUB 1.8 s,
// +QMTPUB 0.85 s, +QMTDISC at once.
var asyncDelays = map[string]time.Duration{
	"+QMTOPEN":  time.Second,
	"+QMTCONN":  800 * time.Millisecond,
	"+QMTSUB":   1800 * time.Millisecond,
	"+QMTUNS":   500 * time.Millisecond,
	"+QMTPUB":   850 * time.Millisecond,
	"+QMTPUBEX": 850 * time.Millisecond,
	"+QMTDISC":  50 * time.Millisecond,
	"+QMTCLOSE": 50 * time.Millisecond,
	"+QIOPEN":   300 * time.Millisecond,
	"+QSSLOPEN": time.Second,
	"+QPING":    400 * time.Millisecond,
}

// resultDelay is the made-up wait before a modem line.
func resultDelay(e Entry) time.Duration {
	if e.Kind != KindURC || e.Command == "" {
		return lineGap
	}
	if d, ok := asyncDelays[strings.ToUpper(infoName(e.Text))]; ok {
		return d
	}
	return lineGap
}
