package logs

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/iamgate/iamgate/internal/awserr"
	"github.com/iamgate/iamgate/internal/store"
	"github.com/iamgate/iamgate/internal/store/storetest"
)

// countingStore counts the write transactions the Service makes.
type countingStore struct {
	store.Store
	updates, writes atomic.Int64
}

func (c *countingStore) Update(ctx context.Context, fn func(store.Tx) error) error {
	c.updates.Add(1)
	return c.Store.Update(ctx, fn)
}

func (c *countingStore) Put(ctx context.Context, kind, key string, v []byte) error {
	c.writes.Add(1)
	return c.Store.Put(ctx, kind, key, v)
}

func (c *countingStore) Create(ctx context.Context, kind, key string, v []byte) error {
	c.writes.Add(1)
	return c.Store.Create(ctx, kind, key, v)
}

func (c *countingStore) Append(ctx context.Context, stream string, v ...[]byte) (int64, error) {
	c.writes.Add(1)
	return c.Store.Append(ctx, stream, v...)
}

func openCounting(t *testing.T) *countingStore {
	t.Helper()
	st := storetest.SQLite(t)
	return &countingStore{Store: st}
}

func newWith(t *testing.T, st store.Store, o Options) *Service {
	t.Helper()
	o.Region, o.AccountID = "us-east-1", "000000000000"
	s := New(st, o)
	t.Cleanup(func() { s.Close(context.Background()) })
	return s
}

// TestWriteIsAsyncAndReadsFlush: Write returns before anything is stored;
// every read (GetLogEvents, FilterLogEvents, DescribeLogStreams,
// DescribeLogGroups) sees what was written; a whole invocation's lines are
// one transaction, with no write outside it.
func TestWriteIsAsyncAndReadsFlush(t *testing.T) {
	ctx := context.Background()
	reads := map[string]func(s *Service) (int, error){
		"GetLogEvents": func(s *Service) (int, error) {
			evs, err := s.GetLogEvents(ctx, "/aws/lambda/f", "s", 0, 0)
			return len(evs), err
		},
		"FilterLogEvents": func(s *Service) (int, error) {
			evs, err := s.FilterLogEvents(ctx, "/aws/lambda/f", Filter{})
			return len(evs), err
		},
		"DescribeLogStreams": func(s *Service) (int, error) {
			ss, err := s.DescribeLogStreams(ctx, "/aws/lambda/f", "", false)
			if len(ss) != 1 {
				return 0, err
			}
			return int(ss[0].Events), err
		},
		"DescribeLogGroups": func(s *Service) (int, error) {
			gs, err := s.DescribeLogGroups(ctx, "/aws/lambda/")
			if len(gs) != 1 {
				return 0, err
			}
			return int(gs[0].Events), err
		},
	}
	for name, read := range reads {
		t.Run(name, func(t *testing.T) {
			st := openCounting(t)
			s := newWith(t, st, Options{FlushDelay: time.Hour})
			now := time.Now()
			for _, evs := range invocationLines(1, now) {
				if err := s.Write(ctx, "/aws/lambda/f", "s", evs); err != nil {
					t.Fatal(err)
				}
			}
			if n := st.updates.Load() + st.writes.Load(); n != 0 {
				t.Fatalf("%d store writes inside Write, want none", n)
			}
			n, err := read(s)
			if err != nil || n != 4 {
				t.Fatalf("read saw %d events, %v; want 4", n, err)
			}
			if u, w := st.updates.Load(), st.writes.Load(); u != 1 || w != 0 {
				t.Errorf("%d transactions and %d lone writes for one batch, want 1 and 0", u, w)
			}
		})
	}
}

// TestWriterStoresWithoutReads: the writer stores queued events by itself
// within FlushDelay, and Close stores what is left.
func TestWriterStoresWithoutReads(t *testing.T) {
	ctx := context.Background()
	st := openCounting(t)
	s := New(st, Options{FlushDelay: time.Millisecond})
	if err := s.Write(ctx, "/g", "s", []Event{{Timestamp: time.Now(), Message: "one"}}); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for st.updates.Load() == 0 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	if st.updates.Load() == 0 {
		t.Fatal("queued events not stored by the writer")
	}
	if err := s.Write(ctx, "/g", "s", []Event{{Timestamp: time.Now(), Message: "two"}}); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(ctx); err != nil {
		t.Fatal(err)
	}
	recs, err := st.Range(ctx, streamName("/g", "s"), 0, 0)
	if err != nil || len(recs) != 2 {
		t.Fatalf("after Close: %d records, %v", len(recs), err)
	}
	// After Close, Write stores at once.
	if err := s.Write(ctx, "/g", "s", []Event{{Timestamp: time.Now(), Message: "three"}}); err != nil {
		t.Fatal(err)
	}
	if recs, _ := st.Range(ctx, streamName("/g", "s"), 0, 0); len(recs) != 3 {
		t.Errorf("Write after Close: %d records", len(recs))
	}
}

// TestRetentionCap: a group over its event or byte cap drops its oldest
// events (oldest stream first), keeps the newest, and the data stays
// bounded however much is written.
func TestRetentionCap(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		o    Options
		msg  int // message size
	}{
		{"events", Options{MaxEventsPerGroup: 100, MaxBytesPerGroup: -1}, 10},
		{"bytes", Options{MaxEventsPerGroup: -1, MaxBytesPerGroup: 10_000}, 100},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st := openCounting(t)
			tc.o.FlushDelay = time.Hour
			s := newWith(t, st, tc.o)
			t0 := time.Date(2026, 12, 3, 0, 0, 0, 0, time.UTC)
			const streams, perStream = 10, 100
			for i := range streams * perStream {
				// A stream per hundred events, as Lambda starts new
				// execution environments.
				stream := fmt.Sprintf("s%02d", i/perStream)
				msg := fmt.Sprintf("%06d", i) + strings.Repeat("x", tc.msg-6)
				if err := s.Write(ctx, "/g", stream, []Event{{Timestamp: t0.Add(time.Duration(i) * time.Second), Message: msg}}); err != nil {
					t.Fatal(err)
				}
				if i%50 == 49 {
					if err := s.Flush(ctx); err != nil {
						t.Fatal(err)
					}
				}
			}
			evs, err := s.FilterLogEvents(ctx, "/g", Filter{})
			if err != nil {
				t.Fatal(err)
			}
			g, _ := s.GetLogGroup(ctx, "/g")
			if tc.o.MaxEventsPerGroup > 0 && (len(evs) > 100 || g.Events != int64(len(evs))) {
				t.Errorf("%d events kept (group counts %d), cap 100", len(evs), g.Events)
			}
			if tc.o.MaxBytesPerGroup > 0 && (g.StoredBytes > 10_000 || int64(len(evs)*tc.msg) > 10_000) {
				t.Errorf("%d bytes kept (%d events), cap 10000", g.StoredBytes, len(evs))
			}
			if len(evs) == 0 || !strings.HasPrefix(evs[len(evs)-1].Message, "000999") {
				t.Fatalf("newest event not kept: %d events", len(evs))
			}
			// What is kept is a suffix: the newest, in order, none missing.
			first := streams*perStream - len(evs)
			for i, e := range evs {
				if want := fmt.Sprintf("%06d", first+i); !strings.HasPrefix(e.Message, want) {
					t.Fatalf("event %d is %q, want %s...", i, e.Message[:6], want)
				}
			}
			ss, _ := s.DescribeLogStreams(ctx, "/g", "", false)
			if len(ss) > 3 {
				t.Errorf("%d streams kept; emptied ones should be gone", len(ss))
			}
		})
	}
}

// TestDeleteLogGroupDropsEvents: deleting a group deletes its events, not
// only the names that reach them.
func TestDeleteLogGroupDropsEvents(t *testing.T) {
	ctx := context.Background()
	st := openCounting(t)
	s := newWith(t, st, Options{})
	if err := s.Write(ctx, "/g", "s", []Event{{Timestamp: time.Now(), Message: "x"}}); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteLogGroup(ctx, "/g"); err != nil {
		t.Fatal(err)
	}
	if recs, err := st.Range(ctx, streamName("/g", "s"), 0, 0); err != nil || len(recs) != 0 {
		t.Errorf("events left after DeleteLogGroup: %d %v", len(recs), err)
	}
}

// TestNames: every operation checks group and stream names against
// CloudWatch Logs' patterns and lengths, with its InvalidParameterException
// text.
func TestNames(t *testing.T) {
	ctx := context.Background()
	s := newService(t)
	long := strings.Repeat("a", 513)
	pattern := "1 validation error detected: Value '%s' at 'logGroupName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\.\\-_/#A-Za-z0-9]+"
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"CreateLogGroup space", s.CreateLogGroup(ctx, "bad name", 0), fmt.Sprintf(pattern, "bad name")},
		{"CreateLogGroup dot dot slash", s.CreateLogGroup(ctx, "../x", 0), ""},
		{"CreateLogGroup colon", s.CreateLogGroup(ctx, "a:b", 0), fmt.Sprintf(pattern, "a:b")},
		{"CreateLogGroup empty", s.CreateLogGroup(ctx, "", 0),
			"1 validation error detected: Value '' at 'logGroupName' failed to satisfy constraint: Member must have length greater than or equal to 1"},
		{"CreateLogGroup 513", s.CreateLogGroup(ctx, long, 0),
			"1 validation error detected: Value '" + long + "' at 'logGroupName' failed to satisfy constraint: Member must have length less than or equal to 512"},
		{"CreateLogGroup 512", s.CreateLogGroup(ctx, long[:512], 0), ""},
		{"CreateLogStream star", s.CreateLogStream(ctx, "../x", "a*b"),
			"1 validation error detected: Value 'a*b' at 'logStreamName' failed to satisfy constraint: Member must satisfy regular expression pattern: [^:*]*"},
		{"CreateLogStream empty", s.CreateLogStream(ctx, "../x", ""),
			"1 validation error detected: Value '' at 'logStreamName' failed to satisfy constraint: Member must have length greater than or equal to 1"},
		{"CreateLogStream 512 runes", s.CreateLogStream(ctx, "../x", strings.Repeat("é", 512)), ""},
		{"CreateLogStream 513 runes", s.CreateLogStream(ctx, "../x", strings.Repeat("é", 513)),
			"1 validation error detected: Value '" + strings.Repeat("é", 513) + "' at 'logStreamName' failed to satisfy constraint: Member must have length less than or equal to 512"},
		{"Write bad group", s.Write(ctx, "a b", "s", []Event{{Message: "x"}}), fmt.Sprintf(pattern, "a b")},
		{"PutLogEvents bad stream", s.PutLogEvents(ctx, "/g", "a:b", []Event{{Message: "x"}}),
			"1 validation error detected: Value 'a:b' at 'logStreamName' failed to satisfy constraint: Member must satisfy regular expression pattern: [^:*]*"},
		{"PutRetentionPolicy bad group", s.PutRetentionPolicy(ctx, "a b", 1), fmt.Sprintf(pattern, "a b")},
		{"DeleteLogGroup bad group", s.DeleteLogGroup(ctx, "a b"), fmt.Sprintf(pattern, "a b")},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.want == "" {
				if tc.err != nil {
					t.Fatalf("unexpected %v", tc.err)
				}
				return
			}
			e := awserr.As(tc.err)
			if diff := cmp.Diff([]string{string(InvalidParameter), tc.want}, []string{string(e.Code), e.Message}); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
	if _, err := s.GetLogEvents(ctx, "a b", "s", 0, 0); !awserr.Is(err, InvalidParameter) {
		t.Errorf("GetLogEvents: %v", err)
	}
}

var groupPattern = regexp.MustCompile(`^[\.\-_/#A-Za-z0-9]{1,512}$`)

// FuzzGroupName: the hand-written check accepts exactly what AWS's pattern
// and length allow.
func FuzzGroupName(f *testing.F) {
	for _, s := range []string{"/aws/lambda/f", "", "a b", "é", "#._-/", strings.Repeat("a", 513)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		if got, want := checkGroupName(name) == nil, groupPattern.MatchString(name); got != want {
			t.Fatalf("checkGroupName(%q) accepts %v, pattern %v", name, got, want)
		}
	})
}

// TestRetentionDays: with a retention policy, a stream whose newest event
// is older than the retention is deleted with its events once the group is
// written again; a stream with a recent event stays.
func TestRetentionDays(t *testing.T) {
	ctx := context.Background()
	st := openCounting(t)
	now := time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC)
	s := newWith(t, st, Options{FlushDelay: time.Hour, Now: func() time.Time { return now }})
	if err := s.CreateLogGroup(ctx, "/g", 0); err != nil {
		t.Fatal(err)
	}
	if err := s.PutRetentionPolicy(ctx, "/g", 1); err != nil {
		t.Fatal(err)
	}
	write := func(stream string, at time.Time) {
		t.Helper()
		if err := s.Write(ctx, "/g", stream, []Event{{Timestamp: at, Message: stream}}); err != nil {
			t.Fatal(err)
		}
		if err := s.Flush(ctx); err != nil {
			t.Fatal(err)
		}
	}
	write("old", now.Add(-30*time.Hour))
	write("recent", now.Add(-time.Hour))
	now = now.Add(2 * time.Minute) // past the check interval
	write("new", now)
	ss, err := s.DescribeLogStreams(ctx, "/g", "", false)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, x := range ss {
		names = append(names, x.Name)
	}
	if diff := cmp.Diff([]string{"new", "recent"}, names); diff != "" {
		t.Errorf("streams (-want +got):\n%s", diff)
	}
	if recs, _ := st.Range(ctx, streamName("/g", "old"), 0, 0); len(recs) != 0 {
		t.Errorf("expired stream's events kept: %d", len(recs))
	}
	if g, _ := s.GetLogGroup(ctx, "/g"); g.Events != 2 {
		t.Errorf("group counts %d events, want 2", g.Events)
	}
}
