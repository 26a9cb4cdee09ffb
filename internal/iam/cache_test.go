package iam

import (
	"testing"
	"time"

	"github.com/iamgate/iamgate/internal/seal"
)

// TestIdentityCache: a change made through a Service is seen by it at once;
// a replica over the same store sees it within cacheTTL, as IAM's own
// eventual consistency allows.
func TestIdentityCache(t *testing.T) {
	a := newFixture(t, "")
	sl, err := seal.Open(a.dir)
	if err != nil {
		t.Fatal(err)
	}
	b := New(a.st, sl, Options{AccountID: acct, Now: a.clock.Now})
	if _, err := a.svc.CreateUser(ctx, "cache", "/", nil, ""); err != nil {
		t.Fatal(err)
	}
	key, err := a.svc.CreateAccessKey(ctx, "cache")
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []*Service{a.svc, b} {
		if p, err := s.Principal(ctx, key.AccessKeyID); err != nil || len(p.Identity) != 0 {
			t.Fatalf("before: %+v %v", p, err)
		}
	}
	doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`
	if err := a.svc.PutUserPolicy(ctx, "cache", "all", doc); err != nil {
		t.Fatal(err)
	}
	if p, _ := a.svc.Principal(ctx, key.AccessKeyID); len(p.Identity) != 1 {
		t.Errorf("the writer does not see its own change at once: %+v", p.Identity)
	}
	// Within cacheTTL the replica may still serve what it cached; once the
	// (injected) clock has moved past it, it reads the store again.
	a.clock.now = a.clock.now.Add(cacheTTL - time.Millisecond)
	if p, err := b.Principal(ctx, key.AccessKeyID); err != nil || len(p.Identity) != 0 {
		t.Errorf("replica re-read before cacheTTL: %+v %v", p.Identity, err)
	}
	a.clock.now = a.clock.now.Add(time.Millisecond)
	if p, err := b.Principal(ctx, key.AccessKeyID); err != nil || len(p.Identity) != 1 {
		t.Errorf("replica still stale after cacheTTL: %+v %v", p.Identity, err)
	}
	if err := a.svc.DeleteAccessKey(ctx, "cache", key.AccessKeyID); err != nil {
		t.Fatal(err)
	}
	if _, found, err := a.svc.LookupKey(ctx, key.AccessKeyID); err != nil || found {
		t.Errorf("a deleted key is still found by the writer: %v %v", found, err)
	}
}
