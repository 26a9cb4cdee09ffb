package auth

import (
	"context"
	"encoding/json"
	"testing"
	"time"
)

// TestContextKeysAreEvaluated: the keys Caller.ContextKeys hands a trace
// are the keys the evaluation read, with the same values. For each caller,
// a policy that allows only when every key has exactly the value
// ContextKeys gave must allow, and changing any one value must deny. A role
// session's aws:PrincipalArn is its role's ARN, a user's tags are
// aws:PrincipalTag/KEY, aws:username is a user's only
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html).
func TestContextKeysAreEvaluated(t *testing.T) {
	ctx := context.Background()
	svc := newIAM(t)
	a := NewService(svc, time.Now)
	if _, err := svc.CreateUser(ctx, "alice", "/team/", map[string]string{"dept": "eng"}, ""); err != nil {
		t.Fatal(err)
	}
	key, err := svc.CreateAccessKey(ctx, "alice")
	if err != nil {
		t.Fatal(err)
	}
	p, err := svc.Principal(ctx, key.AccessKeyID)
	if err != nil {
		t.Fatal(err)
	}
	user := func() *Caller {
		p, err := svc.Principal(ctx, key.AccessKeyID)
		if err != nil {
			t.Fatal(err)
		}
		return callerOfPrincipal(p, key.AccessKeyID)
	}
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"cloudformation.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
	role, err := svc.CreateRole(ctx, "deployer", "/cfn/", trust, "", time.Hour, "")
	if err != nil {
		t.Fatal(err)
	}
	session := func() *Caller {
		c, err := a.RoleCaller(ctx, role.ARN, "stack-1")
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	for _, tc := range []struct {
		name   string
		caller func() *Caller // resolved anew: a resolved caller keeps its policies
		attach func(doc string) error
		want   map[string]string // keys that must be among ContextKeys'
		absent []string
	}{
		{"user", user, func(doc string) error { return svc.PutUserPolicy(ctx, "alice", "p", doc) },
			map[string]string{"aws:PrincipalArn": "arn:aws:iam::000000000000:user/team/alice", "aws:username": "alice",
				"aws:PrincipalType": "User", "aws:PrincipalAccount": "000000000000", "aws:userid": p.UserID, "aws:PrincipalTag/dept": "eng"}, nil},
		{"role session", session, func(doc string) error { return svc.PutRolePolicy(ctx, "deployer", "p", doc) },
			map[string]string{"aws:PrincipalArn": "arn:aws:iam::000000000000:role/cfn/deployer", "aws:PrincipalType": "AssumedRole",
				"aws:userid": role.RoleID + ":stack-1"}, []string{"aws:username"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := map[string]string{}
			tc.caller().ContextKeys(func(k, v string) {
				if _, dup := got[k]; dup {
					t.Errorf("key %s given twice", k)
				}
				got[k] = v
			})
			for k, v := range tc.want {
				if got[k] != v {
					t.Errorf("%s = %q, want %q", k, got[k], v)
				}
			}
			for _, k := range tc.absent {
				if _, ok := got[k]; ok {
					t.Errorf("%s = %q, want none", k, got[k])
				}
			}
			allowIf := func(cond map[string]string) string {
				c, _ := json.Marshal(cond)
				return `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"StringEquals":` + string(c) + `}}]}`
			}
			decide := func(cond map[string]string) bool {
				t.Helper()
				if err := tc.attach(allowIf(cond)); err != nil {
					t.Fatal(err)
				}
				d, err := a.Authorize(ctx, tc.caller(), Request{Action: "s3:GetObject", Resource: "*"})
				if err != nil {
					t.Fatal(err)
				}
				return d.Allowed
			}
			if !decide(got) {
				t.Fatalf("denied with the condition %v: the evaluation read other values", got)
			}
			for k := range got {
				other := map[string]string{}
				for k2, v := range got {
					other[k2] = v
				}
				other[k] += "-not"
				if decide(other) {
					t.Errorf("allowed with %s = %q: the evaluation did not read the key", k, other[k])
				}
			}
		})
	}
}
