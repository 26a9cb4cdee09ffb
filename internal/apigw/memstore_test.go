package apigw

import (
	"context"
	"maps"
	"sort"
	"strings"
	"sync"

	"github.com/iamgate/iamgate/internal/store"
)

// memStore is a minimal in-memory store.Store for this package's tests
// (the real backends are tested by storetest).
type memStore struct {
	mu   sync.Mutex
	data map[string][]byte // kind + "\x00" + key
}

func newMemStore() *memStore { return &memStore{data: map[string][]byte{}} }

type memTx struct{ data map[string][]byte }

func (t *memTx) Get(_ context.Context, kind, key string) ([]byte, error) {
	v, ok := t.data[kind+"\x00"+key]
	if !ok {
		return nil, store.ErrNotFound
	}
	return v, nil
}

func (t *memTx) List(_ context.Context, kind, prefix string) ([]store.Item, error) {
	var out []store.Item
	for k, v := range t.data {
		kd, key, _ := strings.Cut(k, "\x00")
		if kd == kind && strings.HasPrefix(key, prefix) {
			out = append(out, store.Item{Kind: kd, Key: key, Value: v})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out, nil
}

func (t *memTx) Put(_ context.Context, kind, key string, v []byte) error {
	t.data[kind+"\x00"+key] = v
	return nil
}

func (t *memTx) Create(ctx context.Context, kind, key string, v []byte) error {
	if _, ok := t.data[kind+"\x00"+key]; ok {
		return store.ErrConflict
	}
	return t.Put(ctx, kind, key, v)
}

func (t *memTx) Delete(_ context.Context, kind, key string) error {
	if _, ok := t.data[kind+"\x00"+key]; !ok {
		return store.ErrNotFound
	}
	delete(t.data, kind+"\x00"+key)
	return nil
}

func (m *memStore) do(fn func(*memTx) error) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	tx := &memTx{data: maps.Clone(m.data)}
	if err := fn(tx); err != nil {
		return err
	}
	m.data = tx.data
	return nil
}

func (m *memStore) Get(ctx context.Context, kind, key string) (v []byte, err error) {
	err = m.do(func(t *memTx) error { v, err = t.Get(ctx, kind, key); return err })
	return v, err
}

func (m *memStore) List(ctx context.Context, kind, prefix string) (items []store.Item, err error) {
	err = m.do(func(t *memTx) error { items, err = t.List(ctx, kind, prefix); return err })
	return items, err
}

func (m *memStore) Put(ctx context.Context, kind, key string, v []byte) error {
	return m.do(func(t *memTx) error { return t.Put(ctx, kind, key, v) })
}

func (m *memStore) Create(ctx context.Context, kind, key string, v []byte) error {
	return m.do(func(t *memTx) error { return t.Create(ctx, kind, key, v) })
}

func (m *memStore) Delete(ctx context.Context, kind, key string) error {
	return m.do(func(t *memTx) error { return t.Delete(ctx, kind, key) })
}

func (m *memStore) Update(_ context.Context, fn func(store.Tx) error) error {
	return m.do(func(t *memTx) error { return fn(t) })
}

func (m *memStore) Append(context.Context, string, ...[]byte) (int64, error) { return 0, nil }
func (m *memStore) Trim(context.Context, string, int64) error                { return nil }

// The stage snapshot never appends: a memTx's records are no-ops too.
func (t *memTx) Append(context.Context, string, ...[]byte) (int64, error) { return 0, nil }
func (t *memTx) Trim(context.Context, string, int64) error                { return nil }
func (m *memStore) Range(context.Context, string, int64, int) ([]store.Record, error) {
	return nil, nil
}
func (m *memStore) Close() error { return nil }

var _ store.Store = (*memStore)(nil)
