package cfn

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// FuzzParse checks that Parse never panics, that every failure is a
// positioned *Error, and that JSON input round-trips: a template parsed from
// JSON, encoded back to JSON and parsed again is the same tree.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"Resources:\n  R:\n    Type: X\n",
		`{"Resources": {"R": {"Type": "X", "Properties": {"A": [1, 2.5, true, null, "s"]}}}}`,
		"A: !Sub '${AWS::Region}'\nB: !GetAtt R.Arn\nC: !Join [',', [a, b]]\n",
		"A: !Ref\n",                        // tag on an empty scalar
		"A: &x [1]\nB: *x\n",               // anchors and aliases
		"A: !Bogus x\n",                    // unknown tag
		"A: 1\nA: 2\n",                     // duplicate key
		"{\"a\": {\"Fn::GetAtt\": \"x\"}}", // long-form string GetAtt
		"200: ok\n0x1F: hex\n",
		"- just\n- a list\n",
		"",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		tpl, err := Parse("f.yaml", data)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("error is not *Error: %T %v", err, err)
			}
			return
		}
		if !json.Valid(data) {
			return
		}
		out, err := json.Marshal(tpl.Root)
		if err != nil {
			return // NaN and friends from YAML-only spellings
		}
		again, err := Parse("f.json", out)
		if err != nil {
			t.Fatalf("re-parse of %s: %v", out, err)
		}
		if diff := cmp.Diff(normalize(tpl.Root), normalize(again.Root)); diff != "" {
			t.Fatalf("JSON round trip differs (-first +second):\n%s", diff)
		}
	})
}

// normalize maps numbers to float64, since 1 and 1.0 encode alike in JSON.
func normalize(v any) any {
	switch v := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, c := range v {
			out[k] = normalize(c)
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, c := range v {
			out[i] = normalize(c)
		}
		return out
	case int:
		return float64(v)
	}
	return v
}

// FuzzResolve plans and resolves arbitrary templates: never a panic, every
// error a positioned *Error, and resolution is deterministic.
func FuzzResolve(f *testing.F) {
	for _, s := range []string{
		oneRes,
		"Parameters:\n  P:\n    Type: CommaDelimitedList\n    Default: a,b\nResources:\n  R:\n    Type: X\n    Properties:\n      V: !Select [1, !Ref P]\n",
		"Conditions:\n  C: !Equals [!Ref AWS::Region, us-east-1]\nResources:\n  R:\n    Type: X\n    Properties:\n      V: !If [C, !Ref AWS::NoValue, [!Ref AWS::NoValue]]\n",
		"Resources:\n  R:\n    Type: X\n    Properties:\n      V: !Sub ['${A}${!B}${R.Arn}', {A: !Base64 x}]\n",
		"Resources:\n  R:\n    Type: X\n    Properties:\n      V: !Cidr ['fd00::/8', 4, 100]\n      W: !ToJsonString [!Split [',', 'a,b']]\n",
		"Mappings:\n  M:\n    a: {b: [1]}\nResources:\n  R:\n    Type: X\n    DependsOn: [R]\n    Properties:\n      V: !Length [!FindInMap [M, a, b]]\n",
		"Resources:\n  A:\n    Type: X\n    Properties: {V: !GetAtt B.Arn}\n  B:\n    Type: X\n    Properties: {V: !Join ['', [!Ref A]]}\nOutputs:\n  O: {Value: !Ref A}\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		tpl, err := Parse("f.yaml", data)
		if err != nil {
			return
		}
		vals := fakeValues{refs: map[string]string{"R": "r", "A": "a", "B": "b"}, atts: map[string]any{"R.Arn": "arn:r", "B.Arn": "arn:b"}}
		first, err1 := resolveAll(tpl, vals)
		second, err2 := resolveAll(tpl, vals)
		for _, err := range []error{err1, err2} {
			var e *Error
			if err != nil && !errors.As(err, &e) {
				t.Fatalf("error is not *Error: %T %v", err, err)
			}
		}
		if (err1 == nil) != (err2 == nil) || (err1 != nil && err1.Error() != err2.Error()) {
			t.Fatalf("errors differ: %v / %v", err1, err2)
		}
		if !bytes.Equal(first, second) {
			t.Fatalf("results differ:\n%s\n%s", first, second)
		}
	})
}

func resolveAll(tpl *Template, vals ResolvedValues) ([]byte, error) {
	plan, err := NewPlan(tpl, Env{Region: "us-east-1", AccountID: "000000000000", StackName: "s"})
	if err != nil {
		return nil, err
	}
	out := map[string]any{}
	for _, id := range plan.Order() {
		_, props, _ := plan.Resource(id)
		r, err := plan.Resolve([]string{"Resources", id, "Properties"}, props, vals)
		if err != nil {
			return nil, err
		}
		out[id] = r
	}
	outs, err := plan.Outputs(vals)
	if err != nil {
		return nil, err
	}
	out["Outputs"] = outs
	// fmt prints maps sorted and copes with NaN, unlike encoding/json.
	return fmt.Appendf(nil, "%v", out), nil
}
