// Package record reads and writes JSON-encoded records of a store.Store by
// kind and key, the way the domain packages (apigw, httpapi) keep their
// entities: decode one, decode every one under a key prefix, delete every
// child under a parent's prefix.
//
// It owns encoding and wrapping only: a missing record stays
// store.ErrNotFound (wrapped), for the caller to turn into its service's
// AWS error.
package record
