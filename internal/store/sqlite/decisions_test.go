package sqlite_test

import (
	"database/sql"
	"path/filepath"
	"testing"

	"github.com/iamgate/iamgate/internal/store/sqlite"
	"github.com/iamgate/iamgate/internal/store/storetest"
)

// The retention bound holds on disk (storetest.DecisionLogDropsOldRows),
// counted in the file.
func TestDecisionLogDropsOldRows(t *testing.T) {
	path := filepath.Join(t.TempDir(), "store.db")
	s, err := sqlite.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	storetest.DecisionLogDropsOldRows(t, s, func() (n int, err error) {
		return n, db.QueryRow(`SELECT count(*) FROM decision_batches`).Scan(&n)
	})
}
