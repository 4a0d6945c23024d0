package replay

import (
	"encoding/xml"
	"errors"
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

// WriteJUnit writes the results to file as JUnit XML.
func WriteJUnit(file, script string, results []FileResult, s Summary) error {
	data, err := JUnit(script, results, s, time.Now())
	if err == nil {
		err = os.WriteFile(file, data, 0o644)
	}
	if err != nil {
		return fmt.Errorf("cannot write the JUnit report: %v", unreadable(err))
	}
	return nil
}

// JUnit renders the results as JUnit XML, one test case per transcript.
func JUnit(script string, results []FileResult, s Summary, now time.Time) ([]byte, error) {
	return JUnitSuite("atrun replay", script, results, s, now)
}

// JUnitSuite renders the results as JUnit XML under the suite named
// command and the script's name, one test case per result (a transcript,
// or a port of a run on many modems).
func JUnitSuite(command, script string, results []FileResult, s Summary, now time.Time) ([]byte, error) {
	class := strings.TrimSuffix(path.Base(script), ".lua")
	suite := junitSuite{
		Name:  command + " " + class,
		Tests: s.Total, Failures: s.Mismatched + s.Failed + s.TimedOut + s.Overran, Errors: s.Unreadable, Skipped: s.Skipped,
		Time: junitSeconds(s.Wall), Timestamp: now.UTC().Format("2006-01-02T15:04:05"),
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

func junitCaseOf(class string, r FileResult) junitCase {
	c := junitCase{Name: r.File, Classname: class, File: r.File, Time: junitSeconds(r.Wall)}
	msg := ""
	if r.Err != nil {
		msg = r.Err.Error()
	}
	first, _, _ := strings.Cut(msg, "\n")
	switch r.Status {
	case StatusMismatch, StatusFail, StatusTimeout, StatusOverrun:
		c.Failure = &junitProblem{Message: first, Type: strings.ToLower(string(r.Status)), Text: msg}
	case StatusError:
		c.Error = &junitProblem{Message: first, Type: junitErrorType(r.Err), Text: msg}
	case StatusSkipped:
		c.Skipped = &junitSkipped{Message: "interrupted"}
	}
	return c
}

// junitErrorType is the type of an <error>: what the error names with a
// JUnitType method (a port that would not open, for atrun run), else an
// unreadable transcript.
func junitErrorType(err error) string {
	var typed interface{ JUnitType() string }
	if errors.As(err, &typed) {
		return typed.JUnitType()
	}
	return "unreadable"
}

func junitSeconds(d time.Duration) string { return fmt.Sprintf("%.6f", d.Seconds()) }
