// Package store holds the interfaces of iamgate's durable state: a record store
// of (kind, key) → bytes with transactions, and append-only streams for log
// and stack events. Domain packages (iam, stack, apigw, logs, lambda) encode
// their own records; backends live in sub-packages (sqlite, postgres) and are
// all checked by the storetest contract suite.
package store
