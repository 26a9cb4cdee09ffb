package condition

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func env(m map[string][]string) Env {
	return Env{Lookup: func(k string) ([]string, bool) {
		for mk, v := range m {
			if strings.EqualFold(mk, k) {
				return v, true
			}
		}
		return nil, false
	}}
}

func block(t *testing.T, op, key string, vals ...string) Block {
	t.Helper()
	b, err := Parse(map[string]map[string][]string{op: {key: vals}})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Operator semantics from
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
func TestEval(t *testing.T) {
	cases := []struct {
		name string
		op   string
		vals []string
		ctx  map[string][]string
		want bool
	}{
		{"negated NOR", "StringNotEquals", []string{"a", "b"}, map[string][]string{"k": {"a"}}, false},
		{"negated absent", "NumericNotEquals", []string{"1"}, nil, true},
		{"negated bad number is false", "NumericNotEquals", []string{"1"}, map[string][]string{"k": {"x"}}, false},
		{"negated bad policy number is false", "NumericNotEquals", []string{"x"}, map[string][]string{"k": {"1"}}, false},
		{"numeric big integers exact", "NumericEquals", []string{"9007199254740993"}, map[string][]string{"k": {"9007199254740992"}}, false},
		{"numeric rejects fraction syntax", "NumericEquals", []string{"1/2"}, map[string][]string{"k": {"0.5"}}, false},
		{"numeric rejects exponent", "NumericEquals", []string{"1e2"}, map[string][]string{"k": {"100"}}, false},
		{"date millis", "DateEquals", []string{"2026-01-01T00:00:00.000Z"}, map[string][]string{"k": {"2026-01-01T00:00:00Z"}}, true},
		{"ip v4-mapped request", "IpAddress", []string{"10.0.0.0/8"}, map[string][]string{"k": {"::ffff:10.1.2.3"}}, true},
		{"ip policy host bits masked", "IpAddress", []string{"10.1.2.3/8"}, map[string][]string{"k": {"10.9.9.9"}}, true},
		{"null multiple values", "Null", []string{"false", "true"}, nil, true},
		{"binary raw request", "BinaryEquals", []string{"YWJj"}, map[string][]string{"k": {"abc"}}, true},
		{"binary bad policy", "BinaryEquals", []string{"!!"}, map[string][]string{"k": {"abc"}}, false},
		{"bool bad value", "Bool", []string{"yes"}, map[string][]string{"k": {"true"}}, false},
		{"empty list is absent", "StringEquals", []string{"a"}, map[string][]string{"k": {}}, false},
		{"IfExists lower case suffix", "StringEqualsifexists", []string{"a"}, nil, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, res := block(t, tc.op, "k", tc.vals...).Eval(env(tc.ctx))
			if got != tc.want {
				t.Errorf("Eval = %v, want %v (%+v)", got, tc.want, res)
			}
		})
	}
}

func TestEvalVariables(t *testing.T) {
	b := block(t, "StringEquals", "k", "${v}", "lit")
	e := env(map[string][]string{"k": {"x"}})
	e.Expand = func(s string) (string, bool) {
		if s == "${v}" {
			return "", false
		}
		return s, true
	}
	ok, res := b.Eval(e)
	if ok {
		t.Error("unresolved variable must not match")
	}
	if diff := cmp.Diff([]string{"<unresolved>", "lit"}, res[0].Values); diff != "" {
		t.Errorf("values (-want +got):\n%s", diff)
	}
	neg := block(t, "StringNotEquals", "k", "${v}")
	if ok, _ := neg.Eval(e); ok {
		t.Error("a negated operator must not hold on an unresolved variable")
	}
	num := block(t, "NumericEquals", "k", "${v}")
	if ok, _ := num.Eval(Env{Lookup: env(map[string][]string{"k": {"1"}}).Lookup, Expand: e.Expand}); ok {
		t.Error("numeric operators take no variables: ${v} is not a number")
	}
}

func TestParseUnknown(t *testing.T) {
	for _, op := range []string{"StringEqualz", "NullIfExists", "ForSomeValues:StringEquals", "IfExists", "ForAnyValue:"} {
		t.Run(op, func(t *testing.T) {
			if Known(op) {
				t.Errorf("Known(%q) = true", op)
			}
			if _, err := Parse(map[string]map[string][]string{op: {"k": {"v"}}}); err == nil {
				t.Errorf("Parse(%q) accepted", op)
			}
		})
	}
}

func TestParseDate(t *testing.T) {
	want := time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
	for _, s := range []string{"2026-11-25T10:00:00Z", "2026-11-25T10:00:00.000Z", "2026-11-25T12:00:00+02:00", "2026-11-25T10:00Z", "20261125T100000Z", "1795600800"} {
		t.Run(s, func(t *testing.T) {
			got, ok := ParseDate(s)
			if !ok || !got.Equal(want) {
				t.Errorf("ParseDate(%q) = %v, %v; want %v", s, got, ok, want)
			}
		})
	}
}

func TestResultsOrdered(t *testing.T) {
	b, err := Parse(map[string]map[string][]string{
		"StringLike":   {"b": {"*"}, "a": {"*"}},
		"StringEquals": {"c": {"x"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	_, res := b.Eval(env(map[string][]string{"a": {"1"}, "b": {"2"}, "c": {"x"}}))
	var got []string
	for _, r := range res {
		got = append(got, r.Operator+" "+r.Key)
	}
	if diff := cmp.Diff([]string{"StringEquals c", "StringLike a", "StringLike b"}, got); diff != "" {
		t.Errorf("order (-want +got):\n%s", diff)
	}
}
