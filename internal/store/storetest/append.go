package storetest

import (
	"context"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/iamgate/iamgate/internal/store"
)

func seqs(recs []store.Record) []int64 {
	out := []int64{}
	for _, r := range recs {
		out = append(out, r.Seq)
	}
	return out
}

// testAppendMany: one Append of several values numbers them consecutively
// and returns the last number.
func testAppendMany(t *testing.T, open Opener) {
	s := openStore(t, open)
	ctx := context.Background()
	first := appendAll(t, s, "many", "x")[0]
	last, err := s.Append(ctx, "many", []byte("a"), []byte("b"), []byte("c"))
	if err != nil {
		t.Fatal(err)
	}
	recs, err := s.Range(ctx, "many", first, 0)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"a", "b", "c"}, values(recs)); diff != "" {
		t.Fatalf("Range (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]int64{first + 1, first + 2, first + 3}, seqs(recs)); diff != "" || last != first+3 {
		t.Errorf("seqs (-want +got):\n%s; Append returned %d", diff, last)
	}
}

// testTxAppend: appends inside Update land with the transaction's other
// writes, or not at all.
func testTxAppend(t *testing.T, open Opener) {
	s := openStore(t, open)
	ctx := context.Background()
	err := s.Update(ctx, func(tx store.Tx) error {
		if _, err := tx.Append(ctx, "tx", []byte("1"), []byte("2")); err != nil {
			return err
		}
		if _, err := tx.Append(ctx, "tx", []byte("3")); err != nil {
			return err
		}
		return tx.Put(ctx, "meta", "tx", []byte("3 events"))
	})
	if err != nil {
		t.Fatal(err)
	}
	boom := errors.New("boom")
	err = s.Update(ctx, func(tx store.Tx) error {
		if _, err := tx.Append(ctx, "tx", []byte("lost")); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("Update = %v, want %v", err, boom)
	}
	recs, err := s.Range(ctx, "tx", 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"1", "2", "3"}, values(recs)); diff != "" {
		t.Errorf("Range (-want +got):\n%s", diff)
	}
	wantValue(t, s, "meta", "tx", "3 events")
}

// testTrim: Trim drops the oldest records through a number, in a
// transaction or alone, and later appends keep counting from where the
// stream was.
func testTrim(t *testing.T, open Opener) {
	s := openStore(t, open)
	ctx := context.Background()
	n := appendAll(t, s, "trim", "1", "2", "3", "4", "5")
	other := appendAll(t, s, "trim-other", "o")
	if err := s.Trim(ctx, "trim", n[1]); err != nil {
		t.Fatal(err)
	}
	if err := s.Update(ctx, func(tx store.Tx) error { return tx.Trim(ctx, "trim", n[2]) }); err != nil {
		t.Fatal(err)
	}
	next := appendAll(t, s, "trim", "6")
	if next[0] <= n[4] {
		t.Errorf("append after trim numbered %d, want after %d", next[0], n[4])
	}
	recs, err := s.Range(ctx, "trim", 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"4", "5", "6"}, values(recs)); diff != "" {
		t.Errorf("Range after Trim (-want +got):\n%s", diff)
	}
	if recs, _ := s.Range(ctx, "trim-other", 0, 0); len(recs) != 1 || recs[0].Seq != other[0] {
		t.Errorf("Trim touched another stream: %v", recs)
	}
	if err := s.Trim(ctx, "trim", 1<<62); err != nil {
		t.Fatal(err)
	}
	if recs, _ := s.Range(ctx, "trim", 0, 0); len(recs) != 0 {
		t.Errorf("Trim through the end left %v", values(recs))
	}
}
