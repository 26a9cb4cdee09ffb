package logs

import (
	"context"
	"encoding/json"
	"math"
	"sort"
	"time"

	"github.com/iamgate/iamgate/internal/store"
)

// retentionCheckEvery spaces the searches for expired streams, each of
// which lists the group's streams.
const retentionCheckEvery = time.Minute

// expire applies the group's retention in days, as CloudWatch Logs does
// ("events older than the retention setting are deleted automatically",
// PutRetentionPolicy), a stream at a time: a stream whose newest event is
// past the retention is deleted with its events; one that still has a
// recent event waits until it has none (streams of Lambda are per
// execution environment, so short).
func (s *Service) expire(ctx context.Context, tx store.Tx, g *Group, written map[string]*streamBatch) error {
	now := s.o.Now()
	if g.RetentionDays <= 0 || now.Sub(g.RetentionChecked) < retentionCheckEvery {
		return nil
	}
	g.RetentionChecked = now
	cutoff := now.AddDate(0, 0, -g.RetentionDays)
	items, err := tx.List(ctx, kindStream, g.Name+"\x00")
	if err != nil {
		return err
	}
	for _, it := range items {
		var st Stream
		if err := json.Unmarshal(it.Value, &st); err != nil {
			return err
		}
		if written[it.Key] != nil || st.LastEventTimestamp.IsZero() || !st.LastEventTimestamp.Before(cutoff) {
			continue
		}
		if err := tx.Trim(ctx, streamName(st.Group, st.Name), math.MaxInt64); err != nil {
			return err
		}
		if err := tx.Delete(ctx, kindStream, it.Key); err != nil {
			return err
		}
		g.Events = max(0, g.Events-st.Events)
		g.StoredBytes = max(0, g.StoredBytes-st.StoredBytes)
	}
	return nil
}

// enforceCap drops a group's oldest events once it holds more than
// MaxEventsPerGroup events or MaxBytesPerGroup bytes, down to 90% of the cap
// so that the next batches append without trimming. Streams are trimmed
// oldest first (by their first event); one emptied and not written in this
// batch is deleted. Bytes of dropped events are counted at the stream's
// average, which keeps trimming from reading what it drops.
//
// CloudWatch Logs keeps events per the group's retention in days; a
// local server has a disk instead, hence a size cap (see the README).
func (s *Service) enforceCap(ctx context.Context, tx store.Tx, g *Group, written map[string]*streamBatch) error {
	if err := s.expire(ctx, tx, g, written); err != nil {
		return err
	}
	maxEvents, maxBytes := s.o.MaxEventsPerGroup, s.o.MaxBytesPerGroup
	if g.Events <= maxEvents && g.StoredBytes <= maxBytes {
		return nil
	}
	dropEvents := max(0, g.Events-maxEvents/10*9)
	if g.Events <= maxEvents {
		dropEvents = 0
	}
	dropBytes := max(0, g.StoredBytes-maxBytes/10*9)
	if g.StoredBytes <= maxBytes {
		dropBytes = 0
	}
	items, err := tx.List(ctx, kindStream, g.Name+"\x00")
	if err != nil {
		return err
	}
	streams := make([]Stream, 0, len(items))
	for _, it := range items {
		var st Stream
		if err := json.Unmarshal(it.Value, &st); err != nil {
			return err
		}
		if st.Events > 0 {
			streams = append(streams, st)
		}
	}
	sort.SliceStable(streams, func(i, j int) bool { return streams[i].FirstEventTimestamp.Before(streams[j].FirstEventTimestamp) })
	for _, st := range streams {
		if dropEvents <= 0 && dropBytes <= 0 {
			break
		}
		avg := max(1, st.StoredBytes/st.Events)
		k := min(st.Events, max(dropEvents, (dropBytes+avg-1)/avg))
		bytes := k * avg
		if k == st.Events {
			bytes = st.StoredBytes
		}
		if err := tx.Trim(ctx, streamName(st.Group, st.Name), st.FirstSeq+k-1); err != nil {
			return err
		}
		st.FirstSeq += k
		st.Events -= k
		st.StoredBytes -= bytes
		g.Events -= k
		g.StoredBytes -= bytes
		dropEvents -= k
		dropBytes -= bytes
		key := streamKey(st.Group, st.Name)
		if st.Events == 0 && written[key] == nil {
			if err := tx.Delete(ctx, kindStream, key); err != nil {
				return err
			}
			continue
		}
		if err := putStream(ctx, tx, st); err != nil {
			return err
		}
		if sb := written[key]; sb != nil {
			sb.st = st
		}
	}
	return nil
}
