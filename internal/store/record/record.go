package record

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/iamgate/iamgate/internal/store"
)

// Get reads and decodes the record kind/key. A missing record is an error
// wrapping store.ErrNotFound.
func Get[T any](ctx context.Context, r store.Reader, kind, key string) (*T, error) {
	b, err := r.Get(ctx, kind, key)
	if err != nil {
		return nil, fmt.Errorf("get %s %s: %w", kind, key, err)
	}
	v := new(T)
	if err := json.Unmarshal(b, v); err != nil {
		return nil, fmt.Errorf("decode %s %s: %w", kind, key, err)
	}
	return v, nil
}

// List decodes every record of kind whose key starts with prefix, in key
// order.
func List[T any](ctx context.Context, r store.Reader, kind, prefix string) ([]T, error) {
	items, err := r.List(ctx, kind, prefix)
	if err != nil {
		return nil, fmt.Errorf("list %s: %w", kind, err)
	}
	out := make([]T, 0, len(items))
	for _, it := range items {
		var v T
		if err := json.Unmarshal(it.Value, &v); err != nil {
			return nil, fmt.Errorf("decode %s %s: %w", kind, it.Key, err)
		}
		out = append(out, v)
	}
	return out, nil
}

// ReadWriter is a store transaction's reads and writes.
type ReadWriter interface {
	store.Reader
	store.Writer
}

// DeleteUnder deletes, for each kind, every record whose key starts with
// prefix: the children of a parent being deleted.
func DeleteUnder(ctx context.Context, tx ReadWriter, prefix string, kinds ...string) error {
	for _, kind := range kinds {
		items, err := tx.List(ctx, kind, prefix)
		if err != nil {
			return fmt.Errorf("list %s: %w", kind, err)
		}
		for _, it := range items {
			if err := tx.Delete(ctx, kind, it.Key); err != nil && !errors.Is(err, store.ErrNotFound) {
				return fmt.Errorf("delete %s %s: %w", kind, it.Key, err)
			}
		}
	}
	return nil
}

// Put encodes v and stores it as kind/key, replacing any record there. The
// writer's error is returned as it is, so callers can test it for
// store.ErrNotFound or store.ErrConflict.
func Put(ctx context.Context, w store.Writer, kind, key string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode %s %s: %w", kind, key, err)
	}
	return w.Put(ctx, kind, key, b)
}

// Create encodes v and stores it as kind/key, failing with the writer's
// store.ErrConflict (unwrapped) when the key exists.
func Create(ctx context.Context, w store.Writer, kind, key string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode %s %s: %w", kind, key, err)
	}
	return w.Create(ctx, kind, key, b)
}

// ListAs is List with pick applied to each record: the public view of a
// stored record (an API out of the record that also holds its routes).
func ListAs[T, U any](ctx context.Context, r store.Reader, kind, prefix string, pick func(*T) U) ([]U, error) {
	recs, err := List[T](ctx, r, kind, prefix)
	if err != nil {
		return nil, err
	}
	out := make([]U, 0, len(recs))
	for i := range recs {
		out = append(out, pick(&recs[i]))
	}
	return out, nil
}

// DeleteTree deletes the record kind/key and, for each of childKinds,
// every record under key+"/": a parent with its children, in the caller's
// transaction.
func DeleteTree(ctx context.Context, tx ReadWriter, kind, key string, childKinds ...string) error {
	if err := DeleteUnder(ctx, tx, key+"/", childKinds...); err != nil {
		return err
	}
	return tx.Delete(ctx, kind, key)
}
