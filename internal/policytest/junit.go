package policytest

import (
	"encoding/xml"
	"fmt"
	"io"
	"time"
)

// JUnit XML as CI systems read it (Jenkins' and GitLab's schema): one
// testsuite per table, one testcase per row, a failure element per
// mismatch, an error element for a row that could not be simulated.

type junitSuites struct {
	XMLName xml.Name     `xml:"testsuites"`
	Suites  []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Errors   int         `xml:"errors,attr"`
	Time     string      `xml:"time,attr"`
	Cases    []junitCase `xml:"testcase"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Time      string        `xml:"time,attr"`
	Failure   *junitProblem `xml:"failure,omitempty"`
	Error     *junitProblem `xml:"error,omitempty"`
}

type junitProblem struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

// WriteJUnit writes the outcomes of the table file as JUnit XML.
func WriteJUnit(w io.Writer, file string, outcomes []Outcome) error {
	s := junitSuite{Name: file, Tests: len(outcomes)}
	var total time.Duration
	for _, o := range outcomes {
		total += o.Duration
		c := junitCase{Name: o.Title(), Classname: file, Time: seconds(o.Duration)}
		switch {
		case o.Err != nil:
			s.Errors++
			c.Error = &junitProblem{Message: o.Failure(), Type: "error", Text: fmt.Sprintf("%s:%d", file, o.Case.Line)}
		case !o.Passed:
			s.Failures++
			c.Failure = &junitProblem{Message: o.Failure(), Type: "mismatch", Text: fmt.Sprintf("%s:%d: %s", file, o.Case.Line, o.Failure())}
		}
		s.Cases = append(s.Cases, c)
	}
	s.Time = seconds(total)
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(junitSuites{Suites: []junitSuite{s}}); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

func seconds(d time.Duration) string { return fmt.Sprintf("%.3f", d.Seconds()) }
