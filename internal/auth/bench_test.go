package auth

import (
	"context"
	"testing"
	"time"
)

// BenchmarkAuthorize is the hot path of a signed request once the caller is
// resolved: the policy set from the compiled-policy cache, then one
// evaluation. Timings are reported, never asserted.
func BenchmarkAuthorize(b *testing.B) {
	ctx := context.Background()
	svc := newIAM(b)
	a := NewService(svc, time.Now)
	svc.CreateUser(ctx, "bench", "/", nil, "")
	svc.PutUserPolicy(ctx, "bench", "p", invokeHello)
	key, _ := svc.CreateAccessKey(ctx, "bench")
	p, err := svc.Principal(ctx, key.AccessKeyID)
	if err != nil {
		b.Fatal(err)
	}
	c := callerOfPrincipal(p, key.AccessKeyID)
	req := Request{Action: "execute-api:Invoke", Resource: "arn:aws:execute-api:us-east-1:000000000000:abc/v1/GET/hello",
		ResourcePolicies: []Policy{{Name: "resource policy", Document: `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"execute-api:Invoke","Resource":"arn:aws:execute-api:us-east-1:000000000000:abc/v1/GET/secret"}]}`}}}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if d, err := a.Authorize(ctx, c, req); err != nil || !d.Allowed {
			b.Fatal(d, err)
		}
	}
}

// BenchmarkAuthorizeManaged is a caller with AWS's ReadOnlyAccess attached
// (a large managed policy) asking for execute-api:Invoke, which it does not
// allow, the caller resolved per request as Authenticate resolves it (from
// iam's cache). Timings are reported, never asserted.
func BenchmarkAuthorizeManaged(b *testing.B) {
	ctx := context.Background()
	svc := newIAM(b)
	a := NewService(svc, time.Now)
	svc.CreateUser(ctx, "reader", "/", nil, "")
	if err := svc.AttachUserPolicy(ctx, "reader", "arn:aws:iam::aws:policy/ReadOnlyAccess"); err != nil {
		b.Fatal(err)
	}
	key, _ := svc.CreateAccessKey(ctx, "reader")
	req := Request{Action: "execute-api:Invoke", Resource: "arn:aws:execute-api:us-east-1:000000000000:abc/v1/GET/hello"}
	b.ReportAllocs()
	for b.Loop() {
		p, err := svc.Principal(ctx, key.AccessKeyID)
		if err != nil {
			b.Fatal(err)
		}
		if d, err := a.Authorize(ctx, callerOfPrincipal(p, key.AccessKeyID), req); err != nil || d.Allowed {
			b.Fatal(d.Allowed, err)
		}
	}
}
