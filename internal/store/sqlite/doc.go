// Package sqlite is iamgate's embedded store backend: one SQLite file
// (modernc.org/sqlite, pure Go, no cgo) in WAL mode, created with mode 0600.
//
// It owns the SQL schema of the store.Store contract and nothing else: domain
// packages encode their own values. Write transactions begin IMMEDIATE (the
// DSN sets _txlock=immediate), so an Update holds SQLite's single write lock
// from its first statement and is serializable; a busy timeout lets other
// processes on the same file wait instead of failing. Inside one process,
// writers are also queued on a mutex so they do not spin in SQLite's busy
// handler. See https://www.sqlite.org/wal.html and
// https://www.sqlite.org/lang_transaction.html.
package sqlite
