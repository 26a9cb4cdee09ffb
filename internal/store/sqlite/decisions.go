package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"github.com/iamgate/iamgate/internal/store"
)

var _ store.DecisionLog = (*Store)(nil)

// decisionsSchema is the decisions table, added beside items and records
// (idempotent, applied on every Open like schema).
const decisionsSchema = `
CREATE TABLE IF NOT EXISTS decisions (
	seq       INTEGER PRIMARY KEY AUTOINCREMENT,
	at        INTEGER NOT NULL,
	principal TEXT    NOT NULL,
	value     BLOB    NOT NULL
);
CREATE INDEX IF NOT EXISTS decisions_principal_at ON decisions (principal, at);
`

// AppendDecisions adds ds and trims the table to its newest keep rows.
func (s *Store) AppendDecisions(ctx context.Context, ds []store.Decision, keep int) error {
	return s.inTx(ctx, func(q *sql.Tx) error {
		r := runner{s: s, tx: q}
		ins := r.stmt(ctx, qDecision) // prepared once at Open, not per row
		var buf []byte
		for _, d := range ds {
			buf = appendDecision(buf[:0], d) // the driver copies the bound value
			if _, err := ins.ExecContext(ctx, d.Time.UnixNano(), d.Principal, buf); err != nil {
				return fmt.Errorf("sqlite: decisions: %w", err)
			}
		}
		if keep > 0 {
			if _, err := r.stmt(ctx, qTrimDecs).ExecContext(ctx, keep); err != nil {
				return fmt.Errorf("sqlite: decisions: %w", err)
			}
		}
		return nil
	})
}

// Decisions returns the decisions q selects, oldest first.
func (s *Store) Decisions(ctx context.Context, q store.DecisionQuery) ([]store.Decision, error) {
	limit := q.Limit
	if limit <= 0 {
		limit = -1
	}
	var since int64
	if !q.Since.IsZero() {
		since = q.Since.UnixNano()
	}
	rows, err := s.db.QueryContext(ctx, `SELECT seq, value FROM decisions WHERE (? = '' OR principal = ?) AND at >= ? ORDER BY seq LIMIT ?`,
		q.Principal, q.Principal, since, limit)
	if err != nil {
		return nil, fmt.Errorf("sqlite: decisions: %w", err)
	}
	defer rows.Close()
	var out []store.Decision
	for rows.Next() {
		var seq int64
		var v []byte
		if err := rows.Scan(&seq, &v); err != nil {
			return nil, fmt.Errorf("sqlite: decisions: %w", err)
		}
		var d store.Decision
		if err := json.Unmarshal(v, &d); err != nil {
			return nil, fmt.Errorf("sqlite: decision %d: %w", seq, err)
		}
		d.Seq, d.Time = seq, d.Time.UTC()
		out = append(out, d)
	}
	return out, rows.Err()
}
