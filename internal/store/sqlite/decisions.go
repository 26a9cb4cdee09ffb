package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"math"

	"github.com/iamgate/iamgate/internal/store"
	"github.com/iamgate/iamgate/internal/store/decisionbatch"
)

var _ store.DecisionLog = (*Store)(nil)

// decisionsSchema is the decision log (idempotent, applied on every Open
// like schema): one row per batch the audit writer stores, in
// decisionbatch's encoding, numbered by its first decision (the rowid: rows
// are appended at the end of the B-tree), with the latest second of its
// decisions so that a Since skips older batches. No secondary index: the
// readers (`iamgate policy suggest`, the decisions API) scan, and a batch
// whose string table lacks the principal costs its table alone.
//
// decision_log's one row holds the next decision number and the first one
// kept: decisions are numbered densely, so the log holds next_seq -
// kept_from decisions, and keeping the newest keep is moving kept_from.
// Readers skip what lies below it; a batch row goes once all of its
// decisions do.
const decisionsSchema = `
CREATE TABLE IF NOT EXISTS decision_batches (
	seq      INTEGER PRIMARY KEY,
	last_seq INTEGER NOT NULL,
	max_at   INTEGER NOT NULL,
	value    BLOB    NOT NULL
);
CREATE TABLE IF NOT EXISTS decision_log (
	id        INTEGER PRIMARY KEY CHECK (id = 1),
	next_seq  INTEGER NOT NULL,
	kept_from INTEGER NOT NULL
);
INSERT OR IGNORE INTO decision_log (id, next_seq, kept_from) VALUES (1, 1, 1);
`

// The decision log's queries, prepared at Open with the others.
const (
	qDecLog     = `SELECT next_seq, kept_from FROM decision_log WHERE id = 1`
	qDecSetLog  = `UPDATE decision_log SET next_seq = ?, kept_from = ? WHERE id = 1`
	qDecInsert  = `INSERT INTO decision_batches (seq, last_seq, max_at, value) VALUES (?, ?, ?, ?)`
	qDecDropOld = `DELETE FROM decision_batches WHERE seq < ?1 AND last_seq < ?1`
	qDecSelect  = `SELECT b.seq, b.value, l.kept_from FROM decision_batches b, decision_log l
		WHERE l.id = 1 AND b.last_seq >= l.kept_from AND b.max_at >= ? ORDER BY b.seq`
)

// AppendDecisions adds ds, MaxLen to a row, and keeps the newest keep.
func (s *Store) AppendDecisions(ctx context.Context, ds []store.Decision, keep int) error {
	err := s.inTx(ctx, func(q *sql.Tx) error {
		r := runner{s: s, tx: q}
		next, from, err := decisionLog(ctx, r)
		if err != nil {
			return err
		}
		was := from
		next, err = insertBatches(ctx, r, &s.dec, ds, next)
		if err != nil {
			return err
		}
		from = decisionbatch.KeptFrom(next, from, keep)
		if _, err := r.stmt(ctx, qDecSetLog).ExecContext(ctx, next, from); err != nil {
			return err
		}
		if from != was {
			if _, err := r.stmt(ctx, qDecDropOld).ExecContext(ctx, from); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("sqlite: decisions: %w", err)
	}
	return nil
}

func decisionLog(ctx context.Context, r runner) (next, from int64, err error) {
	err = r.stmt(ctx, qDecLog).QueryRowContext(ctx).Scan(&next, &from)
	return next, from, err
}

// decisionWriter is the encoder and buffer a Store reuses for its batches
// (used under wmu, inside inTx).
type decisionWriter struct {
	enc decisionbatch.Encoder
	buf []byte
}

// insertBatches stores ds as rows of at most MaxLen, numbered from next,
// and returns the number after the last.
func insertBatches(ctx context.Context, r runner, w *decisionWriter, ds []store.Decision, next int64) (int64, error) {
	ins := r.stmt(ctx, qDecInsert)
	return decisionbatch.Split(ds, next, func(chunk []store.Decision, first, last int64) error {
		w.buf = w.enc.Encode(w.buf[:0], chunk) // the driver copies the bound value
		_, err := ins.ExecContext(ctx, first, last, decisionbatch.MaxUnix(chunk), w.buf)
		return err
	})
}

// Decisions returns the decisions q selects, oldest first.
func (s *Store) Decisions(ctx context.Context, q store.DecisionQuery) ([]store.Decision, error) {
	since := int64(math.MinInt64)
	if !q.Since.IsZero() {
		since = q.Since.Unix()
	}
	// One statement: one read snapshot of the rows and of kept_from.
	rows, err := s.stmts[qDecSelect].QueryContext(ctx, since)
	if err != nil {
		return nil, fmt.Errorf("sqlite: decisions: %w", err)
	}
	defer rows.Close()
	// sql.RawBytes: the values are read in place (Select copies the
	// strings it keeps).
	out, err := decisionbatch.SelectRows[sql.RawBytes](rows, q)
	if err != nil {
		return nil, fmt.Errorf("sqlite: decisions: %w", err)
	}
	return out, nil
}
