package postgres

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/iamgate/iamgate/internal/store"
)

var _ store.Store = (*Store)(nil)

// writeLock is the advisory lock key every writer takes ("iamgate" in ASCII).
const writeLock int64 = 0x69616d67617465

const poolSize = 8

const schema = `
CREATE TABLE IF NOT EXISTS items (
	kind  TEXT COLLATE "C" NOT NULL,
	key   TEXT COLLATE "C" NOT NULL,
	value BYTEA NOT NULL,
	PRIMARY KEY (kind, key)
);
CREATE TABLE IF NOT EXISTS records (
	stream TEXT COLLATE "C" NOT NULL,
	seq    BIGINT NOT NULL,
	value  BYTEA NOT NULL,
	PRIMARY KEY (stream, seq)
);`

// Store is a store.Store over one PostgreSQL database (the tables live in
// the connection's search_path). It is safe for concurrent use.
type Store struct {
	pool      *pool
	closeOnce sync.Once
}

// Open connects with dsn (a postgres:// URL or key=value string) and
// creates the schema if needed.
func Open(ctx context.Context, dsn string) (*Store, error) {
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("postgres: %w", err)
	}
	s := &Store{pool: newPool(cfg, poolSize)}
	err = s.write(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, schema+decisionsSchema); err != nil {
			return err
		}
		if err := migrateDecisions(ctx, tx); err != nil {
			return fmt.Errorf("converting the decision log: %w", err)
		}
		return nil
	})
	if err != nil {
		s.Close()
		return nil, fmt.Errorf("postgres: schema: %w", err)
	}
	return s, nil
}

// Close closes the connections. Later calls do nothing.
func (s *Store) Close() error {
	s.closeOnce.Do(s.pool.close)
	return nil
}

// querier is what both *pgx.Conn and pgx.Tx offer.
type querier interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// read runs fn on a pooled connection outside any transaction.
func (s *Store) read(ctx context.Context, fn func(q querier) error) error {
	c, err := s.pool.acquire(ctx)
	if err != nil {
		return err
	}
	err = fn(c)
	s.pool.release(c, isBroken(err))
	return err
}

// write runs fn in a transaction holding the global write lock. It rolls
// back on error and on panic.
func (s *Store) write(ctx context.Context, fn func(tx pgx.Tx) error) (err error) {
	c, err := s.pool.acquire(ctx)
	if err != nil {
		return err
	}
	tx, err := c.Begin(ctx)
	if err != nil {
		s.pool.release(c, true)
		return fmt.Errorf("postgres: begin: %w", err)
	}
	done := false
	defer func() {
		if !done {
			rbErr := tx.Rollback(context.Background())
			s.pool.release(c, rbErr != nil)
		}
	}()
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, writeLock); err != nil {
		return fmt.Errorf("postgres: lock: %w", err)
	}
	if err := fn(tx); err != nil {
		return err
	}
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("postgres: commit: %w", err)
	}
	done = true
	s.pool.release(c, false)
	return nil
}

// isBroken reports errors after which a connection should not be reused.
func isBroken(err error) bool {
	var pgErr *pgconn.PgError
	return err != nil && !errors.As(err, &pgErr) && !errors.Is(err, store.ErrNotFound) && !errors.Is(err, store.ErrConflict)
}

// Get returns the value of (kind, key) or store.ErrNotFound.
func (s *Store) Get(ctx context.Context, kind, key string) (v []byte, err error) {
	err = s.read(ctx, func(q querier) error { v, err = get(ctx, q, kind, key); return err })
	return v, err
}

// List returns the items of kind whose key starts with prefix, ordered by key.
func (s *Store) List(ctx context.Context, kind, prefix string) (items []store.Item, err error) {
	err = s.read(ctx, func(q querier) error { items, err = list(ctx, q, kind, prefix); return err })
	return items, err
}

// Put creates or replaces (kind, key).
func (s *Store) Put(ctx context.Context, kind, key string, value []byte) error {
	return s.write(ctx, func(tx pgx.Tx) error { return put(ctx, tx, kind, key, value) })
}

// Create adds (kind, key) or fails with store.ErrConflict.
func (s *Store) Create(ctx context.Context, kind, key string, value []byte) error {
	return s.write(ctx, func(tx pgx.Tx) error { return create(ctx, tx, kind, key, value) })
}

// Delete removes (kind, key) or fails with store.ErrNotFound.
func (s *Store) Delete(ctx context.Context, kind, key string) error {
	return s.write(ctx, func(tx pgx.Tx) error { return del(ctx, tx, kind, key) })
}

// Update runs fn in one transaction holding the write lock. fn must use tx:
// a write through s from inside fn would wait for the lock fn holds.
func (s *Store) Update(ctx context.Context, fn func(tx store.Tx) error) error {
	return s.write(ctx, func(tx pgx.Tx) error { return fn(&txn{q: tx}) })
}

// Append adds values to stream in one transaction and returns the
// sequence number (1, 2, ...) of the last.
func (s *Store) Append(ctx context.Context, stream string, values ...[]byte) (seq int64, err error) {
	err = s.write(ctx, func(tx pgx.Tx) error {
		seq, err = appendRecords(ctx, tx, stream, values)
		return err
	})
	return seq, err
}

// Trim drops the records of stream numbered through and below.
func (s *Store) Trim(ctx context.Context, stream string, through int64) error {
	return s.write(ctx, func(tx pgx.Tx) error { return trim(ctx, tx, stream, through) })
}

func appendRecords(ctx context.Context, q querier, stream string, values [][]byte) (int64, error) {
	var seq int64
	row := q.QueryRow(ctx, `SELECT COALESCE(MAX(seq), 0) + 1 FROM records WHERE stream = $1`, stream)
	if err := row.Scan(&seq); err != nil {
		return 0, fmt.Errorf("postgres: append: %w", err)
	}
	for i, v := range values {
		if _, err := q.Exec(ctx, `INSERT INTO records (stream, seq, value) VALUES ($1, $2, $3)`, stream, seq+int64(i), nonNil(v)); err != nil {
			return 0, fmt.Errorf("postgres: append: %w", err)
		}
	}
	return seq + int64(len(values)) - 1, nil
}

func trim(ctx context.Context, q querier, stream string, through int64) error {
	if _, err := q.Exec(ctx, `DELETE FROM records WHERE stream = $1 AND seq <= $2`, stream, through); err != nil {
		return fmt.Errorf("postgres: trim: %w", err)
	}
	return nil
}

// Range returns up to limit records of stream after seq, in order; limit <= 0
// means no limit.
func (s *Store) Range(ctx context.Context, stream string, after int64, limit int) (out []store.Record, err error) {
	var lim any // NULL: no limit
	if limit > 0 {
		lim = limit
	}
	err = s.read(ctx, func(q querier) error {
		rows, err := q.Query(ctx, `SELECT seq, value FROM records WHERE stream = $1 AND seq > $2 ORDER BY seq LIMIT $3`, stream, after, lim)
		if err != nil {
			return fmt.Errorf("postgres: range: %w", err)
		}
		out, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (store.Record, error) {
			var rec store.Record
			err := r.Scan(&rec.Seq, &rec.Value)
			return rec, err
		})
		if err != nil {
			return fmt.Errorf("postgres: range: %w", err)
		}
		return nil
	})
	return out, err
}

// txn is the store.Tx handed to Update's fn.
type txn struct{ q pgx.Tx }

func (t *txn) Get(ctx context.Context, kind, key string) ([]byte, error) {
	return get(ctx, t.q, kind, key)
}

func (t *txn) List(ctx context.Context, kind, prefix string) ([]store.Item, error) {
	return list(ctx, t.q, kind, prefix)
}

func (t *txn) Put(ctx context.Context, kind, key string, value []byte) error {
	return put(ctx, t.q, kind, key, value)
}

func (t *txn) Create(ctx context.Context, kind, key string, value []byte) error {
	return create(ctx, t.q, kind, key, value)
}

func (t *txn) Delete(ctx context.Context, kind, key string) error { return del(ctx, t.q, kind, key) }

func (t *txn) Append(ctx context.Context, stream string, values ...[]byte) (int64, error) {
	return appendRecords(ctx, t.q, stream, values)
}

func (t *txn) Trim(ctx context.Context, stream string, through int64) error {
	return trim(ctx, t.q, stream, through)
}

func get(ctx context.Context, q querier, kind, key string) ([]byte, error) {
	var v []byte
	err := q.QueryRow(ctx, `SELECT value FROM items WHERE kind = $1 AND key = $2`, kind, key).Scan(&v)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, fmt.Errorf("%w: %s %q", store.ErrNotFound, kind, key)
	}
	if err != nil {
		return nil, fmt.Errorf("postgres: get: %w", err)
	}
	return nonNil(v), nil
}

func list(ctx context.Context, q querier, kind, prefix string) ([]store.Item, error) {
	rows, err := q.Query(ctx,
		`SELECT key, value FROM items WHERE kind = $1 AND starts_with(key, $2) ORDER BY key`, kind, prefix)
	if err != nil {
		return nil, fmt.Errorf("postgres: list: %w", err)
	}
	items, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (store.Item, error) {
		it := store.Item{Kind: kind}
		err := r.Scan(&it.Key, &it.Value)
		it.Value = nonNil(it.Value)
		return it, err
	})
	if err != nil {
		return nil, fmt.Errorf("postgres: list: %w", err)
	}
	return items, nil
}

func put(ctx context.Context, q querier, kind, key string, value []byte) error {
	_, err := q.Exec(ctx, `INSERT INTO items (kind, key, value) VALUES ($1, $2, $3)
		ON CONFLICT (kind, key) DO UPDATE SET value = EXCLUDED.value`, kind, key, nonNil(value))
	if err != nil {
		return fmt.Errorf("postgres: put: %w", err)
	}
	return nil
}

func create(ctx context.Context, q querier, kind, key string, value []byte) error {
	tag, err := q.Exec(ctx, `INSERT INTO items (kind, key, value) VALUES ($1, $2, $3) ON CONFLICT (kind, key) DO NOTHING`,
		kind, key, nonNil(value))
	if err != nil {
		return fmt.Errorf("postgres: create: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("%w: %s %q", store.ErrConflict, kind, key)
	}
	return nil
}

func del(ctx context.Context, q querier, kind, key string) error {
	tag, err := q.Exec(ctx, `DELETE FROM items WHERE kind = $1 AND key = $2`, kind, key)
	if err != nil {
		return fmt.Errorf("postgres: delete: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("%w: %s %q", store.ErrNotFound, kind, key)
	}
	return nil
}

func nonNil(b []byte) []byte {
	if b == nil {
		return []byte{}
	}
	return b
}
