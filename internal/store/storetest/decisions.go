package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/iamgate/iamgate/internal/store"
)

// testDecisions: the decision log keeps what it is given in order, selects
// by principal and time, trims to the newest keep, and survives a reopen.
func testDecisions(t *testing.T, open Opener) {
	s := openStore(t, open)
	log, ok := s.(store.DecisionLog)
	if !ok {
		t.Fatalf("%T does not implement store.DecisionLog", s)
	}
	ctx := context.Background()
	t0 := time.Date(2026, 1, 2, 3, 4, 5, 600, time.UTC)
	d := func(i int, principal string) store.Decision {
		return store.Decision{Time: t0.Add(time.Duration(i) * time.Minute), RequestID: "r" + string(rune('0'+i)), Principal: principal,
			Caller: principal + "/session", Action: "s3:GetObject", Resource: "arn:aws:s3:::b/k", Effect: "Allow", Statement: "p#1"}
	}
	alice, bob := "arn:aws:iam::000000000000:user/alice", "arn:aws:iam::000000000000:role/bob"
	if err := log.AppendDecisions(ctx, []store.Decision{d(0, alice), d(1, bob), d(2, alice)}, 0); err != nil {
		t.Fatal(err)
	}
	denied := d(3, alice)
	denied.Effect, denied.Audited, denied.Reason = "ImplicitDeny", true, "no identity-based policy allows"
	if err := log.AppendDecisions(ctx, []store.Decision{denied}, 0); err != nil {
		t.Fatal(err)
	}
	check := func(name string, l store.DecisionLog, q store.DecisionQuery, want ...store.Decision) {
		t.Helper()
		CheckDecisions(t, name, l, q, want...)
	}
	check("all", log, store.DecisionQuery{}, d(0, alice), d(1, bob), d(2, alice), denied)
	check("by principal", log, store.DecisionQuery{Principal: alice}, d(0, alice), d(2, alice), denied)
	check("since", log, store.DecisionQuery{Principal: alice, Since: t0.Add(time.Minute)}, d(2, alice), denied)
	check("limit", log, store.DecisionQuery{Limit: 2}, d(0, alice), d(1, bob))
	check("unknown principal", log, store.DecisionQuery{Principal: "arn:aws:iam::000000000000:user/nobody"})

	if err := log.AppendDecisions(ctx, []store.Decision{d(4, bob)}, 3); err != nil {
		t.Fatal(err)
	}
	check("trimmed to keep", log, store.DecisionQuery{}, d(2, alice), denied, d(4, bob))

	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	reopened := openStore(t, open).(store.DecisionLog)
	check("after reopen", reopened, store.DecisionQuery{}, d(2, alice), denied, d(4, bob))
}
