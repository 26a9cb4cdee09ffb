package storetest

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/iamgate/iamgate/internal/store"
)

// The helpers below are the decision log tests both SQL backends run on
// their own files and databases: the conversion of the log written before
// batches, and the retention bound on disk. The backends keep what differs
// (the old schema's DDL, how a row is inserted and counted).

// OldDecisions is n decisions as an old (one row per decision) log holds
// them: three principals, a repeated request id, every seventh audited.
func OldDecisions(n int) []store.Decision {
	t0 := time.Date(2026, 11, 30, 12, 0, 0, 5, time.UTC)
	ds := make([]store.Decision, n)
	for i := range ds {
		p := "arn:aws:iam::000000000000:user/u" + string(rune('a'+i%3))
		ds[i] = store.Decision{Time: t0.Add(time.Duration(i) * time.Second), RequestID: "req-" + string(rune('A'+i%26)), Principal: p, Caller: p,
			Action: "execute-api:Invoke", Resource: "arn:aws:execute-api:us-east-1:000000000000:abc/v1/GET/hello", Effect: "ImplicitDeny",
			Reason: "no identity-based policy allows", Audited: i%7 == 0}
	}
	return ds
}

// BadOldDecision is the seq of the row InsertOldDecisions adds, when asked,
// that does not decode: a conversion's error names it.
const BadOldDecision = 5000

// InsertOldDecisions writes ds into an old decision log through insert
// (seq, at, principal, value), numbered from 1000 as after trims, and, if
// bad, the row BadOldDecision that does not decode.
func InsertOldDecisions(tb testing.TB, insert func(seq int, at int64, principal string, value []byte) error, ds []store.Decision, bad bool) {
	tb.Helper()
	for i, d := range ds {
		v, err := json.Marshal(d)
		if err != nil {
			tb.Fatal(err)
		}
		if err := insert(1000+i, d.Time.UnixNano(), d.Principal, v); err != nil {
			tb.Fatal(err)
		}
	}
	if bad {
		if err := insert(BadOldDecision, 0, "p", []byte("{not json")); err != nil {
			tb.Fatal(err)
		}
	}
}

// CheckDecisions asserts that log answers q with want (any Seq, but
// increasing) and returns what it answered.
func CheckDecisions(t *testing.T, name string, log store.DecisionLog, q store.DecisionQuery, want ...store.Decision) []store.Decision {
	t.Helper()
	got, err := log.Decisions(context.Background(), q)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if diff := cmp.Diff(want, got, cmpopts.IgnoreFields(store.Decision{}, "Seq"), cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("%s (-want +got):\n%s", name, diff)
	}
	for i := 1; i < len(got); i++ {
		if got[i].Seq <= got[i-1].Seq {
			t.Errorf("%s: seqs not increasing: %d then %d", name, got[i-1].Seq, got[i].Seq)
		}
	}
	return got
}

// DecisionLogDropsOldRows asserts that the retention bound holds on disk,
// not only in what readers see: a row goes once all of its decisions are
// beyond keep, so a full log of keep holds at most one row more than
// keep's worth. batchRows counts log's batch rows.
func DecisionLogDropsOldRows(t *testing.T, log store.DecisionLog, batchRows func() (int, error)) {
	t.Helper()
	ctx := context.Background()
	const batch, batches, keep = 100, 20, 250
	t0 := time.Date(2026, 12, 4, 1, 0, 0, 0, time.UTC)
	for n := range batches {
		ds := make([]store.Decision, batch)
		for i := range ds {
			ds[i] = store.Decision{Time: t0.Add(time.Duration(n*batch+i) * time.Second), Principal: "p", Effect: "Allow"}
		}
		if err := log.AppendDecisions(ctx, ds, keep); err != nil {
			t.Fatal(err)
		}
	}
	got, err := log.Decisions(ctx, store.DecisionQuery{})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != keep || !got[0].Time.Equal(t0.Add((batch*batches-keep)*time.Second)) {
		first := "none"
		if len(got) > 0 {
			first = got[0].Time.String()
		}
		t.Fatalf("%d decisions from %s, want the newest %d", len(got), first, keep)
	}
	rows, err := batchRows()
	if err != nil {
		t.Fatal(err)
	}
	if rows > keep/batch+1 {
		t.Errorf("%d batch rows left for %d decisions of %d per row: old rows are not dropped", rows, keep, batch)
	}
}
