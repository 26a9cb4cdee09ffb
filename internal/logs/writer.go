package logs

import (
	"context"
	"time"

	"github.com/iamgate/iamgate/internal/awserr"
	"github.com/iamgate/iamgate/internal/store"
)

// write is events queued for one stream. create makes the group and stream
// when missing (Lambda's sink); otherwise a missing stream fails the write
// (PutLogEvents).
type write struct {
	group, stream string
	events        []Event
	create        bool
}

// Write queues events for group/stream, creating both on first use as
// Lambda does, and returns at once: the Service's writer stores them within
// FlushDelay, in one transaction per batch, and every read of logs stores
// what is pending first. Names are checked now. A full queue is stored by
// the caller (back-pressure rather than unbounded memory).
func (s *Service) Write(ctx context.Context, group, stream string, events []Event) error {
	if err := checkNames(group, stream); err != nil {
		return err
	}
	if len(events) == 0 {
		return nil
	}
	s.qmu.Lock()
	closed := s.closed
	if !closed {
		s.pending = append(s.pending, write{group: group, stream: stream, events: events, create: true})
		s.queued += len(events)
	}
	full := s.queued >= s.o.MaxPending
	s.qmu.Unlock()
	switch {
	case closed: // after Close, nothing drains the queue: store now
		s.wmu.Lock()
		defer s.wmu.Unlock()
		return s.store(ctx, []write{{group: group, stream: stream, events: events, create: true}})
	case full:
		return s.Flush(ctx)
	}
	select {
	case s.kick <- struct{}{}:
	default:
	}
	return nil
}

// Flush stores every queued event now.
func (s *Service) Flush(ctx context.Context) error {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	// Taken under wmu, so that batches are stored in queue order.
	s.qmu.Lock()
	batch := s.pending
	s.pending, s.queued = nil, 0
	s.qmu.Unlock()
	if len(batch) == 0 {
		return nil
	}
	if err := s.store(ctx, batch); err != nil {
		// The batch is lost, as a failed sink call lost its lines before;
		// say so once per batch.
		s.o.Logger.Warn("function logs dropped", "events", countEvents(batch), "err", err)
		return err
	}
	return nil
}

func countEvents(batch []write) int {
	n := 0
	for _, w := range batch {
		n += len(w.events)
	}
	return n
}

// run is the writer: after the first queued event it waits FlushDelay for
// more, then stores them all.
func (s *Service) run() {
	delay := s.o.FlushDelay
	defer close(s.stopped)
	for {
		select {
		case <-s.kick:
		case <-s.stop:
			return
		}
		t := time.NewTimer(delay)
		select {
		case <-t.C:
		case <-s.stop:
			t.Stop()
			return
		}
		_ = s.Flush(context.Background()) // failures are logged by Flush
	}
}

// Close stops the writer and stores what is queued; later Writes store at
// once. It is safe to call more than once.
func (s *Service) Close(ctx context.Context) error {
	s.closeOnce.Do(func() {
		close(s.stop)
		<-s.stopped
		s.qmu.Lock()
		s.closed = true
		s.qmu.Unlock()
	})
	return s.Flush(ctx)
}

// streamBatch is one stream's share of a batch.
type streamBatch struct {
	st     Stream
	values [][]byte
}

// store writes a batch in one transaction: groups and streams created where
// missing (one read each per batch, none per event), events appended per
// stream, stream and group counters updated, then the retention cap.
func (s *Service) store(ctx context.Context, batch []write) error {
	now := s.o.Now()
	return s.st.Update(ctx, func(tx store.Tx) error {
		groups := map[string]*Group{}
		var groupOrder []string
		streams := map[string]*streamBatch{}
		var streamOrder []string
		for _, w := range batch {
			g := groups[w.group]
			if g == nil {
				loaded, err := s.loadGroup(ctx, tx, w.group, w.create, now)
				if err != nil {
					return err
				}
				g = &loaded
				groups[w.group] = g
				groupOrder = append(groupOrder, w.group)
			}
			key := streamKey(w.group, w.stream)
			sb := streams[key]
			if sb == nil {
				st, err := s.loadStream(ctx, tx, w.group, w.stream, w.create, now)
				if err != nil {
					return err
				}
				sb = &streamBatch{st: st}
				streams[key] = sb
				streamOrder = append(streamOrder, key)
			}
			for _, e := range w.events {
				e.IngestionTime = now
				v, err := encodeEvent(e)
				if err != nil {
					return err
				}
				sb.values = append(sb.values, v)
				n := int64(len(e.Message))
				sb.st.StoredBytes += n
				g.StoredBytes += n
				sb.st.Events++
				g.Events++
				if sb.st.FirstEventTimestamp.IsZero() {
					sb.st.FirstEventTimestamp = e.Timestamp
				}
				sb.st.LastEventTimestamp = e.Timestamp
			}
			sb.st.LastIngestionTime = now
		}
		for _, key := range streamOrder {
			sb := streams[key]
			last, err := tx.Append(ctx, streamName(sb.st.Group, sb.st.Name), sb.values...)
			if err != nil {
				return err
			}
			if sb.st.FirstSeq == 0 || sb.st.Events == int64(len(sb.values)) {
				sb.st.FirstSeq = last - int64(len(sb.values)) + 1
			}
			sb.st.LastSeq = last
			if err := putStream(ctx, tx, sb.st); err != nil {
				return err
			}
		}
		for _, name := range groupOrder {
			g := groups[name]
			if err := s.enforceCap(ctx, tx, g, streams); err != nil {
				return err
			}
			if err := putGroup(ctx, tx, *g); err != nil {
				return err
			}
		}
		return nil
	})
}

func (s *Service) loadGroup(ctx context.Context, tx store.Tx, name string, create bool, now time.Time) (Group, error) {
	g, err := getGroup(ctx, tx, name)
	if awserr.Is(err, ResourceNotFound) && create {
		return Group{Name: name, ARN: s.groupARN(name), CreationTime: now}, nil
	}
	return g, err
}

func (s *Service) loadStream(ctx context.Context, tx store.Tx, group, name string, create bool, now time.Time) (Stream, error) {
	st, err := getStream(ctx, tx, group, name)
	if awserr.Is(err, ResourceNotFound) && create {
		return Stream{Group: group, Name: name, CreationTime: now, ARN: s.streamARN(group, name)}, nil
	}
	return st, err
}
