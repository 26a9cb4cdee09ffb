package storetest

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/iamgate/iamgate/internal/store"
)

// Opener opens a store for test t. Called twice with the same t, it must
// return a store over the same data (Run closes the first one before opening
// the second); called with different tests, it must return independent, empty
// stores. Run closes every store it gets, possibly more than once, so Close
// must tolerate repeated calls. Dir helps file-based backends.
type Opener func(t *testing.T) store.Store

// Run runs the whole contract suite against the backend open returns.
func Run(t *testing.T, open Opener) {
	t.Helper()
	tests := []struct {
		name string
		fn   func(t *testing.T, open Opener)
	}{
		{"GetMissingIsNotFound", testGetMissing},
		{"PutThenGetRoundTrips", testPutGet},
		{"PutReplaces", testPutReplaces},
		{"KindsAreIndependent", testKinds},
		{"CreateExistingIsConflict", testCreateConflict},
		{"DeleteMissingIsNotFound", testDeleteMissing},
		{"DeleteRemoves", testDelete},
		{"ListByPrefixInByteOrder", testList},
		{"UpdateCommitsAllWrites", testTxCommit},
		{"UpdateRollsBackOnError", testTxRollback},
		{"UpdateRollsBackOnPanic", testTxPanic},
		{"UpdateReadsItsOwnWrites", testTxOwnWrites},
		{"UpdateIsIsolatedUntilCommit", testTxIsolation},
		{"UpdateCreateConflictAndDeleteNotFound", testTxSentinels},
		{"ConcurrentUpdatesLoseNothing", testConcurrentUpdates},
		{"ConcurrentCreateHasOneWinner", testConcurrentCreate},
		{"AppendRangeInOrder", testAppendRange},
		{"ConcurrentAppendsGetDistinctSeqs", testConcurrentAppend},
		{"AppendManyNumbersConsecutively", testAppendMany},
		{"UpdateAppendsWithItsWrites", testTxAppend},
		{"TrimDropsOldestAndKeepsNumbering", testTrim},
		{"ReopenKeepsEverything", testReopen},
		{"CloseTwiceIsSafe", testCloseTwice},
		{"DecisionLogKeepsNewest", testDecisions},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { tc.fn(t, open) })
	}
}

// openStore opens a store and closes it when t ends.
func openStore(t *testing.T, open Opener) store.Store {
	t.Helper()
	s := open(t)
	if s == nil {
		t.Fatal("open returned a nil store")
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return s
}

func mustPut(t *testing.T, w store.Writer, kind, key, value string) {
	t.Helper()
	if err := w.Put(context.Background(), kind, key, []byte(value)); err != nil {
		t.Fatalf("Put(%q, %q): %v", kind, key, err)
	}
}

// wantValue checks that (kind, key) holds value.
func wantValue(t *testing.T, r store.Reader, kind, key, value string) {
	t.Helper()
	got, err := r.Get(context.Background(), kind, key)
	if err != nil {
		t.Fatalf("Get(%q, %q): %v", kind, key, err)
	}
	if string(got) != value {
		t.Fatalf("Get(%q, %q) = %q, want %q", kind, key, got, value)
	}
}

// wantMissing checks that (kind, key) is absent, reported as ErrNotFound.
func wantMissing(t *testing.T, r store.Reader, kind, key string) {
	t.Helper()
	got, err := r.Get(context.Background(), kind, key)
	if !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("Get(%q, %q) = %q, %v; want ErrNotFound", kind, key, got, err)
	}
}

func testGetMissing(t *testing.T, open Opener) {
	s := openStore(t, open)
	wantMissing(t, s, "user", "nobody")
}

func testPutGet(t *testing.T, open Opener) {
	s := openStore(t, open)
	ctx := context.Background()
	values := map[string][]byte{
		"text":   []byte(`{"name":"alice"}`),
		"binary": {0, 1, 2, 0xfe, 0xff, 0},
		"empty":  {},
	}
	for key, v := range values {
		if err := s.Put(ctx, "blob", key, v); err != nil {
			t.Fatalf("Put(%q): %v", key, err)
		}
	}
	for key, want := range values {
		got, err := s.Get(ctx, "blob", key)
		if err != nil {
			t.Fatalf("Get(%q): %v", key, err)
		}
		if got == nil || !cmp.Equal(got, want) {
			t.Errorf("Get(%q) = %#v, want %#v (non-nil)", key, got, want)
		}
	}
}

func testPutReplaces(t *testing.T, open Opener) {
	s := openStore(t, open)
	mustPut(t, s, "user", "alice", "v1")
	mustPut(t, s, "user", "alice", "v2")
	wantValue(t, s, "user", "alice", "v2")
}

func testKinds(t *testing.T, open Opener) {
	s := openStore(t, open)
	mustPut(t, s, "user", "x", "a user")
	mustPut(t, s, "role", "x", "a role")
	wantValue(t, s, "user", "x", "a user")
	wantValue(t, s, "role", "x", "a role")
	if err := s.Delete(context.Background(), "user", "x"); err != nil {
		t.Fatal(err)
	}
	wantValue(t, s, "role", "x", "a role")
}

func testCreateConflict(t *testing.T, open Opener) {
	s := openStore(t, open)
	ctx := context.Background()
	if err := s.Create(ctx, "user", "alice", []byte("first")); err != nil {
		t.Fatalf("first Create: %v", err)
	}
	err := s.Create(ctx, "user", "alice", []byte("second"))
	if !errors.Is(err, store.ErrConflict) {
		t.Fatalf("second Create = %v, want ErrConflict", err)
	}
	wantValue(t, s, "user", "alice", "first")
}

func testDeleteMissing(t *testing.T, open Opener) {
	s := openStore(t, open)
	err := s.Delete(context.Background(), "user", "nobody")
	if !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("Delete = %v, want ErrNotFound", err)
	}
}

func testDelete(t *testing.T, open Opener) {
	s := openStore(t, open)
	mustPut(t, s, "user", "alice", "v")
	if err := s.Delete(context.Background(), "user", "alice"); err != nil {
		t.Fatal(err)
	}
	wantMissing(t, s, "user", "alice")
	if err := s.Delete(context.Background(), "user", "alice"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("second Delete = %v, want ErrNotFound", err)
	}
}

func keys(items []store.Item) []string {
	out := []string{}
	for _, it := range items {
		out = append(out, it.Key)
	}
	return out
}

func testList(t *testing.T, open Opener) {
	s := openStore(t, open)
	// Keys chosen to catch LIKE wildcards (%, _), locale collation (é, A)
	// and numeric-looking order (10 before 2).
	all := []string{"b", "a/2", "a/10", "a/1", "a%", "a_", "ab", "A", "a", "é", "z", "a/1/x"}
	for _, k := range all {
		mustPut(t, s, "k", k, "v:"+k)
	}
	mustPut(t, s, "other", "a/3", "not listed")
	sorted := append([]string(nil), all...)
	sort.Strings(sorted) // Go's order is byte order
	tests := []struct {
		prefix string
		want   []string
	}{
		{"", sorted},
		{"a/", []string{"a/1", "a/1/x", "a/10", "a/2"}},
		{"a/1", []string{"a/1", "a/1/x", "a/10"}},
		{"a%", []string{"a%"}},
		{"a_", []string{"a_"}},
		{"zz", []string{}},
		{"é", []string{"é"}},
	}
	for _, tc := range tests {
		t.Run(fmt.Sprintf("prefix=%q", tc.prefix), func(t *testing.T) {
			items, err := s.List(context.Background(), "k", tc.prefix)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, keys(items)); diff != "" {
				t.Errorf("List keys (-want +got):\n%s", diff)
			}
			for _, it := range items {
				if it.Kind != "k" || string(it.Value) != "v:"+it.Key {
					t.Errorf("item %+v: wrong kind or value", it)
				}
			}
		})
	}
}

func testTxCommit(t *testing.T, open Opener) {
	s := openStore(t, open)
	mustPut(t, s, "user", "old", "v")
	err := s.Update(context.Background(), func(tx store.Tx) error {
		mustPut(t, tx, "user", "alice", "a")
		mustPut(t, tx, "key", "AKIA1", "k")
		return tx.Delete(context.Background(), "user", "old")
	})
	if err != nil {
		t.Fatalf("Update: %v", err)
	}
	wantValue(t, s, "user", "alice", "a")
	wantValue(t, s, "key", "AKIA1", "k")
	wantMissing(t, s, "user", "old")
}

var errBoom = errors.New("boom")

func testTxRollback(t *testing.T, open Opener) {
	s := openStore(t, open)
	mustPut(t, s, "user", "keep", "original")
	err := s.Update(context.Background(), func(tx store.Tx) error {
		mustPut(t, tx, "user", "alice", "a")
		mustPut(t, tx, "user", "keep", "changed")
		if err := tx.Delete(context.Background(), "user", "keep"); err != nil {
			return err
		}
		return fmt.Errorf("wrapped: %w", errBoom)
	})
	if !errors.Is(err, errBoom) {
		t.Fatalf("Update = %v, want fn's error", err)
	}
	wantMissing(t, s, "user", "alice")
	wantValue(t, s, "user", "keep", "original")
}

func testTxPanic(t *testing.T, open Opener) {
	s := openStore(t, open)
	func() {
		defer func() {
			if r := recover(); r != errBoom {
				t.Errorf("recovered %v, want the panic value to propagate", r)
			}
		}()
		s.Update(context.Background(), func(tx store.Tx) error {
			mustPut(t, tx, "user", "alice", "a")
			panic(errBoom)
		})
	}()
	wantMissing(t, s, "user", "alice")
	// The store must still accept writes: the panicking tx released its lock.
	mustPut(t, s, "user", "bob", "b")
	wantValue(t, s, "user", "bob", "b")
}

func testTxOwnWrites(t *testing.T, open Opener) {
	s := openStore(t, open)
	mustPut(t, s, "user", "gone", "v")
	ctx := context.Background()
	err := s.Update(ctx, func(tx store.Tx) error {
		mustPut(t, tx, "user", "alice", "a")
		if err := tx.Delete(ctx, "user", "gone"); err != nil {
			return err
		}
		wantValue(t, tx, "user", "alice", "a")
		wantMissing(t, tx, "user", "gone")
		items, err := tx.List(ctx, "user", "")
		if err != nil {
			return err
		}
		if diff := cmp.Diff([]string{"alice"}, keys(items)); diff != "" {
			t.Errorf("List in tx (-want +got):\n%s", diff)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func testTxIsolation(t *testing.T, open Opener) {
	s := openStore(t, open)
	mustPut(t, s, "user", "alice", "old")
	ctx := context.Background()
	err := s.Update(ctx, func(tx store.Tx) error {
		mustPut(t, tx, "user", "alice", "new")
		mustPut(t, tx, "user", "bob", "b")
		// Readers outside the transaction see the last committed state.
		wantValue(t, s, "user", "alice", "old")
		wantMissing(t, s, "user", "bob")
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	wantValue(t, s, "user", "alice", "new")
	wantValue(t, s, "user", "bob", "b")
}

func testTxSentinels(t *testing.T, open Opener) {
	s := openStore(t, open)
	mustPut(t, s, "user", "alice", "a")
	ctx := context.Background()
	err := s.Update(ctx, func(tx store.Tx) error {
		if err := tx.Delete(ctx, "user", "nobody"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("tx.Delete missing = %v, want ErrNotFound", err)
		}
		if _, err := tx.Get(ctx, "user", "nobody"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("tx.Get missing = %v, want ErrNotFound", err)
		}
		return tx.Create(ctx, "user", "alice", []byte("again"))
	})
	if !errors.Is(err, store.ErrConflict) {
		t.Fatalf("Update = %v, want ErrConflict from tx.Create", err)
	}
	wantValue(t, s, "user", "alice", "a")
}

func testConcurrentUpdates(t *testing.T, open Opener) {
	s := openStore(t, open)
	const workers, each = 6, 15
	ctx := context.Background()
	mustPut(t, s, "counter", "n", "0")
	errs := make(chan error, workers)
	for range workers {
		go func() {
			for range each {
				err := s.Update(ctx, func(tx store.Tx) error {
					v, err := tx.Get(ctx, "counter", "n")
					if err != nil {
						return err
					}
					var n int
					fmt.Sscan(string(v), &n)
					return tx.Put(ctx, "counter", "n", []byte(fmt.Sprint(n+1)))
				})
				if err != nil {
					errs <- err
					return
				}
			}
			errs <- nil
		}()
	}
	for range workers {
		if err := <-errs; err != nil {
			t.Fatalf("Update: %v", err)
		}
	}
	wantValue(t, s, "counter", "n", fmt.Sprint(workers*each))
}

func testConcurrentCreate(t *testing.T, open Opener) {
	s := openStore(t, open)
	const workers = 8
	results := make(chan error, workers)
	var start sync.WaitGroup
	start.Add(1)
	for i := range workers {
		go func() {
			start.Wait()
			results <- s.Create(context.Background(), "user", "alice", []byte(fmt.Sprint(i)))
		}()
	}
	start.Done()
	won := 0
	for range workers {
		err := <-results
		switch {
		case err == nil:
			won++
		case !errors.Is(err, store.ErrConflict):
			t.Errorf("Create = %v, want nil or ErrConflict", err)
		}
	}
	if won != 1 {
		t.Fatalf("%d Creates succeeded, want exactly 1", won)
	}
}

func appendAll(t *testing.T, s store.Store, stream string, values ...string) []int64 {
	t.Helper()
	var seqs []int64
	for _, v := range values {
		seq, err := s.Append(context.Background(), stream, []byte(v))
		if err != nil {
			t.Fatalf("Append(%q): %v", stream, err)
		}
		seqs = append(seqs, seq)
	}
	return seqs
}

func values(recs []store.Record) []string {
	out := []string{}
	for _, r := range recs {
		out = append(out, string(r.Value))
	}
	return out
}

func testAppendRange(t *testing.T, open Opener) {
	s := openStore(t, open)
	ctx := context.Background()
	a := appendAll(t, s, "logs/a", "a1", "a2")
	b := appendAll(t, s, "logs/b", "b1")
	a = append(a, appendAll(t, s, "logs/a", "a3", "a4")...)
	for i := 1; i < len(a); i++ {
		if a[i] <= a[i-1] || a[0] <= 0 {
			t.Fatalf("seqs %v: want positive and strictly increasing", a)
		}
	}
	if b[0] <= 0 {
		t.Fatalf("seq %d: want positive", b[0])
	}
	tests := []struct {
		name   string
		stream string
		after  int64
		limit  int
		want   []string
	}{
		{"all", "logs/a", 0, 0, []string{"a1", "a2", "a3", "a4"}},
		{"after second", "logs/a", a[1], 0, []string{"a3", "a4"}},
		{"limit", "logs/a", 0, 3, []string{"a1", "a2", "a3"}},
		{"after and limit", "logs/a", a[0], 1, []string{"a2"}},
		{"past end", "logs/a", a[3], 0, []string{}},
		{"other stream", "logs/b", 0, 10, []string{"b1"}},
		{"unknown stream", "logs/c", 0, 10, []string{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			recs, err := s.Range(ctx, tc.stream, tc.after, tc.limit)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, values(recs)); diff != "" {
				t.Errorf("Range (-want +got):\n%s", diff)
			}
		})
	}
	recs, _ := s.Range(ctx, "logs/a", 0, 0)
	var gotSeqs []int64
	for _, r := range recs {
		gotSeqs = append(gotSeqs, r.Seq)
	}
	if diff := cmp.Diff(a, gotSeqs); diff != "" {
		t.Errorf("Range seqs differ from Append's (-append +range):\n%s", diff)
	}
}

func testConcurrentAppend(t *testing.T, open Opener) {
	s := openStore(t, open)
	const workers, each = 6, 15
	ctx := context.Background()
	errs := make(chan error, workers)
	for w := range workers {
		go func() {
			for i := range each {
				if _, err := s.Append(ctx, "events", []byte(fmt.Sprintf("%d-%d", w, i))); err != nil {
					errs <- err
					return
				}
			}
			errs <- nil
		}()
	}
	for range workers {
		if err := <-errs; err != nil {
			t.Fatalf("Append: %v", err)
		}
	}
	recs, err := s.Range(ctx, "events", 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != workers*each {
		t.Fatalf("Range returned %d records, want %d", len(recs), workers*each)
	}
	// Each writer's own records must appear in its append order.
	next := map[string]int{}
	for i, r := range recs {
		if i > 0 && r.Seq <= recs[i-1].Seq {
			t.Fatalf("seq %d after %d: not increasing", r.Seq, recs[i-1].Seq)
		}
		var w, n int
		fmt.Sscanf(string(r.Value), "%d-%d", &w, &n)
		if key := fmt.Sprint(w); next[key] != n {
			t.Fatalf("writer %d: record %d before %d", w, n, next[key])
		} else {
			next[key]++
		}
	}
}

func testReopen(t *testing.T, open Opener) {
	ctx := context.Background()
	s := open(t)
	mustPut(t, s, "user", "alice", "a")
	if err := s.Create(ctx, "user", "bob", []byte("b")); err != nil {
		t.Fatal(err)
	}
	err := s.Update(ctx, func(tx store.Tx) error { return tx.Put(ctx, "key", "AKIA1", []byte("k")) })
	if err != nil {
		t.Fatal(err)
	}
	seqs := appendAll(t, s, "events", "e1", "e2")
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}

	s2 := openStore(t, open)
	wantValue(t, s2, "user", "alice", "a")
	wantValue(t, s2, "user", "bob", "b")
	wantValue(t, s2, "key", "AKIA1", "k")
	recs, err := s2.Range(ctx, "events", 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"e1", "e2"}, values(recs)); diff != "" {
		t.Errorf("Range after reopen (-want +got):\n%s", diff)
	}
	if more := appendAll(t, s2, "events", "e3"); more[0] <= seqs[1] {
		t.Errorf("Append after reopen = %d, want > %d", more[0], seqs[1])
	}
}

func testCloseTwice(t *testing.T, open Opener) {
	s := open(t)
	if err := s.Close(); err != nil {
		t.Fatalf("first Close: %v", err)
	}
	s.Close() // must not panic; the error, if any, is the backend's choice
}
