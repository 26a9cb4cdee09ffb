package policytest

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// issueTable is the example of issue 17.
const issueTable = `- principal: user/api-gateway-user
  action: execute-api:Invoke
  resource: !Sub arn:aws:execute-api:${AWS::Region}:${AWS::AccountId}:${HelloWorldApi}/v1/GET/hello
  expect: allow
- principal: user/api-gateway-user
  action: execute-api:Invoke
  resource: arn:aws:execute-api:*:*:*/v1/POST/*
  context: {aws:SourceIp: 203.0.113.9}
  expect: deny
`

func TestParseIssueExample(t *testing.T) {
	cases, err := Parse("t.yaml", []byte(issueTable))
	if err != nil {
		t.Fatal(err)
	}
	want := []Case{
		{Line: 1, Principal: Value{Text: "user/api-gateway-user", Line: 1, Col: 14}, Action: Value{Text: "execute-api:Invoke", Line: 2, Col: 11},
			Resource: Value{Kind: Sub, Text: "arn:aws:execute-api:${AWS::Region}:${AWS::AccountId}:${HelloWorldApi}/v1/GET/hello", Line: 3, Col: 13},
			Expect:   "allow"},
		{Line: 5, Principal: Value{Text: "user/api-gateway-user", Line: 5, Col: 14}, Action: Value{Text: "execute-api:Invoke", Line: 6, Col: 11},
			Resource: Value{Text: "arn:aws:execute-api:*:*:*/v1/POST/*", Line: 7, Col: 13},
			Context:  []ContextEntry{{Key: "aws:SourceIp", Values: []Value{{Text: "203.0.113.9", Line: 8, Col: 27}}}},
			Expect:   "deny"},
	}
	if d := cmp.Diff(want, cases); d != "" {
		t.Fatalf("cases (-want +got):\n%s", d)
	}
}

func TestParseErrors(t *testing.T) {
	cases := []struct{ name, in, want string }{
		{"empty", "", "t.yaml: empty table: want a list of rows (principal, action, resource, expect)"},
		{"not a list", "principal: x\n", "t.yaml:1:1: want a list of rows (principal, action, resource, expect)"},
		{"row not a mapping", "- hello\n", "t.yaml:1:3: [1]: want a mapping with principal, action, resource and expect"},
		{"unknown field", "- principal: a\n  actoin: s3:GetObject\n", "t.yaml:2:3: [1].actoin: unknown field (want one of name, principal, action, resource, context, expect)"},
		{"missing expect", "- principal: a\n  action: s3:GetObject\n  resource: '*'\n", "t.yaml:1:3: [1].expect: missing"},
		{"bad expect", "- principal: a\n  action: s3:GetObject\n  resource: '*'\n  expect: maybe\n", "t.yaml:4:11: [1].expect: want allow or deny"},
		{"bad action", "- principal: a\n  action: Invoke\n", `t.yaml:2:11: [1].action: "Invoke" is not an action: want service:Action, e.g. execute-api:Invoke`},
		{"unclosed sub", "- resource: !Sub 'arn:${AWS::Region'\n", `t.yaml:1:13: [1].resource: !Sub: unclosed ${ in "arn:${AWS::Region"`},
		{"getatt in sub", "- resource: !Sub '${Fn.Arn}'\n", "t.yaml:1:13: [1].resource: !Sub: ${Fn.Arn}: attributes (Fn::GetAtt) cannot be resolved from a table; use a stack output"},
		{"other tag", "- resource: !GetAtt Fn.Arn\n", "t.yaml:1:13: [1].resource: !GetAtt is not supported here (use !Sub or !Ref)"},
		{"list value", "- resource: [a, b]\n", "t.yaml:1:13: [1].resource: want one value, not a list"},
		{"twice", "- action: s3:GetObject\n  action: s3:PutObject\n", "t.yaml:2:3: [1].action: given twice"},
		{"context not a map", "- context: x\n", "t.yaml:1:12: [1].context: want a mapping of condition keys to values, e.g. {aws:SourceIp: 203.0.113.9}"},
		{"context key", "- context: {SourceIp: x}\n", "t.yaml:1:13: [1].context.SourceIp: not a condition key: want prefix:name, e.g. aws:SourceIp"},
		{"context key twice", "- context: {aws:SourceIp: x, AWS:sourceip: y}\n", "t.yaml:1:30: [1].context.AWS:sourceip: given twice (condition keys ignore case)"},
		{"empty value", "- principal: ''\n", "t.yaml:1:14: [1].principal: empty"},
		{"syntax", "- [\n", "t.yaml: "},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse("t.yaml", []byte(tc.in))
			var pe *Error
			if !errors.As(err, &pe) {
				t.Fatalf("err = %v, want *Error", err)
			}
			if !strings.HasPrefix(err.Error(), tc.want) || (tc.name != "syntax" && err.Error() != tc.want) {
				t.Fatalf("err =\n%s\nwant\n%s", err, tc.want)
			}
		})
	}
}

func TestResolve(t *testing.T) {
	env := &Env{Region: "us-east-1", AccountID: "000000000000", StackName: "S",
		Resources: map[string]string{"HelloWorldApi": "abc123"}, Parameters: map[string]string{"StageName": "v1"},
		Outputs: map[string]string{"Url": "https://x", "HelloWorldApi": "output-loses"}}
	cases := []struct {
		name string
		env  *Env
		v    Value
		want string
		err  string
	}{
		{"literal", env, Value{Text: "a${b}"}, "a${b}", ""},
		{"sub", env, Value{Kind: Sub, Text: "arn:aws:execute-api:${AWS::Region}:${AWS::AccountId}:${HelloWorldApi}/${StageName}/GET/hello"},
			"arn:aws:execute-api:us-east-1:000000000000:abc123/v1/GET/hello", ""},
		{"escape", env, Value{Kind: Sub, Text: "${!Literal}-${AWS::Partition}"}, "${Literal}-aws", ""},
		{"output", env, Value{Kind: Ref, Text: "Url"}, "https://x", ""},
		{"unknown", env, Value{Kind: Ref, Text: "Nope"}, "", "Nope is not a parameter, resource or output of stack S"},
		{"no stack", &Env{Region: "r"}, Value{Kind: Sub, Text: "${HelloWorldApi}"}, "", "${HelloWorldApi} names a stack resource, parameter or output: pass --stack"},
		{"pseudo without stack", &Env{Region: "r"}, Value{Kind: Sub, Text: "${AWS::Region}"}, "r", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tc.env.Resolve(tc.v)
			if tc.err != "" {
				if err == nil || err.Error() != tc.err {
					t.Fatalf("err = %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("Resolve = %q, %v; want %q", got, err, tc.want)
			}
		})
	}
}

// tableSim answers from a map keyed by action and resource; it stands in
// for the server in this unit test of Run and the reports.
type tableSim map[string]Result

func (s tableSim) Simulate(_ context.Context, q Query) (Result, error) {
	r, ok := s[q.Action+" "+q.Resource]
	if !ok {
		return Result{}, errors.New("NoSuchEntity: unknown")
	}
	return r, nil
}

func TestRunAndReports(t *testing.T) {
	cases, err := Parse("t.yaml", []byte(issueTable+`- name: delete is denied
  principal: user/api-gateway-user
  action: execute-api:Invoke
  resource: !Sub arn:aws:execute-api:${AWS::Region}:${AWS::AccountId}:${HelloWorldApi}/v1/DELETE/hello
  expect: deny
- principal: user/x
  action: s3:GetObject
  resource: !Ref Missing
  expect: deny
`))
	if err != nil {
		t.Fatal(err)
	}
	env := &Env{Region: "us-east-1", AccountID: "000000000000", StackName: "S", Resources: map[string]string{"HelloWorldApi": "abc"}}
	allowedBy := []Statement{{PolicyID: "api-gateway-user-policy", PolicyType: "user", Start: "1:37", End: "1:180"}}
	sim := tableSim{
		"execute-api:Invoke arn:aws:execute-api:us-east-1:000000000000:abc/v1/GET/hello":    {Decision: "allowed", Matched: allowedBy},
		"execute-api:Invoke arn:aws:execute-api:*:*:*/v1/POST/*":                            {Decision: "implicitDeny"},
		"execute-api:Invoke arn:aws:execute-api:us-east-1:000000000000:abc/v1/DELETE/hello": {Decision: "allowed", Matched: allowedBy},
	}
	clock := time.Unix(0, 0)
	now := func() time.Time { clock = clock.Add(time.Millisecond); return clock }
	out := Run(context.Background(), sim, env, cases, now)
	if got := []bool{out[0].Passed, out[1].Passed, out[2].Passed, out[3].Passed}; !cmp.Equal(got, []bool{true, true, false, false}) {
		t.Fatalf("passed = %v", got)
	}
	if got := out[1].Query.Context; !cmp.Equal(got, map[string][]string{"aws:SourceIp": {"203.0.113.9"}}) {
		t.Fatalf("context = %v", got)
	}
	var text bytes.Buffer
	if WriteText(&text, "t.yaml", out) {
		t.Fatal("WriteText reported success")
	}
	want := `FAIL t.yaml:10: delete is denied
     expected deny, got allowed; decided by api-gateway-user-policy (user) at 1:37-1:180
FAIL t.yaml:15: line 15: deny user/x s3:GetObject on Missing
     line 17: resource: Missing is not a parameter, resource or output of stack S
2 passed, 2 failed
`
	if d := cmp.Diff(want, text.String()); d != "" {
		t.Fatalf("text (-want +got):\n%s", d)
	}
	var junit bytes.Buffer
	if err := WriteJUnit(&junit, "t.yaml", out); err != nil {
		t.Fatal(err)
	}
	var doc junitSuites
	if err := xml.Unmarshal(junit.Bytes(), &doc); err != nil {
		t.Fatalf("JUnit does not parse: %v\n%s", err, junit.String())
	}
	s := doc.Suites[0]
	if s.Tests != 4 || s.Failures != 1 || s.Errors != 1 || s.Cases[2].Failure == nil || s.Cases[3].Error == nil || s.Cases[0].Failure != nil {
		t.Fatalf("JUnit = %+v", s)
	}
	if s.Cases[2].Failure.Message != "expected deny, got allowed; decided by api-gateway-user-policy (user) at 1:37-1:180" {
		t.Fatalf("failure message = %q", s.Cases[2].Failure.Message)
	}
}
