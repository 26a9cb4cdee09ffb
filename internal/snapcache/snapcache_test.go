package snapcache

import (
	"context"
	"errors"
	"testing"
	"time"
)

var (
	errNotFound = errors.New("not found")
	errStore    = errors.New("store down")
)

type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func TestTTL(t *testing.T) {
	ctx := context.Background()
	clk := &clock{t: time.Unix(1000, 0)}
	c := NewTTL[int](time.Second, 2, clk.now)
	loads := 0
	val, fail := 1, error(nil)
	load := func(context.Context) (int, error) { loads++; return val, fail }
	isNotFound := func(err error) bool { return errors.Is(err, errNotFound) }
	get := func(key string) (int, error) { return c.Get(ctx, key, load, isNotFound) }

	steps := []struct {
		name      string
		do        func()
		key       string
		want      int
		wantErr   error
		wantLoads int
	}{
		{"first load", func() {}, "a", 1, nil, 1},
		{"hit within the TTL", func() { val = 2 }, "a", 1, nil, 1},
		{"reload after the TTL", func() { clk.t = clk.t.Add(time.Second) }, "a", 2, nil, 2},
		{"invalidate reloads", func() { val = 3; c.Invalidate() }, "a", 3, nil, 3},
		{"a clock gone back reloads", func() { clk.t = clk.t.Add(-time.Minute) }, "a", 3, nil, 4},
		{"not found is remembered", func() { fail = errNotFound }, "b", 3, errNotFound, 5},
		{"remembered answer", func() { fail = nil }, "b", 3, errNotFound, 5},
		{"a store failure is not remembered", func() { fail = errStore }, "c", 3, errStore, 6},
		{"retried", func() { fail = nil }, "c", 3, nil, 7},
	}
	for _, s := range steps {
		s.do()
		got, err := get(s.key)
		if got != s.want || !errors.Is(err, s.wantErr) || loads != s.wantLoads {
			t.Fatalf("%s: got %d %v after %d loads, want %d %v after %d", s.name, got, err, loads, s.want, s.wantErr, s.wantLoads)
		}
	}
	if len(c.m) > 2 {
		t.Errorf("cache holds %d entries, bound is 2", len(c.m))
	}
}

// A load that began before a write must not store what it read.
func TestTTLLoadRacingAWrite(t *testing.T) {
	ctx := context.Background()
	c := NewTTL[string](time.Hour, 10, time.Now)
	v, _ := c.Get(ctx, "k", func(context.Context) (string, error) {
		c.Invalidate() // the write commits while this load runs
		return "old", nil
	}, nil)
	if v != "old" {
		t.Fatalf("got %q", v)
	}
	v, _ = c.Get(ctx, "k", func(context.Context) (string, error) { return "new", nil }, nil)
	if v != "new" {
		t.Errorf("after the write got %q, want new", v)
	}
}

func TestTTLDisabled(t *testing.T) {
	c := NewTTL[int](0, 10, time.Now)
	n := 0
	for range 3 {
		c.Get(context.Background(), "k", func(context.Context) (int, error) { n++; return n, nil }, nil)
	}
	if n != 3 {
		t.Errorf("loads = %d, want 3 (nothing cached)", n)
	}
}

func TestImmutable(t *testing.T) {
	ctx := context.Background()
	var c Immutable[*int]
	one, two := 1, 2
	if _, err := c.Get(ctx, "api/d1", func(context.Context) (*int, error) { return nil, errStore }); !errors.Is(err, errStore) {
		t.Fatalf("err = %v", err)
	}
	got, _ := c.Get(ctx, "api/d1", func(context.Context) (*int, error) {
		// Another caller stores its copy while this one loads: both share it.
		c.Get(ctx, "api/d1", func(context.Context) (*int, error) { return &one, nil })
		return &two, nil
	})
	if got != &one {
		t.Errorf("got %v, want the record stored first", *got)
	}
	if got, _ := c.Get(ctx, "api/d1", nil); got != &one {
		t.Error("a cached record was loaded again")
	}
	c.Evict("api/")
	if got, _ := c.Get(ctx, "api/d1", func(context.Context) (*int, error) { return &two, nil }); got != &two {
		t.Error("evicted record still served")
	}
}
