// Package record reads and writes JSON-encoded records of a store.Store by
// kind and key, the way the domain packages (apigw, httpapi) keep their
// entities: encode and write one (Put, Create), decode one, decode every
// one under a key prefix (List, or ListAs for a view of each), delete every
// child under a parent's prefix, or the parent with them (DeleteTree).
//
// It owns encoding and wrapping only: a missing record stays
// store.ErrNotFound (wrapped), for the caller to turn into its service's
// AWS error.
package record
