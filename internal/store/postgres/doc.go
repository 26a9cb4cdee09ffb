// Package postgres is iamgate's shared store backend for several replicas:
// the store.Store contract over PostgreSQL with jackc/pgx/v5.
//
// It owns its schema (tables items and records, and the decision log's
// decision_batches and decision_log, created on Open) and a small
// connection pool of its own (pgxpool would need another module). Every
// write takes one transaction-scoped advisory lock, so writers from all
// replicas are serialized, as SQLite's single writer is: an Update's reads
// and writes are then serializable under READ COMMITTED without retry loops.
// Statements are prepared once per connection and reused: pgx's default
// query mode caches them by SQL text (QueryExecModeCacheStatement), and the
// pool keeps its 8 connections open, so SQL is not re-parsed per call.
// Keys use the "C" collation so List orders by bytes, as the contract says.
// Keys and kinds are text, so they must be valid UTF-8 without NUL bytes.
//
// It does not do LISTEN/NOTIFY cache invalidation yet. See
// https://www.postgresql.org/docs/current/explicit-locking.html#ADVISORY-LOCKS.
package postgres
