package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"runtime"
	"strings"
	"sync"

	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver

	"github.com/iamgate/iamgate/internal/store"
)

var _ store.Store = (*Store)(nil)

// schema is applied on every Open; each statement is idempotent.
const schema = `
CREATE TABLE IF NOT EXISTS items (
	kind  TEXT NOT NULL,
	key   TEXT NOT NULL,
	value BLOB NOT NULL,
	PRIMARY KEY (kind, key)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS records (
	stream TEXT    NOT NULL,
	seq    INTEGER NOT NULL,
	value  BLOB    NOT NULL,
	PRIMARY KEY (stream, seq)
) WITHOUT ROWID;
`

// Store is a store.Store over one SQLite file. It is safe for concurrent use.
type Store struct {
	db *sql.DB
	// stmts holds every query of this file prepared once (database/sql
	// then prepares each on a pooled connection the first time it runs
	// there, and keeps it): SQLite no longer parses SQL per call.
	stmts map[string]*sql.Stmt
	// wmu queues this process's writers; SQLite allows one writer at a time
	// and its busy handler polls with sleeps, which is slow under contention.
	wmu       sync.Mutex
	dec       decisionWriter // under wmu
	closeOnce sync.Once
	closeErr  error
}

// poolSize is how many connections stay open, idle ones included: readers
// run in parallel under WAL, and a pool that closes idle connections (the
// database/sql default keeps 2) re-opens and re-prepares under load.
func poolSize() int { return max(4, 2*runtime.GOMAXPROCS(0)) }

// Open opens (creating if needed, mode 0600) the SQLite database at path.
func Open(path string) (*Store, error) {
	if path == "" || strings.HasPrefix(path, "file:") || strings.Contains(path, "?") {
		return nil, fmt.Errorf("sqlite: open %q: want a plain file path", path)
	}
	// Create the file ourselves so it gets 0600; SQLite then gives its -wal
	// and -shm files the same mode as the database file.
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("sqlite: open: %w", err)
	}
	if err := f.Close(); err != nil {
		return nil, fmt.Errorf("sqlite: open: %w", err)
	}
	db, err := sql.Open("sqlite", dsn(path))
	if err != nil {
		return nil, fmt.Errorf("sqlite: open: %w", err)
	}
	db.SetMaxOpenConns(poolSize())
	db.SetMaxIdleConns(poolSize())
	if _, err := db.Exec(schema + decisionsSchema); err != nil {
		db.Close()
		return nil, fmt.Errorf("sqlite: schema: %w", err)
	}
	s := &Store{db: db, stmts: make(map[string]*sql.Stmt, len(queries))}
	for _, q := range queries {
		st, err := db.Prepare(q)
		if err != nil {
			db.Close()
			return nil, fmt.Errorf("sqlite: prepare: %w", err)
		}
		s.stmts[q] = st
	}
	if err := s.migrateDecisions(context.Background()); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// dsn builds the connection string. Every pooled connection gets the same
// pragmas because modernc applies them per connection.
func dsn(path string) string {
	q := url.Values{}
	q.Set("_txlock", "immediate")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "synchronous(NORMAL)")
	q.Add("_pragma", "foreign_keys(ON)")
	u := url.URL{Scheme: "file", Opaque: (&url.URL{Path: path}).EscapedPath(), RawQuery: q.Encode()}
	return u.String()
}

// Close closes the database; later calls return the first call's result.
func (s *Store) Close() error {
	s.closeOnce.Do(func() {
		for _, st := range s.stmts {
			st.Close()
		}
		s.closeErr = s.db.Close()
	})
	return s.closeErr
}

// The queries, prepared at Open.
const (
	qGet       = `SELECT value FROM items WHERE kind = ? AND key = ?`
	qList      = `SELECT key, value FROM items WHERE kind = ? AND key >= ? ORDER BY key`
	qPut       = `INSERT INTO items (kind, key, value) VALUES (?, ?, ?) ON CONFLICT (kind, key) DO UPDATE SET value = excluded.value`
	qCreate    = `INSERT INTO items (kind, key, value) VALUES (?, ?, ?) ON CONFLICT (kind, key) DO NOTHING`
	qDelete    = `DELETE FROM items WHERE kind = ? AND key = ?`
	qNextSeq   = `SELECT COALESCE(MAX(seq), 0) + 1 FROM records WHERE stream = ?`
	qInsertSeq = `INSERT INTO records (stream, seq, value) VALUES (?, ?, ?)`
	qTrim      = `DELETE FROM records WHERE stream = ? AND seq <= ?`
	qRange     = `SELECT seq, value FROM records WHERE stream = ? AND seq > ? ORDER BY seq LIMIT ?`
)

var queries = []string{qGet, qList, qPut, qCreate, qDelete, qNextSeq, qInsertSeq, qTrim, qRange,
	qDecLog, qDecSetLog, qDecInsert, qDecDropOld, qDecSelect}

// runner runs prepared queries on the database or inside one transaction.
type runner struct {
	s  *Store
	tx *sql.Tx // nil: the database
}

func (r runner) stmt(ctx context.Context, q string) *sql.Stmt {
	st := r.s.stmts[q]
	if r.tx != nil {
		return r.tx.StmtContext(ctx, st)
	}
	return st
}

func (s *Store) db0() runner { return runner{s: s} }

// Get returns the value of (kind, key) or store.ErrNotFound.
func (s *Store) Get(ctx context.Context, kind, key string) ([]byte, error) {
	return get(ctx, s.db0(), kind, key)
}

// List returns the items of kind whose key starts with prefix, ordered by key.
func (s *Store) List(ctx context.Context, kind, prefix string) ([]store.Item, error) {
	return list(ctx, s.db0(), kind, prefix)
}

// Put creates or replaces (kind, key).
func (s *Store) Put(ctx context.Context, kind, key string, value []byte) error {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	return put(ctx, s.db0(), kind, key, value)
}

// Create adds (kind, key) or fails with store.ErrConflict.
func (s *Store) Create(ctx context.Context, kind, key string, value []byte) error {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	return create(ctx, s.db0(), kind, key, value)
}

// Delete removes (kind, key) or fails with store.ErrNotFound.
func (s *Store) Delete(ctx context.Context, kind, key string) error {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	return del(ctx, s.db0(), kind, key)
}

// Update runs fn in one IMMEDIATE transaction. fn must use tx, not s: a
// write through s from inside fn would wait for the lock fn holds.
func (s *Store) Update(ctx context.Context, fn func(tx store.Tx) error) error {
	return s.inTx(ctx, func(q *sql.Tx) error { return fn(&tx{r: runner{s: s, tx: q}}) })
}

// inTx runs fn in a write transaction, rolling back on error and on panic.
func (s *Store) inTx(ctx context.Context, fn func(q *sql.Tx) error) error {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	sqlTx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("sqlite: begin: %w", err)
	}
	committed := false
	defer func() {
		if !committed {
			sqlTx.Rollback()
		}
	}()
	if err := fn(sqlTx); err != nil {
		return err
	}
	if err := sqlTx.Commit(); err != nil {
		return fmt.Errorf("sqlite: commit: %w", err)
	}
	committed = true
	return nil
}

// Append adds values to stream in one transaction and returns the
// sequence number (1, 2, ...) of the last.
func (s *Store) Append(ctx context.Context, stream string, values ...[]byte) (int64, error) {
	var seq int64
	err := s.inTx(ctx, func(q *sql.Tx) (err error) {
		seq, err = appendRecords(ctx, runner{s: s, tx: q}, stream, values)
		return err
	})
	return seq, err
}

// Trim drops the records of stream numbered through and below.
func (s *Store) Trim(ctx context.Context, stream string, through int64) error {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	return trim(ctx, s.db0(), stream, through)
}

func appendRecords(ctx context.Context, r runner, stream string, values [][]byte) (int64, error) {
	var seq int64
	if err := r.stmt(ctx, qNextSeq).QueryRowContext(ctx, stream).Scan(&seq); err != nil {
		return 0, fmt.Errorf("sqlite: append: %w", err)
	}
	ins := r.stmt(ctx, qInsertSeq)
	for i, v := range values {
		if _, err := ins.ExecContext(ctx, stream, seq+int64(i), nonNil(v)); err != nil {
			return 0, fmt.Errorf("sqlite: append: %w", err)
		}
	}
	return seq + int64(len(values)) - 1, nil
}

func trim(ctx context.Context, r runner, stream string, through int64) error {
	if _, err := r.stmt(ctx, qTrim).ExecContext(ctx, stream, through); err != nil {
		return fmt.Errorf("sqlite: trim: %w", err)
	}
	return nil
}

// Range returns up to limit records of stream after seq, in order; limit <= 0
// means no limit.
func (s *Store) Range(ctx context.Context, stream string, after int64, limit int) ([]store.Record, error) {
	if limit <= 0 {
		limit = -1 // SQLite: a negative LIMIT means none
	}
	rows, err := s.stmts[qRange].QueryContext(ctx, stream, after, limit)
	if err != nil {
		return nil, fmt.Errorf("sqlite: range: %w", err)
	}
	defer rows.Close()
	var out []store.Record
	for rows.Next() {
		var r store.Record
		if err := rows.Scan(&r.Seq, &r.Value); err != nil {
			return nil, fmt.Errorf("sqlite: range: %w", err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: range: %w", err)
	}
	return out, nil
}

// tx is the store.Tx handed to Update's fn.
type tx struct{ r runner }

func (t *tx) Get(ctx context.Context, kind, key string) ([]byte, error) {
	return get(ctx, t.r, kind, key)
}

func (t *tx) List(ctx context.Context, kind, prefix string) ([]store.Item, error) {
	return list(ctx, t.r, kind, prefix)
}

func (t *tx) Put(ctx context.Context, kind, key string, value []byte) error {
	return put(ctx, t.r, kind, key, value)
}

func (t *tx) Create(ctx context.Context, kind, key string, value []byte) error {
	return create(ctx, t.r, kind, key, value)
}

func (t *tx) Delete(ctx context.Context, kind, key string) error {
	return del(ctx, t.r, kind, key)
}

func (t *tx) Append(ctx context.Context, stream string, values ...[]byte) (int64, error) {
	return appendRecords(ctx, t.r, stream, values)
}

func (t *tx) Trim(ctx context.Context, stream string, through int64) error {
	return trim(ctx, t.r, stream, through)
}

func get(ctx context.Context, r runner, kind, key string) ([]byte, error) {
	var v []byte
	err := r.stmt(ctx, qGet).QueryRowContext(ctx, kind, key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("%w: %s %q", store.ErrNotFound, kind, key)
	}
	if err != nil {
		return nil, fmt.Errorf("sqlite: get: %w", err)
	}
	return nonNil(v), nil
}

// list scans from prefix in key order and stops at the first key without
// it; a range scan avoids LIKE, whose % and _ would need escaping.
func list(ctx context.Context, r runner, kind, prefix string) ([]store.Item, error) {
	rows, err := r.stmt(ctx, qList).QueryContext(ctx, kind, prefix)
	if err != nil {
		return nil, fmt.Errorf("sqlite: list: %w", err)
	}
	defer rows.Close()
	var out []store.Item
	for rows.Next() {
		it := store.Item{Kind: kind}
		if err := rows.Scan(&it.Key, &it.Value); err != nil {
			return nil, fmt.Errorf("sqlite: list: %w", err)
		}
		if !strings.HasPrefix(it.Key, prefix) {
			break
		}
		it.Value = nonNil(it.Value)
		out = append(out, it)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: list: %w", err)
	}
	return out, nil
}

func put(ctx context.Context, r runner, kind, key string, value []byte) error {
	if _, err := r.stmt(ctx, qPut).ExecContext(ctx, kind, key, nonNil(value)); err != nil {
		return fmt.Errorf("sqlite: put: %w", err)
	}
	return nil
}

func create(ctx context.Context, r runner, kind, key string, value []byte) error {
	res, err := r.stmt(ctx, qCreate).ExecContext(ctx, kind, key, nonNil(value))
	if err != nil {
		return fmt.Errorf("sqlite: create: %w", err)
	}
	return affected(res, store.ErrConflict, kind, key)
}

func del(ctx context.Context, r runner, kind, key string) error {
	res, err := r.stmt(ctx, qDelete).ExecContext(ctx, kind, key)
	if err != nil {
		return fmt.Errorf("sqlite: delete: %w", err)
	}
	return affected(res, store.ErrNotFound, kind, key)
}

// affected turns "no row changed" into sentinel.
func affected(res sql.Result, sentinel error, kind, key string) error {
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("sqlite: %w", err)
	}
	if n == 0 {
		return fmt.Errorf("%w: %s %q", sentinel, kind, key)
	}
	return nil
}

// nonNil keeps empty values distinguishable from SQL NULL and returns
// non-nil slices, so a stored []byte{} reads back as []byte{}.
func nonNil(b []byte) []byte {
	if b == nil {
		return []byte{}
	}
	return b
}
