package condition

import (
	"strings"
	"testing"
)

// FuzzEval checks properties every operator must keep for any values:
// a negated operator and its positive form never both hold on one single
// request value; IfExists and ForAllValues hold on an absent key; ForAnyValue
// does not; Eval never panics.
func FuzzEval(f *testing.F) {
	f.Add("StringLike", "a*b", "axb")
	f.Add("NumericLessThan", "10", "9.5")
	f.Add("DateGreaterThan", "2020-01-01T00:00:00Z", "1700000000")
	f.Add("IpAddress", "10.0.0.0/8", "10.1.2.3")
	f.Add("ArnLike", "arn:aws:s3:::b/*", "arn:aws:s3:::b/k")
	f.Add("Bool", "true", "TRUE")
	f.Add("BinaryEquals", "YWJj", "abc")
	f.Fuzz(func(t *testing.T, op, pol, req string) {
		_, base, _ := splitOperator(op)
		o := lookup(base)
		if o == nil || o.kind == kindNull || strings.Contains(strings.ToLower(op), ":") {
			return
		}
		pos, neg := positiveAndNegated(o)
		present := Env{Lookup: func(string) ([]string, bool) { return []string{req}, true }}
		absent := Env{Lookup: func(string) ([]string, bool) { return nil, false }}
		if neg != "" {
			p, _ := mustBlock(t, pos, pol).Eval(present)
			n, _ := mustBlock(t, neg, pol).Eval(present)
			if p && n {
				t.Fatalf("%s and %s both hold for policy %q request %q", pos, neg, pol, req)
			}
		}
		if ok, _ := mustBlock(t, pos+"IfExists", pol).Eval(absent); !ok {
			t.Fatalf("%sIfExists must hold on an absent key", pos)
		}
		if ok, _ := mustBlock(t, "ForAllValues:"+pos, pol).Eval(absent); !ok {
			t.Fatal("ForAllValues must hold on an absent key")
		}
		if ok, _ := mustBlock(t, "ForAnyValue:"+pos, pol).Eval(absent); ok {
			t.Fatal("ForAnyValue must not hold on an absent key")
		}
	})
}

func positiveAndNegated(o *operator) (string, string) {
	var pos, neg string
	for _, x := range operators {
		if x.kind != o.kind {
			continue
		}
		// Pair operators registered together (same match func family).
		if strings.Replace(x.name, "Not", "", 1) == strings.Replace(o.name, "Not", "", 1) {
			if x.negated {
				neg = x.name
			} else {
				pos = x.name
			}
		}
	}
	if o.kind == kindIP {
		pos, neg = "IpAddress", "NotIpAddress"
	}
	if pos == "" {
		pos = o.name
	}
	return pos, neg
}

func mustBlock(t *testing.T, op, pol string) Block {
	b, err := Parse(map[string]map[string][]string{op: {"k": {pol}}})
	if err != nil {
		t.Fatalf("Parse(%q): %v", op, err)
	}
	return b
}
