package postgres

import (
	"context"

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
	next, err = decisionbatch.Convert(next, func(after int64, limit int) ([]store.Decision, int64, error) {
		return oldDecisions(ctx, tx, after, limit)
	}, func(ds []store.Decision, next int64) (int64, error) {
		return insertBatches(ctx, tx, ds, next)
	})
	if err != nil {
		return err
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
	return decisionbatch.ReadOld(rows)
}
