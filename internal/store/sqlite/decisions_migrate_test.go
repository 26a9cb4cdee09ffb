package sqlite_test

import (
	"database/sql"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/iamgate/iamgate/internal/store"
	"github.com/iamgate/iamgate/internal/store/sqlite"
	"github.com/iamgate/iamgate/internal/store/storetest"
)

// oldSchema is the decision log as data dirs before batches hold it.
const oldSchema = `
CREATE TABLE decisions (
	seq       INTEGER PRIMARY KEY AUTOINCREMENT,
	at        INTEGER NOT NULL,
	principal TEXT    NOT NULL,
	value     BLOB    NOT NULL
);
CREATE INDEX decisions_principal_at ON decisions (principal, at);`

// writeOld makes a data dir file with the old decision log holding ds
// (after trimmed ones: the numbers start past 1) and, if bad, a row that
// does not decode.
func writeOld(t *testing.T, path string, ds []store.Decision, bad bool) {
	t.Helper()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(oldSchema); err != nil {
		t.Fatal(err)
	}
	ins := `INSERT INTO decisions (seq, at, principal, value) VALUES (?, ?, ?, ?)`
	storetest.InsertOldDecisions(t, func(seq int, at int64, principal string, value []byte) error {
		_, err := db.Exec(ins, seq, at, principal, value)
		return err
	}, ds, bad)
}

// An old data dir's decisions survive Open, in order, all of them (more
// than one batch's worth), selectable as before; the old table is gone,
// new decisions follow them and the retention bound counts both.
func TestOpenConvertsOldDecisionLog(t *testing.T) {
	path := filepath.Join(t.TempDir(), "store.db")
	old := storetest.OldDecisions(600)
	writeOld(t, path, old, false)
	s, err := sqlite.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	check := func(name string, q store.DecisionQuery, want []store.Decision) []store.Decision {
		t.Helper()
		return storetest.CheckDecisions(t, name, s, q, want...)
	}
	check("converted", store.DecisionQuery{}, old)
	var ub []store.Decision
	for _, d := range old[300:] {
		if d.Principal == old[1].Principal {
			ub = append(ub, d)
		}
	}
	check("by principal since", store.DecisionQuery{Principal: old[1].Principal, Since: old[300].Time}, ub)

	var n int
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.QueryRow(`SELECT count(*) FROM sqlite_master WHERE name LIKE 'decisions%'`).Scan(&n); err != nil || n != 0 {
		t.Errorf("old table and index left: %d (%v)", n, err)
	}

	more := storetest.OldDecisions(3)
	if err := s.AppendDecisions(ctx, more, 500); err != nil {
		t.Fatal(err)
	}
	got := check("appended and trimmed", store.DecisionQuery{}, append(append([]store.Decision(nil), old[103:]...), more...))
	if got[len(got)-1].Seq <= got[0].Seq {
		t.Errorf("new decisions numbered before the converted ones: %d, %d", got[0].Seq, got[len(got)-1].Seq)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if s, err = sqlite.Open(path); err != nil { // nothing left to convert
		t.Fatal(err)
	}
	defer s.Close()
	check("reopened", store.DecisionQuery{}, got)
}

// A row that does not decode stops Open, saying which, and the old table
// stays as it was: nothing is dropped unread.
func TestOpenKeepsUnreadableOldDecisionLog(t *testing.T) {
	path := filepath.Join(t.TempDir(), "store.db")
	writeOld(t, path, storetest.OldDecisions(300), true)
	s, err := sqlite.Open(path)
	if err == nil {
		s.Close()
		t.Fatal("Open succeeded over an undecodable decision")
	}
	if !strings.Contains(err.Error(), fmt.Sprintf("decision %d", storetest.BadOldDecision)) {
		t.Errorf("error %q does not name the row", err)
	}
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRow(`SELECT count(*) FROM decisions`).Scan(&n); err != nil || n != 301 {
		t.Errorf("old table holds %d rows (%v), want 301", n, err)
	}
}
