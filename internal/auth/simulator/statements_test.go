package simulator

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/iamgate/iamgate/internal/iampolicy"
)

// dynamoAfter is the policy of the aws CLI's simulate-custom-policy example
// (https://github.com/aws/aws-cli/blob/develop/awscli/examples/iam/simulate-custom-policy.rst),
// whose answer pins StartPosition 1:38 and EndPosition 1:167.
const dynamoAfter = `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"dynamodb:*","Resource":"*","Condition":{"DateGreaterThan":{"aws:CurrentTime":"2018-08-16T12:00:00Z"}}}}`

// pretty is an indented document: its statement's "{" is the 19th character
// of line 3 and its "}" the 9th of line 9, so the simulator's rule (the
// column just after each brace) gives 3:20 and 9:10.
const pretty = `{
    "Version": "2012-10-17",
    "Statement": [{
            "Sid": "Grant",
            "Effect": "Allow",
            "Action": "codecommit:ListRepositories",
            "Resource": "*",
            "Condition": {}
        }
    ]
}`

func TestStatementSpans(t *testing.T) {
	pos := func(l1, c1, l2, c2 int) [2]Position { return [2]Position{{l1, c1}, {l2, c2}} }
	tests := []struct {
		name string
		doc  string
		want [][2]Position
	}{
		{"aws cli custom example", dynamoAfter, [][2]Position{pos(1, 38, 1, 167)}},
		{"indented", pretty, [][2]Position{pos(3, 20, 9, 10)}},
		{"list of two", `{"Statement":[{"Effect":"Allow"},{"Effect":"Deny"}]}`, [][2]Position{pos(1, 16, 1, 33), pos(1, 35, 1, 51)}},
		{"multibyte before", `{"Id":"é","Statement":{}}`, [][2]Position{pos(1, 24, 1, 25)}},
		{"nested statement key ignored", `{"Id":"x","Condition":{"Statement":{}},"Statement":[{}]}`, [][2]Position{pos(1, 54, 1, 55)}},
		{"not an object", `[]`, nil},
		{"statement is a string", `{"Statement":"x"}`, nil},
		{"truncated", `{"Statement":[{"Effect":"Allow"}`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got [][2]Position
			for _, s := range statementSpans(tt.doc) {
				got = append(got, [2]Position{s.start, s.end})
			}
			if d := cmp.Diff(tt.want, got); d != "" {
				t.Errorf("(-want +got)\n%s", d)
			}
		})
	}
}

// FuzzStatementSpans checks that any document scans without panic, that
// each span starts just after a "{" and ends just after a "}" in order, and
// that a document iampolicy accepts has exactly one span per statement.
func FuzzStatementSpans(f *testing.F) {
	for _, seed := range []string{dynamoAfter, pretty, `{"Statement":[{},{}]}`, `{"Statement":{"a":[1,{"b":"}"}]}}`,
		`{"Statement":[1]}`, `{"Statement":[{}`, `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","NotAction":"*","NotResource":"*"}]}`, "{\n\"Statement\"\n:\r\n{}}"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, doc string) {
		spans := statementSpans(doc)
		last := 0
		for _, s := range spans {
			if s.startOff <= last-1 || s.endOff <= s.startOff || doc[s.startOff-1] != '{' || doc[s.endOff-1] != '}' {
				t.Fatalf("bad span %+v in %q", s, doc)
			}
			if s.start.Line > s.end.Line || (s.start.Line == s.end.Line && s.start.Column >= s.end.Column) {
				t.Fatalf("positions out of order %+v", s)
			}
			last = s.endOff
		}
		if p, err := iampolicy.Parse([]byte(doc), iampolicy.IdentityPolicy); err == nil && len(p.Statements) != len(spans) {
			t.Fatalf("%d statements, %d spans: %q", len(p.Statements), len(spans), doc)
		}
	})
}
