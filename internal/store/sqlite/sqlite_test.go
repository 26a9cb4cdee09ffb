package sqlite_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/iamgate/iamgate/internal/store"
	"github.com/iamgate/iamgate/internal/store/sqlite"
	"github.com/iamgate/iamgate/internal/store/storetest"
)

func open(t *testing.T) store.Store {
	t.Helper()
	s, err := sqlite.Open(filepath.Join(storetest.Dir(t), "store.db"))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestContract(t *testing.T) { storetest.Run(t, open) }

func TestOpenCreatesPrivateFiles(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "store.db")
	s, err := sqlite.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Put(t.Context(), "k", "v", []byte("x")); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"store.db", "store.db-wal"} {
		fi, err := os.Stat(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if perm := fi.Mode().Perm(); perm != 0o600 {
			t.Errorf("%s mode = %o, want 600", name, perm)
		}
	}
}

func TestOpenRejectsDSN(t *testing.T) {
	for _, p := range []string{"", "file:x.db", "x.db?mode=ro"} {
		t.Run(p, func(t *testing.T) {
			if s, err := sqlite.Open(p); err == nil {
				s.Close()
				t.Fatalf("Open(%q) succeeded, want an error", p)
			}
		})
	}
}

func TestOpenMissingDir(t *testing.T) {
	if _, err := sqlite.Open(filepath.Join(t.TempDir(), "no", "such", "store.db")); err == nil {
		t.Fatal("Open in a missing directory succeeded")
	}
}

// Two Stores on one file stand for two processes: they share no mutex, so
// SQLite's IMMEDIATE transactions and busy timeout must serialize them.
func TestTwoHandlesOneFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "store.db")
	var handles [2]*sqlite.Store
	for i := range handles {
		s, err := sqlite.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		handles[i] = s
	}
	ctx := t.Context()
	if err := handles[0].Put(ctx, "c", "n", []byte{0}); err != nil {
		t.Fatal(err)
	}
	const each = 40
	errs := make(chan error, len(handles))
	for _, s := range handles {
		go func() {
			for range each {
				err := s.Update(ctx, func(tx store.Tx) error {
					v, err := tx.Get(ctx, "c", "n")
					if err != nil {
						return err
					}
					return tx.Put(ctx, "c", "n", []byte{v[0] + 1})
				})
				if err != nil {
					errs <- err
					return
				}
			}
			errs <- nil
		}()
	}
	for range handles {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	v, err := handles[1].Get(ctx, "c", "n")
	if err != nil {
		t.Fatal(err)
	}
	if int(v[0]) != 2*each {
		t.Fatalf("counter = %d, want %d", v[0], 2*each)
	}
}
