package postgres

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/iamgate/iamgate/internal/store"
	"github.com/iamgate/iamgate/internal/store/decisionbatch"
)

// migrateDecisions converts the decision log of a database written before
// batches (table decisions: one encoding/json row per decision, seq
// BIGSERIAL, an index on (principal, at)) into batch rows, oldest first and
// numbered after what the new log holds, and drops the old table, in one
// transaction under the write lock: replicas opening at once convert it
// once, and a row that does not decode leaves the old table whole (Open
// fails saying which).
func migrateDecisions(ctx context.Context, tx pgx.Tx) error {
	var old bool
	if err := tx.QueryRow(ctx, `SELECT to_regclass('decisions') IS NOT NULL`).Scan(&old); err != nil || !old {
		return err
	}
	next, from, err := decisionLog(ctx, tx)
	if err != nil {
		return err
	}
	// A page of rows at a time (by seq, the old primary key), so that a
	// full log of 100,000 is never in memory at once.
	after := int64(-1 << 63)
	for {
		ds, last, err := oldDecisions(ctx, tx, after, decisionbatch.MaxLen)
		if err != nil {
			return err
		}
		if len(ds) == 0 {
			break
		}
		if next, err = insertBatches(ctx, tx, ds, next); err != nil {
			return err
		}
		after = last
	}
	if _, err := tx.Exec(ctx, `UPDATE decision_log SET next_seq = $1, kept_from = $2 WHERE id = 1`, next, from); err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `DROP TABLE decisions`)
	return err
}

// oldDecisions reads up to limit old rows after seq after, in order, and
// returns them with the last seq read.
func oldDecisions(ctx context.Context, tx pgx.Tx, after int64, limit int) ([]store.Decision, int64, error) {
	rows, err := tx.Query(ctx, `SELECT seq, value FROM decisions WHERE seq > $1 ORDER BY seq LIMIT $2`, after, limit)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var ds []store.Decision
	var seq int64
	for rows.Next() {
		var v []byte
		if err := rows.Scan(&seq, &v); err != nil {
			return nil, 0, err
		}
		var d store.Decision
		if err := json.Unmarshal(v, &d); err != nil {
			return nil, 0, fmt.Errorf("decision %d: %w", seq, err)
		}
		ds = append(ds, d)
	}
	return ds, seq, rows.Err()
}
