package store

import (
	"context"
	"errors"
)

// Sentinel errors every backend returns, so callers can test with errors.Is.
var (
	ErrNotFound = errors.New("store: not found")
	ErrConflict = errors.New("store: already exists")
)

// Item is one stored record.
type Item struct {
	Kind  string
	Key   string
	Value []byte
}

// Reader reads records. Keys within a kind are unique; List returns the items
// of a kind whose key starts with prefix, ordered by key.
type Reader interface {
	Get(ctx context.Context, kind, key string) ([]byte, error)
	List(ctx context.Context, kind, prefix string) ([]Item, error)
}

// Writer changes records. Put creates or replaces; Create fails with
// ErrConflict when the key exists; Delete fails with ErrNotFound when it does not.
type Writer interface {
	Put(ctx context.Context, kind, key string, value []byte) error
	Create(ctx context.Context, kind, key string, value []byte) error
	Delete(ctx context.Context, kind, key string) error
}

// Appender writes append-only sequences (log events, stack events). Append
// adds values to stream in order and returns the sequence number of the
// last, numbers increasing per stream; Trim drops the records of stream
// numbered through and below (retention), keeping the numbering.
type Appender interface {
	Append(ctx context.Context, stream string, values ...[]byte) (int64, error)
	Trim(ctx context.Context, stream string, through int64) error
}

// Tx is a transaction: all of its writes land together or none do.
type Tx interface {
	Reader
	Writer
	Appender
}

// Store is a durable record store shared by every domain package.
type Store interface {
	Reader
	Writer
	// Update runs fn in a serializable read-write transaction. If fn returns an
	// error, nothing it wrote is kept and the error is returned.
	Update(ctx context.Context, fn func(tx Tx) error) error
	// Append and Trim, each in a transaction of its own.
	Appender
	// Range returns up to limit records of stream with sequence > after, in order.
	Range(ctx context.Context, stream string, after int64, limit int) ([]Record, error)
	Close() error
}

// Record is one entry of an append-only stream.
type Record struct {
	Seq   int64
	Value []byte
}
