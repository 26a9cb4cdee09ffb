package storetest

import (
	"path/filepath"
	"testing"

	"github.com/iamgate/iamgate/internal/store/sqlite"
)

// SQLite opens a fresh SQLite store in a temporary directory of tb,
// closed when tb ends: the store the domain packages' own tests run on.
func SQLite(tb testing.TB) *sqlite.Store {
	tb.Helper()
	st, err := sqlite.Open(filepath.Join(tb.TempDir(), "db"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { st.Close() })
	return st
}
