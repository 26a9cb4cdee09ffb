package policygen

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/iamgate/iamgate/internal/arn"
)

const api = "arn:aws:execute-api:us-east-1:000000000000:abc123"

func TestGeneralize(t *testing.T) {
	cases := []struct {
		name string
		in   []string
		want []string
	}{
		{"one seen stays", []string{api + "/v1/GET/hello"}, []string{api + "/v1/GET/hello"}},
		{"duplicates", []string{api + "/v1/GET/hello", api + "/v1/GET/hello"}, []string{api + "/v1/GET/hello"}},
		{"paths differ", []string{api + "/v1/GET/hello", api + "/v1/GET/items"}, []string{api + "/v1/GET/*"}},
		{"methods differ", []string{api + "/v1/GET/hello", api + "/v1/POST/hello"}, []string{api + "/v1/*/hello"}},
		{"depths differ", []string{api + "/v1/GET/items", api + "/v1/GET/items/42"}, []string{api + "/v1/GET/*"}},
		{"APIs stay apart", []string{api + "/v1/GET/a", "arn:aws:execute-api:us-east-1:000000000000:other/v1/GET/a"},
			[]string{api + "/v1/GET/a", "arn:aws:execute-api:us-east-1:000000000000:other/v1/GET/a"}},
		{"buckets stay apart, keys generalize", []string{"arn:aws:s3:::b1/k1", "arn:aws:s3:::b1/k2", "arn:aws:s3:::b2/k"},
			[]string{"arn:aws:s3:::b1/*", "arn:aws:s3:::b2/k"}},
		{"log streams", []string{"arn:aws:logs:us-east-1:000000000000:log-group:/aws/lambda/fn:log-stream:a",
			"arn:aws:logs:us-east-1:000000000000:log-group:/aws/lambda/fn:log-stream:b"},
			[]string{"arn:aws:logs:us-east-1:000000000000:log-group:/aws/lambda/fn:log-stream:*"}},
		{"functions", []string{"arn:aws:lambda:us-east-1:000000000000:function:a", "arn:aws:lambda:us-east-1:000000000000:function:b"},
			[]string{"arn:aws:lambda:us-east-1:000000000000:function:*"}},
		{"star covers all", []string{"*", api + "/v1/GET/a"}, []string{"*"}},
		{"accounts stay apart", []string{"arn:aws:sqs:us-east-1:111111111111:q", "arn:aws:sqs:us-east-1:222222222222:q"},
			[]string{"arn:aws:sqs:us-east-1:111111111111:q", "arn:aws:sqs:us-east-1:222222222222:q"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if d := cmp.Diff(tc.want, Generalize(tc.in)); d != "" {
				t.Fatalf("(-want +got):\n%s", d)
			}
		})
	}
}

func TestGenerate(t *testing.T) {
	calls := []Call{
		{Action: "execute-api:Invoke", Resource: api + "/v1/GET/hello", Allowed: true},
		{Action: "execute-api:Invoke", Resource: api + "/v1/GET/items", Allowed: false},
		{Action: "s3:GetObject", Resource: "arn:aws:s3:::b/k", Allowed: true},
		{Action: "s3:PutObject", Resource: "arn:aws:s3:::b/k", Allowed: true},
		{Action: "S3:getobject", Resource: "arn:aws:s3:::b/k", Allowed: true},
		{Action: "s3:ListAllMyBuckets", Resource: "*", Allowed: true},
		{Action: "iam:PassRole", Resource: "arn:aws:iam::000000000000:role/fn", Allowed: true},
	}
	want := `{
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "ExecuteApi",
            "Effect": "Allow",
            "Action": "execute-api:Invoke",
            "Resource": "arn:aws:execute-api:us-east-1:000000000000:abc123/v1/GET/*"
        },
        {
            "Sid": "Iam",
            "Effect": "Allow",
            "Action": "iam:PassRole",
            "Resource": "arn:aws:iam::000000000000:role/fn"
        },
        {
            "Sid": "S31",
            "Effect": "Allow",
            "Action": [
                "s3:GetObject",
                "s3:PutObject"
            ],
            "Resource": "arn:aws:s3:::b/k"
        },
        {
            "Sid": "S32",
            "Effect": "Allow",
            "Action": "s3:ListAllMyBuckets",
            "Resource": "*"
        }
    ]
}
`
	if d := cmp.Diff(want, Generate(calls).JSON()); d != "" {
		t.Fatalf("(-want +got):\n%s", d)
	}
}

func TestUnusedAndNeeded(t *testing.T) {
	policies := []Named{{Name: "api-gateway-user-policy", Document: `{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Action":"execute-api:Invoke","Resource":["` + api + `/v1/GET/hello","` + api + `/v1/POST/*"]},
		{"Sid":"Reads","Effect":"Allow","Action":["s3:Get*","s3:ListBucket"],"Resource":"*"},
		{"Effect":"Allow","NotAction":"iam:*","Resource":"*"},
		{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}`},
		{Name: "broken", Document: `{"Statement":`}}
	calls := []Call{
		{Action: "execute-api:invoke", Resource: api + "/v1/GET/hello", Allowed: true},
		{Action: "s3:GetObject", Resource: "arn:aws:s3:::b/k", Allowed: true},
		{Action: "lambda:InvokeFunction", Resource: "arn:aws:lambda:us-east-1:000000000000:function:f"},
		{Action: "lambda:InvokeFunction", Resource: "arn:aws:lambda:us-east-1:000000000000:function:f"},
	}
	unused, notes := Unused(policies, calls)
	want := []Grant{
		{Policy: "api-gateway-user-policy", Statement: 0, Action: "execute-api:Invoke", Resource: api + "/v1/POST/*"},
		{Policy: "api-gateway-user-policy", Statement: 1, Sid: "Reads", Action: "s3:ListBucket", Resource: "*"},
	}
	if d := cmp.Diff(want, unused); d != "" {
		t.Errorf("unused (-want +got):\n%s", d)
	}
	if len(notes) != 2 || notes[0] != "api-gateway-user-policy statement 2: NotAction/NotResource are not compared" {
		t.Errorf("notes = %q", notes)
	}
	needed := Needed(calls)
	if d := cmp.Diff([]Call{{Action: "lambda:InvokeFunction", Resource: "arn:aws:lambda:us-east-1:000000000000:function:f"}}, needed); d != "" {
		t.Errorf("needed (-want +got):\n%s", d)
	}
}

// FuzzGenerate: the generated policy allows every call it was made from
// (the property that makes the suggestion safe to apply), and names a
// resource exactly when only one was seen for an action.
func FuzzGenerate(f *testing.F) {
	f.Add("execute-api:Invoke", api+"/v1/GET/hello", api+"/v1/POST/items/1")
	f.Add("s3:GetObject", "arn:aws:s3:::b/k", "arn:aws:s3:::b/k/deeper")
	f.Add("logs:PutLogEvents", "arn:aws:logs:r:a:log-group:/g:log-stream:x", "arn:aws:logs:r:a:log-group:/g")
	f.Add("s3:ListBucket", "*", "not an arn")
	f.Add("a:b", "arn:aws:s3:::b/**?", "arn::::")
	f.Fuzz(func(t *testing.T, action, r1, r2 string) {
		if action == "" {
			return
		}
		calls := []Call{{Action: action, Resource: r1}, {Action: action, Resource: r2}}
		p := Generate(calls)
		for _, c := range calls {
			if c.Resource == "" {
				continue
			}
			ok := false
			for _, st := range p.Statement {
				for _, a := range st.Action {
					for _, r := range st.Resource {
						ok = ok || (arn.GlobFold(a, c.Action) && (r == "*" || arn.Glob(r, c.Resource) || r == c.Resource))
					}
				}
			}
			if !ok {
				t.Fatalf("generated policy does not allow %s on %q:\n%s", c.Action, c.Resource, p.JSON())
			}
		}
	})
}
