package iampolicy

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/iamgate/iamgate/internal/iampolicy/condition"
)

// The seed's inline policy (shared/seed/template.yaml) after !Sub.
const seedPolicy = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"execute-api:Invoke","Resource":"arn:aws:execute-api:us-east-1:000000000000:abc123defg/v1/GET/hello"}]}`

func TestParseSeed(t *testing.T) {
	p, err := Parse([]byte(seedPolicy), IdentityPolicy)
	if err != nil {
		t.Fatal(err)
	}
	want := &Policy{Kind: IdentityPolicy, Version: "2012-10-17", Statements: []Statement{{
		Effect:   "Allow",
		Action:   []string{"execute-api:Invoke"},
		Resource: []string{"arn:aws:execute-api:us-east-1:000000000000:abc123defg/v1/GET/hello"},
	}}}
	if diff := cmp.Diff(want, p, cmpopts.IgnoreUnexported(condition.Clause{}, Statement{})); diff != "" {
		t.Errorf("Parse mismatch (-want +got):\n%s", diff)
	}
}

func TestParseShapes(t *testing.T) {
	doc := `{"Version":"2008-10-17","Id":"x","Statement":{"Sid":"A b","Effect":"Deny","NotPrincipal":{"AWS":["123456789012","arn:aws:iam::123456789012:user/u"],"Service":"s3.amazonaws.com"},
	  "NotAction":["s3:*"],"NotResource":"arn:aws:s3:::b/*","Condition":{"Bool":{"aws:SecureTransport":false},"NumericLessThan":{"s3:max-keys":10}}}}`
	p, err := Parse([]byte(doc), ResourcePolicy)
	if err != nil {
		t.Fatal(err)
	}
	st := p.Statements[0]
	if diff := cmp.Diff(&Principals{AWS: []string{"123456789012", "arn:aws:iam::123456789012:user/u"}, Service: []string{"s3.amazonaws.com"}}, st.NotPrincipal); diff != "" {
		t.Errorf("NotPrincipal (-want +got):\n%s", diff)
	}
	var got [][]string
	for _, c := range st.Condition {
		got = append(got, append([]string{c.Operator, c.Key}, c.Values...))
	}
	want := [][]string{{"Bool", "aws:SecureTransport", "false"}, {"NumericLessThan", "s3:max-keys", "10"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Condition (-want +got):\n%s", diff)
	}
}

// TestParseErrors pins IAM's MalformedPolicyDocument messages. Sources for the
// wordings: hashicorp/terraform-provider-aws#10419 (principal),
// 99designs/iamy#74 (syntax), and moto/iam/policy_validation.py, which was
// written against IAM's answers; the "Has prohibited field" form is the one
// quoted in hashicorp/terraform#4730.
func TestParseErrors(t *testing.T) {
	const (
		v  = `"Version":"2012-10-17",`
		ok = `"Effect":"Allow","Action":"s3:GetObject","Resource":"*"`
	)
	cases := []struct {
		name string
		kind Kind
		doc  string
		want string
	}{
		{"not json", IdentityPolicy, `{`, msgSyntax},
		{"null", IdentityPolicy, `null`, msgSyntax},
		{"array", IdentityPolicy, `[]`, msgSyntax},
		{"trailing", IdentityPolicy, `{` + v + `"Statement":{` + ok + `}} x`, msgSyntax},
		{"unknown top element", IdentityPolicy, `{` + v + `"Foo":1,"Statement":{` + ok + `}}`, msgSyntax},
		{"bad version", IdentityPolicy, `{"Version":"2012-10-18","Statement":{` + ok + `}}`, msgSyntax},
		{"version not string", IdentityPolicy, `{"Version":2012,"Statement":{` + ok + `}}`, msgSyntax},
		{"no statement", IdentityPolicy, `{` + v[:len(v)-1] + `}`, msgSyntax},
		{"empty statement list", IdentityPolicy, `{` + v + `"Statement":[]}`, msgSyntax},
		{"statement string", IdentityPolicy, `{` + v + `"Statement":"x"}`, msgSyntax},
		{"unknown statement element", IdentityPolicy, `{` + v + `"Statement":{` + ok + `,"Foo":"x"}}`, msgSyntax},
		{"missing effect", IdentityPolicy, `{` + v + `"Statement":{"Action":"s3:GetObject","Resource":"*"}}`, msgSyntax},
		{"bad effect", IdentityPolicy, `{` + v + `"Statement":{"Effect":"Permit","Action":"s3:GetObject","Resource":"*"}}`, msgSyntax},
		{"effect lower case", IdentityPolicy, `{` + v + `"Statement":{"Effect":"allow","Action":"s3:GetObject","Resource":"*"}}`, msgLegacy},
		{"action and notaction", IdentityPolicy, `{` + v + `"Statement":{` + ok + `,"NotAction":"s3:x"}}`, msgSyntax},
		{"resource and notresource", IdentityPolicy, `{` + v + `"Statement":{` + ok + `,"NotResource":"*"}}`, msgSyntax},
		{"action number", IdentityPolicy, `{` + v + `"Statement":{"Effect":"Allow","Action":1,"Resource":"*"}}`, msgSyntax},
		{"action list with number", IdentityPolicy, `{` + v + `"Statement":{"Effect":"Allow","Action":["s3:x",1],"Resource":"*"}}`, msgSyntax},
		{"condition not object", IdentityPolicy, `{` + v + `"Statement":{` + ok + `,"Condition":"x"}}`, msgSyntax},
		{"condition unknown operator", IdentityPolicy, `{` + v + `"Statement":{` + ok + `,"Condition":{"StringEqualz":{"a:b":"c"}}}}`, msgSyntax},
		{"condition IfExists on Null", IdentityPolicy, `{` + v + `"Statement":{` + ok + `,"Condition":{"NullIfExists":{"a:b":"true"}}}}`, msgSyntax},
		{"condition nested object", IdentityPolicy, `{` + v + `"Statement":{` + ok + `,"Condition":{"StringEquals":{"a:b":{"c":"d"}}}}}`, msgSyntax},
		{"principal in identity policy", IdentityPolicy, `{` + v + `"Statement":{` + ok + `,"Principal":"*"}}`, msgNoPrincipal},
		{"notprincipal in boundary", PermissionsBoundary, `{` + v + `"Statement":{` + ok + `,"NotPrincipal":{"AWS":"*"}}}`, msgNoPrincipal},
		{"principal in session policy", SessionPolicy, `{` + v + `"Statement":{` + ok + `,"Principal":{"AWS":"*"}}}`, msgNoPrincipal},
		{"duplicate sid", IdentityPolicy, `{` + v + `"Statement":[{"Sid":"A",` + ok + `},{"Sid":"A",` + ok + `}]}`, msgSidUnique},
		{"sid not alnum", IdentityPolicy, `{` + v + `"Statement":[{"Sid":"a-b",` + ok + `}]}`, msgSidAlnum},
		{"no action", IdentityPolicy, `{` + v + `"Statement":{"Effect":"Allow","Resource":"*"}}`, msgNeedActions},
		{"empty action list", IdentityPolicy, `{` + v + `"Statement":{"Effect":"Allow","Action":[],"Resource":"*"}}`, msgNeedActions},
		{"no resource", IdentityPolicy, `{` + v + `"Statement":{"Effect":"Allow","Action":"s3:GetObject"}}`, msgNeedResources},
		{"empty resource list", IdentityPolicy, `{` + v + `"Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":[]}}`, msgNeedResources},
		{"action without vendor", IdentityPolicy, `{` + v + `"Statement":{"Effect":"Allow","Action":"GetObject","Resource":"*"}}`, msgVendorPreface},
		{"action two colons", IdentityPolicy, `{` + v + `"Statement":{"Effect":"Allow","Action":"s3:a:b","Resource":"*"}}`, msgOneColon},
		{"bad vendor", IdentityPolicy, `{` + v + `"Statement":{"Effect":"Allow","Action":"s 3:Get","Resource":"*"}}`, `Vendor s 3 is not valid`},
		{"resource not arn", IdentityPolicy, `{` + v + `"Statement":{"Effect":"Allow","Action":"s3:Get","Resource":"bucket"}}`, `Resource bucket must be in ARN format or "*".`},
		{"bad partition", IdentityPolicy, `{` + v + `"Statement":{"Effect":"Allow","Action":"s3:Get","Resource":"arn:x:s3:::b"}}`, `Partition "x" is not valid for resource "arn:x:s3:::b".`},
		{"wildcard vendor", IdentityPolicy, `{` + v + `"Statement":{"Effect":"Allow","Action":"s3:Get","Resource":"arn:aws:s*:::b"}}`, msgResourceVendor},
		{"iam region", IdentityPolicy, `{` + v + `"Statement":{"Effect":"Allow","Action":"iam:Get","Resource":"arn:aws:iam:us-east-1:1:user/x"}}`, "IAM resource arn:aws:iam:us-east-1:1:user/x cannot contain region information."},
		{"s3 region", IdentityPolicy, `{` + v + `"Statement":{"Effect":"Allow","Action":"s3:Get","Resource":"arn:aws:s3:us-east-1::b"}}`, "Resource arn:aws:s3:us-east-1::b can not contain region information."},
		{"iam path", IdentityPolicy, `{` + v + `"Statement":{"Effect":"Allow","Action":"iam:Get","Resource":"arn:aws:iam::1:thing/x"}}`, msgResourceIAMPath},
		{"trust without principal", TrustPolicy, `{` + v + `"Statement":{"Effect":"Allow","Action":"sts:AssumeRole"}}`, msgNeedPrincipal},
		{"trust with resource", TrustPolicy, `{` + v + `"Statement":{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole","Resource":"*"}}`, msgTrustResource},
		{"trust non-sts action", TrustPolicy, `{` + v + `"Statement":{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"s3:GetObject"}}`, msgTrustAction},
		{"trust bad principal", TrustPolicy, `{` + v + `"Statement":{"Effect":"Allow","Principal":{"AWS":"bob"},"Action":"sts:AssumeRole"}}`, `Invalid principal in policy: "AWS":"bob"`},
		{"resource without principal", ResourcePolicy, `{` + v + `"Statement":{` + ok + `}}`, msgNeedPrincipal},
		{"principal bad key", ResourcePolicy, `{` + v + `"Statement":{` + ok + `,"Principal":{"Users":"x"}}}`, msgSyntax},
		{"principal string not star", ResourcePolicy, `{` + v + `"Statement":{` + ok + `,"Principal":"arn:aws:iam::123456789012:root"}}`, msgSyntax},
		{"principal and notprincipal", ResourcePolicy, `{` + v + `"Statement":{` + ok + `,"Principal":"*","NotPrincipal":"*"}}`, msgSyntax},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse([]byte(tc.doc), tc.kind)
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("Parse error = %v, want *ParseError %q", err, tc.want)
			}
			if pe.Message != tc.want {
				t.Errorf("message = %q, want %q", pe.Message, tc.want)
			}
			if pe.Code() != "MalformedPolicyDocument" {
				t.Errorf("code = %q", pe.Code())
			}
		})
	}
}

func TestParseAccepts(t *testing.T) {
	cases := []struct {
		name string
		kind Kind
		doc  string
	}{
		{"trust lambda", TrustPolicy, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":["lambda.amazonaws.com"]},"Action":["sts:AssumeRole"]}]}`},
		{"trust no version", TrustPolicy, `{"Statement":[{"Effect":"Allow","Principal":{"AWS":"123456789012"},"Action":"sts:AssumeRole"}]}`},
		{"trust old version", TrustPolicy, `{"Version":"2008-10-17","Statement":[{"Sid":"","Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`},
		{"apigw resource policy", ResourcePolicy, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"execute-api:Invoke","Resource":"execute-api:/*"}]}`},
		{"resource policy deny ip", ResourcePolicy, `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"execute-api:Invoke","Resource":"execute-api:/*/*/*","Condition":{"NotIpAddress":{"aws:SourceIp":["192.0.2.0/24","2001:db8::/32"]}}}]}`},
		{"star action", IdentityPolicy, `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}`},
		{"wildcard vendor action", IdentityPolicy, `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*:Get*","Resource":"*"}}`},
		{"unknown empty operator", IdentityPolicy, `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"Whatever":{}}}}`},
		{"case-insensitive operator", IdentityPolicy, `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"forAnyValue:stringlikeIfExists":{"aws:TagKeys":["a*"]}}}}`},
		{"iam variable path", IdentityPolicy, `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"iam:*AccessKey*","Resource":"arn:aws:iam::*:user/${aws:username}"}}`},
		// Inline policies need no Version (reference_policies_elements_version.html:
		// without it the 2008-10-17 language applies); only managed ones do.
		{"identity no version", IdentityPolicy, `{"Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}}`},
		{"identity old version", IdentityPolicy, `{"Version":"2008-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}}`},
		{"empty sid", IdentityPolicy, `{"Version":"2012-10-17","Statement":[{"Sid":"","Effect":"Allow","Action":"s3:*","Resource":"*"},{"Sid":"","Effect":"Allow","Action":"s3:*","Resource":"*"}]}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := Parse([]byte(tc.doc), tc.kind); err != nil {
				t.Fatalf("Parse: %v", err)
			}
		})
	}
}
