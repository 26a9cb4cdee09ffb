package iampolicy

import "testing"

// Without Version (or with 2008-10-17) the older language applies: "${...}"
// is literal text, not a policy variable
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_version.html).
func TestVersionlessPolicyHasNoVariables(t *testing.T) {
	user := Principal{ARN: "arn:aws:iam::000000000000:user/alice", AccountID: "000000000000", Type: TypeUser, Username: "alice"}
	stmt := `"Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/${aws:username}/*"}`
	cases := []struct {
		name, doc, resource string
		want                Effect
	}{
		{"current substitutes", `{"Version":"2012-10-17",` + stmt + `}`, "arn:aws:s3:::b/alice/k", Allow},
		{"absent is literal", `{` + stmt + `}`, "arn:aws:s3:::b/alice/k", ImplicitDeny},
		{"absent matches the literal text", `{` + stmt + `}`, "arn:aws:s3:::b/${aws:username}/k", Allow},
		{"2008 is literal", `{"Version":"2008-10-17",` + stmt + `}`, "arn:aws:s3:::b/alice/k", ImplicitDeny},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := MustParse(tc.doc, IdentityPolicy)
			d := Evaluate(&Request{Principal: user, Action: "s3:GetObject", Resource: tc.resource},
				Set{Identity: []Named{{Name: "p", Policy: p}}})
			if d.Effect != tc.want {
				t.Errorf("%s: %v, want %v", tc.resource, d.Effect, tc.want)
			}
		})
	}
}
