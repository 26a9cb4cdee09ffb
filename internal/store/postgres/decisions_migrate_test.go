package postgres_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/iamgate/iamgate/internal/store"
	"github.com/iamgate/iamgate/internal/store/postgres"
	"github.com/iamgate/iamgate/internal/store/storetest"
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
	storetest.InsertOldDecisions(t, func(seq int, at int64, principal string, value []byte) error {
		_, err := c.Exec(ctx, ins, seq, at, principal, value)
		return err
	}, ds, bad)
	return withSearchPath(base, schema)
}

// An old database's decisions survive Open, in order, all of them (more
// than one batch's worth); the old table is gone, new decisions follow
// them, the retention bound counts both, and a second Open converts
// nothing.
func TestOpenConvertsOldDecisionLog(t *testing.T) {
	old := storetest.OldDecisions(600)
	d := oldDatabase(t, old, false)
	ctx := context.Background()
	s, err := postgres.Open(ctx, d)
	if err != nil {
		t.Fatal(err)
	}
	check := func(name string, s *postgres.Store, want []store.Decision) []store.Decision {
		t.Helper()
		return storetest.CheckDecisions(t, name, s, store.DecisionQuery{}, want...)
	}
	check("converted", s, old)
	more := storetest.OldDecisions(3)
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
	d := oldDatabase(t, storetest.OldDecisions(3), true)
	ctx := context.Background()
	s, err := postgres.Open(ctx, d)
	if err == nil {
		s.Close()
		t.Fatal("Open succeeded over an undecodable decision")
	}
	if !strings.Contains(err.Error(), fmt.Sprintf("decision %d", storetest.BadOldDecision)) {
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

// The retention bound holds on disk (storetest.DecisionLogDropsOldRows),
// counted in the database.
func TestDecisionLogDropsOldRows(t *testing.T) {
	d := oldDatabase(t, nil, false) // an empty old log: converted to nothing
	ctx := context.Background()
	s, err := postgres.Open(ctx, d)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	c, err := pgx.Connect(ctx, d)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(ctx)
	storetest.DecisionLogDropsOldRows(t, s, func() (n int, err error) {
		return n, c.QueryRow(ctx, `SELECT count(*) FROM decision_batches`).Scan(&n)
	})
}
