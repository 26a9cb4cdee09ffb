package iampolicy

import "testing"

func TestServiceMayAssume(t *testing.T) {
	const role = "arn:aws:iam::000000000000:role/r"
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
			if got := ServiceMayAssume(c.doc, c.service, role); got != c.want {
				t.Errorf("ServiceMayAssume = %v, want %v", got, c.want)
			}
		})
	}
}
