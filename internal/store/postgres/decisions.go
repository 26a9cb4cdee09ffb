package postgres

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/iamgate/iamgate/internal/store"
)

var _ store.DecisionLog = (*Store)(nil)

// decisionsSchema is the decisions table, added beside items and records
// (idempotent, applied on every Open like schema).
const decisionsSchema = `
CREATE TABLE IF NOT EXISTS decisions (
	seq       BIGSERIAL PRIMARY KEY,
	at        BIGINT NOT NULL,
	principal TEXT COLLATE "C" NOT NULL,
	value     BYTEA NOT NULL
);
CREATE INDEX IF NOT EXISTS decisions_principal_at ON decisions (principal, at);`

// AppendDecisions adds ds and trims the table to its newest keep rows.
func (s *Store) AppendDecisions(ctx context.Context, ds []store.Decision, keep int) error {
	return s.write(ctx, func(tx pgx.Tx) error {
		for _, d := range ds {
			v, err := json.Marshal(d)
			if err != nil {
				return fmt.Errorf("postgres: decisions: %w", err)
			}
			if _, err := tx.Exec(ctx, `INSERT INTO decisions (at, principal, value) VALUES ($1, $2, $3)`,
				d.Time.UnixNano(), d.Principal, v); err != nil {
				return fmt.Errorf("postgres: decisions: %w", err)
			}
		}
		if keep > 0 {
			if _, err := tx.Exec(ctx, `DELETE FROM decisions WHERE seq <= (SELECT MAX(seq) FROM decisions) - $1`, keep); err != nil {
				return fmt.Errorf("postgres: decisions: %w", err)
			}
		}
		return nil
	})
}

// Decisions returns the decisions q selects, oldest first.
func (s *Store) Decisions(ctx context.Context, q store.DecisionQuery) (out []store.Decision, err error) {
	var lim any // NULL: no limit
	if q.Limit > 0 {
		lim = q.Limit
	}
	var since int64
	if !q.Since.IsZero() {
		since = q.Since.UnixNano()
	}
	err = s.read(ctx, func(qr querier) error {
		rows, err := qr.Query(ctx, `SELECT seq, value FROM decisions WHERE ($1 = '' OR principal = $1) AND at >= $2 ORDER BY seq LIMIT $3`,
			q.Principal, since, lim)
		if err != nil {
			return fmt.Errorf("postgres: decisions: %w", err)
		}
		out, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (store.Decision, error) {
			var seq int64
			var v []byte
			if err := r.Scan(&seq, &v); err != nil {
				return store.Decision{}, err
			}
			var d store.Decision
			if err := json.Unmarshal(v, &d); err != nil {
				return store.Decision{}, fmt.Errorf("decision %d: %w", seq, err)
			}
			d.Seq, d.Time = seq, d.Time.UTC()
			return d, nil
		})
		if err != nil {
			return fmt.Errorf("postgres: decisions: %w", err)
		}
		return nil
	})
	return out, err
}
