package sqlite_test

import (
	"database/sql"
	"path/filepath"
	"testing"
	"time"

	"github.com/iamgate/iamgate/internal/store"
	"github.com/iamgate/iamgate/internal/store/sqlite"
)

// The retention bound holds on disk, not only in what readers see: a row
// goes once all of its decisions are beyond keep, so a full log of keep
// holds at most one row more than keep's worth.
func TestDecisionLogDropsOldRows(t *testing.T) {
	path := filepath.Join(t.TempDir(), "store.db")
	s, err := sqlite.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := t.Context()
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
		t.Fatalf("%d decisions from %v, want the newest %d", len(got), got[0].Time, keep)
	}
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var rows int
	if err := db.QueryRow(`SELECT count(*) FROM decision_batches`).Scan(&rows); err != nil {
		t.Fatal(err)
	}
	if rows > keep/batch+1 {
		t.Errorf("%d batch rows left for %d decisions of %d per row: old rows are not dropped", rows, keep, batch)
	}
}
