package condition

import (
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
)

// Qualifier is a set operator prefix for multi-valued context keys.
type Qualifier int

const (
	// Single: no prefix.
	Single Qualifier = iota
	// ForAnyValue: at least one request value must satisfy the operator.
	ForAnyValue
	// ForAllValues: every request value must satisfy the operator (true when the key is absent).
	ForAllValues
)

// Clause is one operator applied to one key with one or more policy values,
// the unit AWS ANDs across keys and operators.
type Clause struct {
	Operator  string // as written in the policy, e.g. "ForAnyValue:StringLikeIfExists"
	Qualifier Qualifier
	IfExists  bool
	Key       string   // as written; compared case-insensitively
	Values    []string // as written (booleans and numbers converted to their JSON text)
	op        *operator
}

// Block is a parsed Condition element. The zero value (no clauses) is true.
type Block []Clause

// ErrUnknownOperator is wrapped when a policy names an operator IAM lacks.
var ErrUnknownOperator = errors.New("unknown condition operator")

// Parse builds a Block from the Condition element's operator → key → values
// map. Clauses are ordered by operator then key so traces are stable.
func Parse(raw map[string]map[string][]string) (Block, error) {
	var b Block
	for opName, keys := range raw {
		q, base, ifExists := splitOperator(opName)
		op := lookup(base)
		if op == nil || (ifExists && op.kind == kindNull) {
			return nil, fmt.Errorf("%w: %s", ErrUnknownOperator, opName)
		}
		for key, values := range keys {
			b = append(b, Clause{Operator: opName, Qualifier: q, IfExists: ifExists, Key: key, Values: values, op: op})
		}
	}
	sort.Slice(b, func(i, j int) bool {
		if b[i].Operator != b[j].Operator {
			return b[i].Operator < b[j].Operator
		}
		return b[i].Key < b[j].Key
	})
	return b, nil
}

// splitOperator separates the set qualifier and the IfExists suffix from the
// base operator name. Both are matched case-insensitively, as IAM does.
func splitOperator(name string) (Qualifier, string, bool) {
	q := Single
	lower := strings.ToLower(name)
	switch {
	case strings.HasPrefix(lower, "foranyvalue:"):
		q, name = ForAnyValue, name[len("foranyvalue:"):]
	case strings.HasPrefix(lower, "forallvalues:"):
		q, name = ForAllValues, name[len("forallvalues:"):]
	}
	ifExists := false
	if l := strings.ToLower(name); strings.HasSuffix(l, "ifexists") && len(l) > len("ifexists") {
		ifExists, name = true, name[:len(name)-len("ifexists")]
	}
	return q, name, ifExists
}

// Env is what a Block is evaluated against.
type Env struct {
	// Lookup returns the request's values for a context key (the key as written
	// in the policy; Lookup must match it case-insensitively) and whether the key
	// is present at all.
	Lookup func(key string) ([]string, bool)
	// Expand substitutes policy variables in a policy value; ok is false when a
	// variable has no value and no default, so that value matches nothing. Nil
	// means no substitution (policy Version 2008-10-17).
	Expand func(value string) (string, bool)
}

// Result records how one clause was decided, for the decision trace.
type Result struct {
	Operator string
	Key      string
	Values   []string // policy values after variable substitution ("<unresolved>" when a variable had no value)
	Request  []string // the request's values for the key
	Present  bool
	Matched  bool
	Why      string
}

// Eval reports whether every clause holds (AND across operators and keys) and
// returns one Result per clause.
func (b Block) Eval(env Env) (bool, []Result) {
	all := true
	results := make([]Result, 0, len(b))
	for i := range b {
		r := b[i].eval(env)
		results = append(results, r)
		all = all && r.Matched
	}
	return all, results
}

// unresolved marks a policy value whose variable could not be substituted.
const unresolved = "\x00unresolved"

func (c *Clause) eval(env Env) Result {
	req, present := env.Lookup(c.Key)
	if len(req) == 0 {
		// An empty list behaves as an absent key for every operator AWS documents.
		present = false
	}
	r := Result{Operator: c.Operator, Key: c.Key, Request: slices.Clone(req), Present: present}
	vals := c.expand(env)
	r.Values = displayValues(vals)
	r.Matched, r.Why = c.decide(req, present, vals)
	return r
}

func (c *Clause) expand(env Env) []string {
	if env.Expand == nil || !c.op.variables {
		return c.Values
	}
	out := make([]string, len(c.Values))
	for i, v := range c.Values {
		s, ok := env.Expand(v)
		if !ok {
			s = unresolved
		}
		out[i] = s
	}
	return out
}

func displayValues(vals []string) []string {
	out := slices.Clone(vals)
	for i, v := range out {
		if v == unresolved {
			out[i] = "<unresolved>"
		}
	}
	return out
}

func (c *Clause) decide(req []string, present bool, vals []string) (bool, string) {
	if c.op.kind == kindNull {
		return c.null(present, vals)
	}
	if !present {
		switch {
		case c.IfExists:
			return true, "key absent; ...IfExists holds"
		case c.Qualifier == ForAllValues:
			return true, "key absent; ForAllValues holds for an empty set"
		case c.Qualifier == ForAnyValue:
			return false, "key absent; ForAnyValue needs a value"
		case c.op.negated:
			return true, "key absent; a negated operator holds"
		default:
			return false, "key absent"
		}
	}
	switch c.Qualifier {
	case ForAnyValue:
		for _, v := range req {
			if c.one(v, vals) {
				return true, fmt.Sprintf("request value %q satisfies the operator", v)
			}
		}
		return false, "no request value satisfies the operator"
	case ForAllValues:
		for _, v := range req {
			if !c.one(v, vals) {
				return false, fmt.Sprintf("request value %q does not satisfy the operator", v)
			}
		}
		return true, "every request value satisfies the operator"
	}
	// No qualifier: a positive operator holds when any request value matches
	// any policy value; a negated one when none does (logical NOR over values).
	hit := slices.ContainsFunc(req, func(v string) bool { return c.anyPositive(v, vals) })
	if c.op.negated {
		if bad := c.anyBadValue(req, vals); bad {
			return false, "a value could not be compared"
		}
		return !hit, pick(!hit, "no policy value matches", "a policy value matches")
	}
	return hit, pick(hit, "a policy value matches", "no policy value matches")
}

// one applies the operator (with its negation) to a single request value.
func (c *Clause) one(v string, vals []string) bool {
	if c.op.negated {
		if c.anyBadValue([]string{v}, vals) {
			return false
		}
		return !c.anyPositive(v, vals)
	}
	return c.anyPositive(v, vals)
}

func (c *Clause) anyPositive(v string, vals []string) bool {
	for _, p := range vals {
		if p == unresolved {
			continue
		}
		if ok, valid := c.op.match(v, p); valid && ok {
			return true
		}
	}
	return false
}

// anyBadValue reports a request or policy value the operator cannot parse (a
// non-number for Numeric*, an unresolved variable): a negated operator must not
// turn "cannot compare" into "does not equal".
func (c *Clause) anyBadValue(req, vals []string) bool {
	for _, v := range req {
		for _, p := range vals {
			if p == unresolved {
				return true
			}
			if _, valid := c.op.match(v, p); !valid {
				return true
			}
		}
	}
	return false
}

func (c *Clause) null(present bool, vals []string) (bool, string) {
	for _, p := range vals {
		switch strings.ToLower(p) {
		case "true":
			if !present {
				return true, "key absent, Null true"
			}
		case "false":
			if present {
				return true, "key present, Null false"
			}
		}
	}
	return false, pick(present, "key present", "key absent")
}

func pick(b bool, yes, no string) string {
	if b {
		return yes
	}
	return no
}
