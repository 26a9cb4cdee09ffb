package logs

import (
	"context"
	"encoding/json"
	"sort"
	"strings"
	"time"

	"github.com/iamgate/iamgate/internal/awserr"
)

// PutLogEvents appends events to an existing stream, in one transaction.
// Events must be in time order, as CloudWatch Logs requires.
func (s *Service) PutLogEvents(ctx context.Context, group, stream string, events []Event) error {
	if err := checkNames(group, stream); err != nil {
		return err
	}
	if len(events) == 0 {
		return nil
	}
	for i := 1; i < len(events); i++ {
		if events[i].Timestamp.Before(events[i-1].Timestamp) {
			return awserr.New(InvalidParameter, "Log events in a single PutLogEvents request must be in chronological order.")
		}
	}
	// What Write queued for this stream goes first.
	if err := s.Flush(ctx); err != nil {
		return err
	}
	s.wmu.Lock()
	defer s.wmu.Unlock()
	return s.store(ctx, []write{{group: group, stream: stream, events: events}})
}

// GetLogEvents returns up to limit events of one stream after sequence after.
func (s *Service) GetLogEvents(ctx context.Context, group, stream string, after int64, limit int) ([]Event, error) {
	if err := checkNames(group, stream); err != nil {
		return nil, err
	}
	if err := s.Flush(ctx); err != nil {
		return nil, err
	}
	if _, err := getStream(ctx, s.st, group, stream); err != nil {
		return nil, err
	}
	if limit <= 0 || limit > 10000 {
		limit = 10000
	}
	recs, err := s.st.Range(ctx, streamName(group, stream), after, limit)
	if err != nil {
		return nil, err
	}
	out := make([]Event, 0, len(recs))
	for _, r := range recs {
		var e Event
		if err := json.Unmarshal(r.Value, &e); err != nil {
			return nil, err
		}
		e.Stream, e.Seq = stream, r.Seq
		out = append(out, e)
	}
	return out, nil
}

// Filter selects events of a group. Pattern is CloudWatch's simplest form:
// terms that must all appear (quoted phrases allowed); empty matches all.
type Filter struct {
	Start, End time.Time // zero = unbounded
	Pattern    string
	Streams    []string // nil = all
}

// FilterLogEvents returns a group's matching events in time order.
func (s *Service) FilterLogEvents(ctx context.Context, group string, f Filter) ([]Event, error) {
	streams, err := s.DescribeLogStreams(ctx, group, "", false)
	if err != nil {
		return nil, err
	}
	want := map[string]bool{}
	for _, n := range f.Streams {
		want[n] = true
	}
	terms := patternTerms(f.Pattern)
	var out []Event
	for _, st := range streams {
		if len(want) > 0 && !want[st.Name] {
			continue
		}
		evs, err := s.GetLogEvents(ctx, group, st.Name, 0, 0)
		if err != nil {
			return nil, err
		}
		for _, e := range evs {
			if (!f.Start.IsZero() && e.Timestamp.Before(f.Start)) || (!f.End.IsZero() && !e.Timestamp.Before(f.End)) {
				continue
			}
			if matchTerms(e.Message, terms) {
				out = append(out, e)
			}
		}
	}
	sortEvents(out)
	return out, nil
}

func patternTerms(p string) []string {
	var terms []string
	for p = strings.TrimSpace(p); p != ""; p = strings.TrimSpace(p) {
		if p[0] == '"' {
			end := strings.IndexByte(p[1:], '"')
			if end < 0 {
				terms = append(terms, p[1:])
				break
			}
			terms = append(terms, p[1:1+end])
			p = p[end+2:]
			continue
		}
		f, rest, _ := strings.Cut(p, " ")
		terms = append(terms, f)
		p = rest
	}
	return terms
}

func matchTerms(msg string, terms []string) bool {
	for _, t := range terms {
		if !strings.Contains(msg, t) {
			return false
		}
	}
	return true
}

func sortEvents(evs []Event) {
	sort.SliceStable(evs, func(i, j int) bool { return evs[i].Timestamp.Before(evs[j].Timestamp) })
}
