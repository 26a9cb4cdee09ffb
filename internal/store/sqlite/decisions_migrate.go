package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/iamgate/iamgate/internal/store"
	"github.com/iamgate/iamgate/internal/store/decisionbatch"
)

// oldDecisionsTable is the decision log of data dirs written before
// batches: one encoding/json row per decision (seq AUTOINCREMENT, at,
// principal, value), with an index on (principal, at).
const oldDecisionsTable = "decisions"

// migrateDecisions converts an old decision log into batch rows, oldest
// first and numbered after what the new log holds, then drops the old
// table, all in one transaction: a crash or a row that does not decode
// leaves the old table whole (and Open fails saying which row), and a
// converted file has no old table, so Open converts once.
func (s *Store) migrateDecisions(ctx context.Context) error {
	old, err := hasTable(ctx, s.db, oldDecisionsTable)
	if err != nil || !old {
		return err
	}
	err = s.inTx(ctx, func(q *sql.Tx) error {
		if old, err := hasTable(ctx, q, oldDecisionsTable); err != nil || !old {
			return err // another process converted it meanwhile
		}
		r := runner{s: s, tx: q}
		next, from, err := decisionLog(ctx, r)
		if err != nil {
			return err
		}
		next, err = decisionbatch.Convert(next, func(after int64, limit int) ([]store.Decision, int64, error) {
			return oldDecisions(ctx, q, after, limit)
		}, func(ds []store.Decision, next int64) (int64, error) {
			return insertBatches(ctx, r, &s.dec, ds, next)
		})
		if err != nil {
			return err
		}
		if _, err := r.stmt(ctx, qDecSetLog).ExecContext(ctx, next, from); err != nil {
			return err
		}
		_, err = q.ExecContext(ctx, `DROP TABLE `+oldDecisionsTable)
		return err
	})
	if err != nil {
		return fmt.Errorf("sqlite: converting the decision log: %w", err)
	}
	return nil
}

// oldDecisions reads up to limit old rows after seq after, in order, and
// returns them with the last seq read.
func oldDecisions(ctx context.Context, q *sql.Tx, after int64, limit int) ([]store.Decision, int64, error) {
	rows, err := q.QueryContext(ctx, `SELECT seq, value FROM `+oldDecisionsTable+` WHERE seq > ? ORDER BY seq LIMIT ?`, after, limit)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	return decisionbatch.ReadOld(rows)
}

// queryer is what *sql.DB and *sql.Tx share.
type queryer interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func hasTable(ctx context.Context, q queryer, name string) (bool, error) {
	var n int
	err := q.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?`, name).Scan(&n)
	return n > 0, err
}
