package auth

import (
	"context"
	"testing"
	"time"
)

// TestServiceTrust: a service may take a role it is passed (Lambda an
// execution role, CloudFormation a service role) only when the role's trust
// policy lets that service principal call sts:AssumeRole; a trust policy
// that does not parse allows nothing.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_terms-and-concepts.html#iam-term-trust-policy
func TestServiceTrust(t *testing.T) {
	const role = "arn:aws:iam::000000000000:role/r"
	a := NewService(newIAM(t), time.Now)
	trust := func(principal string) string {
		return `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":` + principal + `,"Action":"sts:AssumeRole"}]}`
	}
	cases := []struct {
		name, doc, service string
		want               bool
	}{
		{"lambda trusted", trust(`{"Service":"lambda.amazonaws.com"}`), "lambda.amazonaws.com", true},
		{"list of services", trust(`{"Service":["ec2.amazonaws.com","cloudformation.amazonaws.com"]}`), "cloudformation.amazonaws.com", true},
		{"other service", trust(`{"Service":"ec2.amazonaws.com"}`), "lambda.amazonaws.com", false},
		{"account root is not the service", trust(`{"AWS":"arn:aws:iam::000000000000:root"}`), "lambda.amazonaws.com", false},
		{"explicit deny wins", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"},{"Effect":"Deny","Principal":"*","Action":"sts:AssumeRole"}]}`, "lambda.amazonaws.com", false},
		{"other action", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:TagSession"}]}`, "lambda.amazonaws.com", false},
		{"not a policy", `{`, "lambda.amazonaws.com", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d, err := a.Authorize(context.Background(), ServiceCaller(c.service), TrustRequest(role, c.doc))
			if got := err == nil && d.Allowed; got != c.want {
				t.Errorf("allowed = %v (err %v), want %v", got, err, c.want)
			}
		})
	}
}
