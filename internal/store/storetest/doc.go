// Package storetest is the contract suite every store.Store backend must
// pass: CRUD, not-found and conflict sentinels, List prefix and byte order,
// transactions (commit, rollback on error and on panic, isolation), concurrent
// writers, append-only streams and durability across reopen. Each rule is its
// own named subtest, so a failing backend learns which rule it broke.
//
// It owns no backend and no production code; backends call Run from their
// tests (sqlite always, postgres when a database is configured). SQLite
// gives the domain packages' tests a fresh store that closes with the test.
// The SQL backends' decision log tests share OldDecisions,
// InsertOldDecisions, CheckDecisions and DecisionLogDropsOldRows.
package storetest
