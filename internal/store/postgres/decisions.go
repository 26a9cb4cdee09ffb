package postgres

import (
	"context"
	"fmt"
	"math"

	"github.com/jackc/pgx/v5"

	"github.com/iamgate/iamgate/internal/store"
	"github.com/iamgate/iamgate/internal/store/decisionbatch"
)

var _ store.DecisionLog = (*Store)(nil)

// decisionsSchema is the decision log (idempotent, applied on every Open
// like schema), the same layout as the SQLite backend's: one row per
// batch in decisionbatch's encoding, numbered by its first decision, with
// the latest second of its decisions; decision_log's one row holds the
// next number and the first one kept. Writers hold the global write lock,
// so numbers are dense and given in commit order across replicas.
const decisionsSchema = `
CREATE TABLE IF NOT EXISTS decision_batches (
	seq      BIGINT PRIMARY KEY,
	last_seq BIGINT NOT NULL,
	max_at   BIGINT NOT NULL,
	value    BYTEA  NOT NULL
);
CREATE TABLE IF NOT EXISTS decision_log (
	id        INT PRIMARY KEY CHECK (id = 1),
	next_seq  BIGINT NOT NULL,
	kept_from BIGINT NOT NULL
);
INSERT INTO decision_log (id, next_seq, kept_from) VALUES (1, 1, 1) ON CONFLICT (id) DO NOTHING;`

// AppendDecisions adds ds, MaxLen to a row, and keeps the newest keep.
func (s *Store) AppendDecisions(ctx context.Context, ds []store.Decision, keep int) error {
	err := s.write(ctx, func(tx pgx.Tx) error {
		next, from, err := decisionLog(ctx, tx)
		if err != nil {
			return err
		}
		was := from
		if next, err = insertBatches(ctx, tx, ds, next); err != nil {
			return err
		}
		from = decisionbatch.KeptFrom(next, from, keep)
		if _, err := tx.Exec(ctx, `UPDATE decision_log SET next_seq = $1, kept_from = $2 WHERE id = 1`, next, from); err != nil {
			return err
		}
		if from != was {
			if _, err := tx.Exec(ctx, `DELETE FROM decision_batches WHERE seq < $1 AND last_seq < $1`, from); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("postgres: decisions: %w", err)
	}
	return nil
}

func decisionLog(ctx context.Context, q querier) (next, from int64, err error) {
	err = q.QueryRow(ctx, `SELECT next_seq, kept_from FROM decision_log WHERE id = 1`).Scan(&next, &from)
	return next, from, err
}

// insertBatches stores ds as rows of at most MaxLen, numbered from next,
// and returns the number after the last.
func insertBatches(ctx context.Context, tx pgx.Tx, ds []store.Decision, next int64) (int64, error) {
	var enc decisionbatch.Encoder
	return decisionbatch.Split(ds, next, func(chunk []store.Decision, first, last int64) error {
		_, err := tx.Exec(ctx, `INSERT INTO decision_batches (seq, last_seq, max_at, value) VALUES ($1, $2, $3, $4)`,
			first, last, decisionbatch.MaxUnix(chunk), enc.Encode(nil, chunk))
		return err
	})
}

// Decisions returns the decisions q selects, oldest first.
func (s *Store) Decisions(ctx context.Context, q store.DecisionQuery) (out []store.Decision, err error) {
	since := int64(math.MinInt64)
	if !q.Since.IsZero() {
		since = q.Since.Unix()
	}
	err = s.read(ctx, func(qr querier) error {
		// One statement: one snapshot of the rows and of kept_from.
		rows, err := qr.Query(ctx, `SELECT b.seq, b.value, l.kept_from FROM decision_batches b, decision_log l
			WHERE l.id = 1 AND b.last_seq >= l.kept_from AND b.max_at >= $1 ORDER BY b.seq`, since)
		if err != nil {
			return err
		}
		defer rows.Close() // ends the query when SelectRows stops at q.Limit
		out, err = decisionbatch.SelectRows[[]byte](rows, q)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("postgres: decisions: %w", err)
	}
	return out, nil
}
