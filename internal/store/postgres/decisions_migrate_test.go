package postgres_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/jackc/pgx/v5"

	"github.com/iamgate/iamgate/internal/store"
	"github.com/iamgate/iamgate/internal/store/postgres"
)

// oldSchema is the decision log as databases before batches hold it.
const oldSchema = `
CREATE TABLE decisions (
	seq       BIGSERIAL PRIMARY KEY,
	at        BIGINT NOT NULL,
	principal TEXT COLLATE "C" NOT NULL,
	value     BYTEA NOT NULL
);
CREATE INDEX decisions_principal_at ON decisions (principal, at);`

// oldDatabase makes a schema of its own holding the old decision log with
// ds (numbered from 1000, as after trims) and, if bad, a row that does not
// decode; it returns the DSN that reaches it.
func oldDatabase(t *testing.T, ds []store.Decision, bad bool) string {
	t.Helper()
	base := dsn(t)
	sum := sha256.Sum256([]byte(t.Name()))
	schema := "old_" + hex.EncodeToString(sum[:8])
	ctx := context.Background()
	c, err := pgx.Connect(ctx, base)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(ctx)
	if _, err := c.Exec(ctx, "DROP SCHEMA IF EXISTS "+schema+" CASCADE; CREATE SCHEMA "+schema+"; SET search_path = "+schema+";"+oldSchema); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if c, err := pgx.Connect(context.Background(), base); err == nil {
			c.Exec(context.Background(), "DROP SCHEMA IF EXISTS "+schema+" CASCADE")
			c.Close(context.Background())
		}
	})
	ins := `INSERT INTO decisions (seq, at, principal, value) VALUES ($1, $2, $3, $4)`
	for i, d := range ds {
		v, err := json.Marshal(d)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.Exec(ctx, ins, 1000+i, d.Time.UnixNano(), d.Principal, v); err != nil {
			t.Fatal(err)
		}
	}
	if bad {
		if _, err := c.Exec(ctx, ins, 5000, 0, "p", []byte("{not json")); err != nil {
			t.Fatal(err)
		}
	}
	return withSearchPath(base, schema)
}

func oldLog(n int) []store.Decision {
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

// An old database's decisions survive Open, in order, all of them (more
// than one batch's worth); the old table is gone, new decisions follow
// them, the retention bound counts both, and a second Open converts
// nothing.
func TestOpenConvertsOldDecisionLog(t *testing.T) {
	old := oldLog(600)
	d := oldDatabase(t, old, false)
	ctx := context.Background()
	s, err := postgres.Open(ctx, d)
	if err != nil {
		t.Fatal(err)
	}
	check := func(name string, s *postgres.Store, want []store.Decision) []store.Decision {
		t.Helper()
		got, err := s.Decisions(ctx, store.DecisionQuery{})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if diff := cmp.Diff(want, got, cmpopts.IgnoreFields(store.Decision{}, "Seq"), cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("%s (-want +got):\n%s", name, diff)
		}
		return got
	}
	check("converted", s, old)
	more := oldLog(3)
	if err := s.AppendDecisions(ctx, more, 500); err != nil {
		t.Fatal(err)
	}
	got := check("appended and trimmed", s, append(append([]store.Decision(nil), old[103:]...), more...))
	s.Close()
	if s, err = postgres.Open(ctx, d); err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	check("reopened", s, got)
}

// A row that does not decode stops Open, saying which, and the old table
// stays as it was.
func TestOpenKeepsUnreadableOldDecisionLog(t *testing.T) {
	d := oldDatabase(t, oldLog(3), true)
	ctx := context.Background()
	s, err := postgres.Open(ctx, d)
	if err == nil {
		s.Close()
		t.Fatal("Open succeeded over an undecodable decision")
	}
	if !strings.Contains(err.Error(), "decision 5000") {
		t.Errorf("error %q does not name the row", err)
	}
	c, err := pgx.Connect(ctx, d)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(ctx)
	var n int
	if err := c.QueryRow(ctx, `SELECT count(*) FROM decisions`).Scan(&n); err != nil || n != 4 {
		t.Errorf("old table holds %d rows (%v), want 4", n, err)
	}
}

// The retention bound holds on disk, not only in what readers see: a row
// goes once all of its decisions are beyond keep.
func TestDecisionLogDropsOldRows(t *testing.T) {
	d := oldDatabase(t, nil, false) // an empty old log: converted to nothing
	ctx := context.Background()
	s, err := postgres.Open(ctx, d)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	const batch, batches, keep = 100, 20, 250
	t0 := time.Date(2026, 12, 4, 1, 0, 0, 0, time.UTC)
	for n := range batches {
		ds := make([]store.Decision, batch)
		for i := range ds {
			ds[i] = store.Decision{Time: t0.Add(time.Duration(n*batch+i) * time.Second), Principal: "p", Effect: "Allow"}
		}
		if err := s.AppendDecisions(ctx, ds, keep); err != nil {
			t.Fatal(err)
		}
	}
	got, err := s.Decisions(ctx, store.DecisionQuery{})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != keep || !got[0].Time.Equal(t0.Add((batch*batches-keep)*time.Second)) {
		t.Fatalf("%d decisions, want the newest %d", len(got), keep)
	}
	c, err := pgx.Connect(ctx, d)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(ctx)
	var rows int
	if err := c.QueryRow(ctx, `SELECT count(*) FROM decision_batches`).Scan(&rows); err != nil {
		t.Fatal(err)
	}
	if rows > keep/batch+1 {
		t.Errorf("%d batch rows left for %d decisions of %d per row: old rows are not dropped", rows, keep, batch)
	}
}
