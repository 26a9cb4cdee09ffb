package arn

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// corpus pins every ARN form that must keep parsing, from
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html and the
// execute-api form in
// https://docs.aws.amazon.com/apigateway/latest/developerguide/arn-format-reference.html
var corpus = []struct {
	in   string
	want ARN
}{
	{"arn:aws:iam::123456789012:user/johndoe", ARN{"aws", "iam", "", "123456789012", "user/johndoe"}},
	{"arn:aws:iam::123456789012:root", ARN{"aws", "iam", "", "123456789012", "root"}},
	{"arn:aws:iam::123456789012:role/path/to/name", ARN{"aws", "iam", "", "123456789012", "role/path/to/name"}},
	{"arn:aws:sts::123456789012:assumed-role/r/session", ARN{"aws", "sts", "", "123456789012", "assumed-role/r/session"}},
	{"arn:aws:sts::123456789012:federated-user/bob", ARN{"aws", "sts", "", "123456789012", "federated-user/bob"}},
	{"arn:aws:s3:::my_corporate_bucket/exampleobject.png", ARN{"aws", "s3", "", "", "my_corporate_bucket/exampleobject.png"}},
	{"arn:aws:execute-api:us-east-1:000000000000:abc123defg/v1/GET/hello", ARN{"aws", "execute-api", "us-east-1", "000000000000", "abc123defg/v1/GET/hello"}},
	{"arn:aws:execute-api:us-east-1:000000000000:abc123defg/*/*/*", ARN{"aws", "execute-api", "us-east-1", "000000000000", "abc123defg/*/*/*"}},
	{"arn:aws:lambda:us-east-1:123456789012:function:my-fn:PROD", ARN{"aws", "lambda", "us-east-1", "123456789012", "function:my-fn:PROD"}},
	{"arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/f:*", ARN{"aws", "logs", "us-east-1", "123456789012", "log-group:/aws/lambda/f:*"}},
	{"arn:aws-cn:ec2:cn-north-1:123456789012:instance/i-1", ARN{"aws-cn", "ec2", "cn-north-1", "123456789012", "instance/i-1"}},
	{"arn:aws-us-gov:s3:::b", ARN{"aws-us-gov", "s3", "", "", "b"}},
	{"arn:aws:apigateway:us-east-1::/restapis/abc/stages/v1", ARN{"aws", "apigateway", "us-east-1", "", "/restapis/abc/stages/v1"}},
	{"arn:*:*:*:*:*", ARN{"*", "*", "*", "*", "*"}},
}

func TestParseCorpus(t *testing.T) {
	for _, tc := range corpus {
		t.Run(tc.in, func(t *testing.T) {
			got, err := Parse(tc.in)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("Parse mismatch (-want +got):\n%s", diff)
			}
			if s := got.String(); s != tc.in {
				t.Errorf("String() = %q, want %q", s, tc.in)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	for name, in := range map[string]string{
		"empty":           "",
		"no prefix":       "aws:iam::123:user/x",
		"wrong prefix":    "arm:aws:iam::123:user/x",
		"too few parts":   "arn:aws:iam::123",
		"empty partition": "arn::iam::123:user/x",
		"empty service":   "arn:aws:::123:user/x",
		"empty resource":  "arn:aws:iam::123:",
		"star":            "*",
	} {
		t.Run(name, func(t *testing.T) {
			_, err := Parse(in)
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("Parse(%q) error = %v, want ErrMalformed", in, err)
			}
		})
	}
}

func TestMatch(t *testing.T) {
	const api = "arn:aws:execute-api:us-east-1:000000000000:abc123defg/v1/GET/hello"
	cases := []struct {
		name, pattern, arn string
		want               bool
	}{
		{"exact", api, api, true},
		{"star", "*", api, true},
		{"all segments star", "arn:*:*:*:*:*", api, true},
		{"resource star spans slashes", "arn:aws:execute-api:us-east-1:000000000000:*", api, true},
		{"api star", "arn:aws:execute-api:us-east-1:000000000000:abc123defg/*", api, true},
		{"stage method path", "arn:aws:execute-api:us-east-1:000000000000:abc123defg/*/GET/*", api, true},
		{"method mismatch", "arn:aws:execute-api:us-east-1:000000000000:abc123defg/*/POST/*", api, false},
		{"region wildcard", "arn:aws:execute-api:*:000000000000:abc123defg/v1/GET/hello", api, true},
		{"region star does not cross colon", "arn:aws:execute-api:*:abc123defg/v1/GET/hello", api, false},
		{"question mark", "arn:aws:execute-api:us-east-?:000000000000:abc123defg/v?/GET/hello", api, true},
		{"question mark needs one char", "arn:aws:execute-api:us-east-1?:000000000000:abc123defg/v1/GET/hello", api, false},
		{"case sensitive", "arn:aws:execute-api:us-east-1:000000000000:abc123defg/v1/get/hello", api, false},
		{"account mismatch", "arn:aws:execute-api:us-east-1:111111111111:*", api, false},
		{"resource spans colon", "arn:aws:lambda:us-east-1:1:function:*", "arn:aws:lambda:us-east-1:1:function:f:PROD", true},
		{"empty region needs empty", "arn:aws:s3:::b/*", "arn:aws:s3:::b/k/x", true},
		{"star matches empty segment", "arn:aws:s3:*:*:b", "arn:aws:s3:::b", true},
		{"pattern shorter than arn", "arn:aws:s3", "arn:aws:s3:::b", false},
		{"trailing path mismatch", "arn:aws:execute-api:us-east-1:000000000000:abc123defg/v1/GET/hello", api + "/x", false},
		{"path prefix star", "arn:aws:execute-api:us-east-1:000000000000:abc123defg/v1/GET/hel*", api, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := Match(tc.pattern, tc.arn); got != tc.want {
				t.Errorf("Match(%q, %q) = %v, want %v", tc.pattern, tc.arn, got, tc.want)
			}
		})
	}
}

func TestGlob(t *testing.T) {
	cases := []struct {
		pattern, s string
		fold, want bool
	}{
		{"", "", false, true},
		{"", "a", false, false},
		{"*", "", false, true},
		{"a*b*c", "aXXbYYc", false, true},
		{"a*b*c", "aXXbYY", false, false},
		{"??", "ab", false, true},
		{"??", "abc", false, false},
		{"?", "é", false, true},
		{"**a", "bbba", false, true},
		{"execute-api:*", "execute-api:Invoke", false, true},
		{"Execute-API:invoke", "execute-api:Invoke", true, true},
		{"Execute-API:invoke", "execute-api:Invoke", false, false},
		{"s3:Get*", "s3:getobject", true, true},
		{"ÉCOLE", "école", true, true},
		{"*a*a*a*a*a*a*a*a*b", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", false, false},
	}
	for _, tc := range cases {
		t.Run(tc.pattern+"~"+tc.s, func(t *testing.T) {
			if got := glob(tc.pattern, tc.s, tc.fold); got != tc.want {
				t.Errorf("glob(%q, %q, fold=%v) = %v, want %v", tc.pattern, tc.s, tc.fold, got, tc.want)
			}
		})
	}
}
