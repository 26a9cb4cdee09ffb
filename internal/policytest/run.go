package policytest

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"
)

// Query is one resolved row, as the simulator is asked it.
type Query struct {
	Principal string // an IAM ARN, or user/NAME, role/NAME: the Simulator resolves it
	Action    string
	Resource  string
	Context   map[string][]string
}

// Statement is a policy statement that decided, as IAM's simulator names
// it (API_Statement.html).
type Statement struct {
	PolicyID   string
	PolicyType string
	// Start and End are "line:column" in the policy document; "" when unknown.
	Start, End string
}

func (s Statement) String() string {
	out := s.PolicyID
	if s.PolicyType != "" {
		out += " (" + s.PolicyType + ")"
	}
	if s.Start != "" {
		out += " at " + s.Start + "-" + s.End
	}
	return out
}

// Result is the simulator's answer to a Query.
type Result struct {
	Decision string // "allowed", "explicitDeny" or "implicitDeny"
	Matched  []Statement
	// Notes say what the simulation could not take into account.
	Notes []string
}

// Simulator answers queries; internal/cli's is IAM SimulatePrincipalPolicy.
type Simulator interface {
	Simulate(ctx context.Context, q Query) (Result, error)
}

// Outcome is one row's result.
type Outcome struct {
	Case     Case
	Query    Query
	Result   Result
	Err      error // the row could not be resolved or simulated
	Passed   bool
	Duration time.Duration
}

// Title names the row in reports: its name, else its line and fields.
func (o Outcome) Title() string {
	if o.Case.Name != "" {
		return o.Case.Name
	}
	q := o.Query
	if o.Err != nil {
		q.Principal, q.Action, q.Resource = o.Case.Principal.Text, o.Case.Action.Text, o.Case.Resource.Text
	}
	return fmt.Sprintf("line %d: %s %s %s on %s", o.Case.Line, o.Case.Expect, q.Principal, q.Action, q.Resource)
}

// Failure says why a row failed, with the deciding statements.
func (o Outcome) Failure() string {
	if o.Err != nil {
		return o.Err.Error()
	}
	if o.Passed {
		return ""
	}
	var b strings.Builder
	fmt.Fprintf(&b, "expected %s, got %s", o.Case.Expect, o.Result.Decision)
	switch {
	case len(o.Result.Matched) > 0:
		b.WriteString("; decided by ")
		for i, s := range o.Result.Matched {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(s.String())
		}
	case o.Result.Decision == "implicitDeny":
		b.WriteString("; no statement allows " + o.Query.Action + " on " + o.Query.Resource)
	}
	for _, n := range o.Result.Notes {
		b.WriteString("; " + n)
	}
	return b.String()
}

// Run resolves and simulates every case in order. It stops early only when
// ctx ends; a row that cannot be resolved or simulated fails alone.
func Run(ctx context.Context, sim Simulator, env *Env, cases []Case, now func() time.Time) []Outcome {
	out := make([]Outcome, 0, len(cases))
	for _, c := range cases {
		if ctx.Err() != nil {
			break
		}
		start := now()
		o := Outcome{Case: c}
		o.Query, o.Err = resolve(env, c)
		if o.Err == nil {
			o.Result, o.Err = sim.Simulate(ctx, o.Query)
		}
		if o.Err == nil {
			o.Passed = (o.Result.Decision == "allowed") == (c.Expect == "allow")
		}
		o.Duration = now().Sub(start)
		out = append(out, o)
	}
	return out
}

func resolve(env *Env, c Case) (Query, error) {
	var q Query
	var err error
	field := func(name string, v Value, dst *string) {
		if err != nil {
			return
		}
		var e error
		if *dst, e = env.Resolve(v); e != nil {
			err = fmt.Errorf("line %d: %s: %w", v.Line, name, e)
		}
	}
	field("principal", c.Principal, &q.Principal)
	field("action", c.Action, &q.Action)
	field("resource", c.Resource, &q.Resource)
	for _, e := range c.Context {
		if q.Context == nil {
			q.Context = map[string][]string{}
		}
		vals := make([]string, len(e.Values))
		for i, v := range e.Values {
			field("context."+e.Key, v, &vals[i])
		}
		q.Context[e.Key] = vals
	}
	return q, err
}

// WriteText prints one line per failing row and a summary line; it
// reports whether every row passed.
func WriteText(w io.Writer, file string, outcomes []Outcome) bool {
	failed := 0
	for _, o := range outcomes {
		if o.Passed {
			continue
		}
		failed++
		fmt.Fprintf(w, "FAIL %s:%d: %s\n     %s\n", file, o.Case.Line, o.Title(), o.Failure())
	}
	fmt.Fprintf(w, "%d passed, %d failed\n", len(outcomes)-failed, failed)
	return failed == 0
}
