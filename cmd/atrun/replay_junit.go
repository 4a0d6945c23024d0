package main

import (
	"encoding/xml"
	"fmt"
	"os"
	"path"
	"strings"
	"time"
)

// The JUnit XML that CI systems (GitHub Actions reporters, GitLab's
// unit test reports, Jenkins) read: one suite for the command, one test
// case per transcript. A mismatch or a failure is a <failure>, an
// unreadable transcript an <error>, a replay cut short by Ctrl+C
// <skipped>.
type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Skipped  int          `xml:"skipped,attr"`
	Time     string       `xml:"time,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name      string      `xml:"name,attr"`
	Tests     int         `xml:"tests,attr"`
	Failures  int         `xml:"failures,attr"`
	Errors    int         `xml:"errors,attr"`
	Skipped   int         `xml:"skipped,attr"`
	Time      string      `xml:"time,attr"`
	Timestamp string      `xml:"timestamp,attr"`
	Cases     []junitCase `xml:"testcase"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	File      string        `xml:"file,attr"`
	Time      string        `xml:"time,attr"`
	Failure   *junitProblem `xml:"failure,omitempty"`
	Error     *junitProblem `xml:"error,omitempty"`
	Skipped   *junitSkipped `xml:"skipped,omitempty"`
}

// junitProblem carries the first line of the explanation as its message
// (what a CI summary shows) and the whole of it as text.
type junitProblem struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

type junitSkipped struct {
	Message string `xml:"message,attr"`
}

// writeJUnit writes the results to file.
func writeJUnit(file, script string, results []replayResult, s replaySummary) error {
	data, err := junitXML(script, results, s, time.Now())
	if err == nil {
		err = os.WriteFile(file, data, 0o644)
	}
	if err != nil {
		return usagef("cannot write the JUnit report: %v", unwrapPath(err))
	}
	return nil
}

func junitXML(script string, results []replayResult, s replaySummary, now time.Time) ([]byte, error) {
	class := strings.TrimSuffix(path.Base(script), ".lua")
	suite := junitSuite{
		Name:  "atrun replay " + class,
		Tests: s.total, Failures: s.mismatched + s.failed + s.timedOut + s.overran, Errors: s.unreadable, Skipped: s.skipped,
		Time: junitSeconds(s.wall), Timestamp: now.UTC().Format("2006-01-02T15:04:05"),
	}
	for _, r := range results {
		suite.Cases = append(suite.Cases, junitCaseOf(class, r))
	}
	doc := junitSuites{
		Tests: suite.Tests, Failures: suite.Failures, Errors: suite.Errors, Skipped: suite.Skipped,
		Time: suite.Time, Suites: []junitSuite{suite},
	}
	out, err := xml.MarshalIndent(doc, "", "  ")
	if err != nil {
		return nil, err
	}
	return append([]byte(xml.Header), append(out, '\n')...), nil
}

func junitCaseOf(class string, r replayResult) junitCase {
	c := junitCase{Name: r.file, Classname: class, File: r.file, Time: junitSeconds(r.wall)}
	msg := ""
	if r.err != nil {
		msg = r.err.Error()
	}
	first, _, _ := strings.Cut(msg, "\n")
	switch r.status {
	case statusMismatch, statusFail, statusTimeout, statusOverrun:
		c.Failure = &junitProblem{Message: first, Type: strings.ToLower(string(r.status)), Text: msg}
	case statusError:
		c.Error = &junitProblem{Message: first, Type: "unreadable", Text: msg}
	case statusSkipped:
		c.Skipped = &junitSkipped{Message: "interrupted"}
	}
	return c
}

func junitSeconds(d time.Duration) string { return fmt.Sprintf("%.6f", d.Seconds()) }
