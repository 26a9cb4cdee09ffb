package record_test

import (
	"context"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/iamgate/iamgate/internal/store"
	"github.com/iamgate/iamgate/internal/store/record"
	"github.com/iamgate/iamgate/internal/store/storetest"
)

type thing struct {
	Name string `json:"name"`
}

func TestRecord(t *testing.T) {
	ctx := context.Background()
	st := storetest.SQLite(t)
	for k, v := range map[string]string{"api1": `{"name":"a"}`, "api1/s1": `{"name":"s1"}`, "api1/s2": `{"name":"s2"}`, "api2/s1": `{"name":"x"}`} {
		kind := "stage"
		if k == "api1" {
			kind = "api"
		}
		if err := st.Put(ctx, kind, k, []byte(v)); err != nil {
			t.Fatal(err)
		}
	}
	got, err := record.Get[thing](ctx, st, "api", "api1")
	if err != nil || got.Name != "a" {
		t.Fatalf("Get = %+v, %v", got, err)
	}
	if _, err := record.Get[thing](ctx, st, "api", "nope"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Get missing: %v, want store.ErrNotFound", err)
	}
	list, err := record.List[thing](ctx, st, "stage", "api1/")
	if d := cmp.Diff([]thing{{"s1"}, {"s2"}}, list); err != nil || d != "" {
		t.Errorf("List: %v (-want +got)\n%s", err, d)
	}
	if err := st.Put(ctx, "stage", "api3/bad", []byte("{")); err != nil {
		t.Fatal(err)
	}
	if _, err := record.List[thing](ctx, st, "stage", "api3/"); err == nil {
		t.Error("List decoded a malformed record")
	}
	err = st.Update(ctx, func(tx store.Tx) error { return record.DeleteUnder(ctx, tx, "api1/", "stage", "deployment") })
	if err != nil {
		t.Fatal(err)
	}
	if left, _ := record.List[thing](ctx, st, "stage", "api1/"); len(left) != 0 {
		t.Errorf("after DeleteUnder: %+v", left)
	}
	if other, _ := record.List[thing](ctx, st, "stage", "api2/"); len(other) != 1 {
		t.Errorf("DeleteUnder touched another prefix: %+v", other)
	}
}

func TestWriteAndTree(t *testing.T) {
	ctx := context.Background()
	st := storetest.SQLite(t)
	if err := record.Create(ctx, st, "api", "a1", thing{"one"}); err != nil {
		t.Fatal(err)
	}
	if err := record.Create(ctx, st, "api", "a1", thing{"again"}); !errors.Is(err, store.ErrConflict) {
		t.Errorf("Create over an existing key: %v, want store.ErrConflict", err)
	}
	if err := record.Put(ctx, st, "api", "a1", thing{"two"}); err != nil {
		t.Fatal(err)
	}
	if err := record.Put(ctx, st, "api", "a2", thing{"three"}); err != nil {
		t.Fatal(err)
	}
	if err := record.Put(ctx, st, "api", "a3", func() {}); err == nil {
		t.Error("Put encoded a func")
	}
	names, err := record.ListAs(ctx, st, "api", "", func(v *thing) string { return v.Name })
	if d := cmp.Diff([]string{"two", "three"}, names); err != nil || d != "" {
		t.Errorf("ListAs: %v (-want +got)\n%s", err, d)
	}
	for _, k := range []string{"a1/s1", "a1/s2", "a2/s1"} {
		if err := record.Put(ctx, st, "stage", k, thing{k}); err != nil {
			t.Fatal(err)
		}
	}
	err = st.Update(ctx, func(tx store.Tx) error { return record.DeleteTree(ctx, tx, "api", "a1", "stage") })
	if err != nil {
		t.Fatal(err)
	}
	if _, err := record.Get[thing](ctx, st, "api", "a1"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("parent after DeleteTree: %v, want store.ErrNotFound", err)
	}
	left, err := record.List[thing](ctx, st, "stage", "")
	if d := cmp.Diff([]thing{{"a2/s1"}}, left); err != nil || d != "" {
		t.Errorf("children after DeleteTree: %v (-want +got)\n%s", err, d)
	}
	err = st.Update(ctx, func(tx store.Tx) error { return record.DeleteTree(ctx, tx, "api", "a1", "stage") })
	if !errors.Is(err, store.ErrNotFound) {
		t.Errorf("DeleteTree of a missing parent: %v, want store.ErrNotFound", err)
	}
}
