package decisionbatch

import (
	"encoding/json"
	"fmt"

	"github.com/iamgate/iamgate/internal/store"
)

// The backends' row loops over the batch table and the old (one row per
// decision) log are the same over pgx and database/sql; they live here so
// that both number, trim, read and convert alike. The backends keep the
// statements and the transactions.

// Rows is what pgx.Rows and *sql.Rows share.
type Rows interface {
	Next() bool
	Scan(dest ...any) error
	Err() error
}

// Split calls put for ds in batches of at most MaxLen, numbered densely
// from next (first and last of each batch), and returns the number after
// the last.
func Split(ds []store.Decision, next int64, put func(chunk []store.Decision, first, last int64) error) (int64, error) {
	for len(ds) > 0 {
		chunk := ds[:min(len(ds), MaxLen)]
		ds = ds[len(chunk):]
		n := int64(len(chunk))
		if err := put(chunk, next, next+n-1); err != nil {
			return 0, err
		}
		next += n
	}
	return next, nil
}

// KeptFrom is the first decision kept when the log numbers up to next
// and keeps the newest keep (0: all), having kept from before.
func KeptFrom(next, from int64, keep int) int64 {
	if keep > 0 && next-int64(keep) > from {
		return next - int64(keep)
	}
	return from
}

// SelectRows answers q from rows of (first seq, value, kept_from), in seq
// order, stopping at q.Limit. V is the value's scan type: sql.RawBytes
// lets database/sql lend its buffer, which is safe as Select copies the
// strings it keeps.
func SelectRows[V ~[]byte](rows Rows, q store.DecisionQuery) ([]store.Decision, error) {
	var out []store.Decision
	for rows.Next() {
		var first, from int64
		var v V
		if err := rows.Scan(&first, &v, &from); err != nil {
			return nil, err
		}
		var err error
		if out, err = Select(out, v, first, from, q, q.Limit); err != nil {
			return nil, fmt.Errorf("from %d: %w", first, err)
		}
		if q.Limit > 0 && len(out) >= q.Limit {
			return out, nil
		}
	}
	return out, rows.Err()
}

// ReadOld decodes rows of the old log, (seq, encoding/json value), and
// returns them with the last seq read; a value that does not decode is an
// error naming its seq.
func ReadOld(rows Rows) ([]store.Decision, int64, error) {
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

// Convert moves the old log into batches numbered from next, a page of
// MaxLen old rows at a time (by seq, the old primary key) so that a full
// log of 100,000 is never in memory at once: page reads the rows after
// seq after, insert stores them as batches from next and returns the
// number after. Convert returns the number after the last.
func Convert(next int64, page func(after int64, limit int) ([]store.Decision, int64, error), insert func(ds []store.Decision, next int64) (int64, error)) (int64, error) {
	after := int64(-1 << 63)
	for {
		ds, last, err := page(after, MaxLen)
		if err != nil || len(ds) == 0 {
			return next, err
		}
		if next, err = insert(ds, next); err != nil {
			return 0, err
		}
		after = last
	}
}
