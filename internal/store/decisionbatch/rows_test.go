package decisionbatch

import (
	"errors"
	"testing"

	"github.com/iamgate/iamgate/internal/store"
)

// Split numbers batches densely from next, at most MaxLen each, and
// stops at put's first error.
func TestSplit(t *testing.T) {
	ds := make([]store.Decision, 2*MaxLen+1)
	type batch struct{ n, first, last int64 }
	var got []batch
	next, err := Split(ds, 10, func(chunk []store.Decision, first, last int64) error {
		got = append(got, batch{int64(len(chunk)), first, last})
		return nil
	})
	want := []batch{{MaxLen, 10, 10 + MaxLen - 1}, {MaxLen, 10 + MaxLen, 10 + 2*MaxLen - 1}, {1, 10 + 2*MaxLen, 10 + 2*MaxLen}}
	if err != nil || next != 10+2*MaxLen+1 || len(got) != len(want) {
		t.Fatalf("Split = %d, %v; batches %v, want %v", next, err, got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("batch %d = %v, want %v", i, got[i], want[i])
		}
	}
	if next, err := Split(ds, 1, func([]store.Decision, int64, int64) error { return errTest }); err != errTest || next != 0 {
		t.Errorf("Split over a failing put = %d, %v", next, err)
	}
}

var errTest = errors.New("put failed")

// KeptFrom moves the first kept decision up to keep behind next, never
// back, and keep 0 keeps all.
func TestKeptFrom(t *testing.T) {
	for _, c := range []struct {
		next, from int64
		keep       int
		want       int64
	}{
		{next: 100, from: 1, keep: 0, want: 1},
		{next: 100, from: 1, keep: 10, want: 90},
		{next: 100, from: 95, keep: 10, want: 95},
		{next: 100, from: 1, keep: 200, want: 1},
	} {
		if got := KeptFrom(c.next, c.from, c.keep); got != c.want {
			t.Errorf("KeptFrom(%d, %d, %d) = %d, want %d", c.next, c.from, c.keep, got, c.want)
		}
	}
}
