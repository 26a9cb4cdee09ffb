package logs

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"math"
	"sort"
	"sync"
	"time"

	"github.com/iamgate/iamgate/internal/arn"
	"github.com/iamgate/iamgate/internal/awserr"
	"github.com/iamgate/iamgate/internal/store"
)

// Error codes CloudWatch Logs answers with.
const (
	ResourceAlreadyExists awserr.Code = "ResourceAlreadyExistsException"
	ResourceNotFound      awserr.Code = "ResourceNotFoundException"
	InvalidParameter      awserr.Code = "InvalidParameterException"
)

const (
	kindGroup  = "logs/group"
	kindStream = "logs/stream"
)

// Group is a log group.
type Group struct {
	Name          string    `json:"name"`
	ARN           string    `json:"arn"`
	CreationTime  time.Time `json:"creationTime"`
	RetentionDays int       `json:"retentionDays,omitempty"`
	StoredBytes   int64     `json:"storedBytes"`
	// Events counts the events kept, for the retention cap.
	Events int64 `json:"events,omitempty"`
	// RetentionChecked is when streams past RetentionDays were last looked for.
	RetentionChecked time.Time `json:"retentionChecked,omitzero"`
}

// Stream is a log stream within a group.
type Stream struct {
	Group               string    `json:"group"`
	Name                string    `json:"name"`
	ARN                 string    `json:"arn"`
	CreationTime        time.Time `json:"creationTime"`
	FirstEventTimestamp time.Time `json:"firstEvent"`
	LastEventTimestamp  time.Time `json:"lastEvent"`
	LastIngestionTime   time.Time `json:"lastIngestion"`
	StoredBytes         int64     `json:"storedBytes"`
	// FirstSeq and LastSeq bound the events kept (store record numbers);
	// Events counts them.
	FirstSeq int64 `json:"firstSeq,omitempty"`
	LastSeq  int64 `json:"lastSeq,omitempty"`
	Events   int64 `json:"events,omitempty"`
}

// Event is one log event.
type Event struct {
	Timestamp     time.Time `json:"t"`
	Message       string    `json:"m"`
	IngestionTime time.Time `json:"i"`
	Stream        string    `json:"-"`
	Seq           int64     `json:"-"`
}

// Options configures a Service.
type Options struct {
	Region    string
	AccountID string
	Now       func() time.Time
	Logger    *slog.Logger
	// MaxEventsPerGroup and MaxBytesPerGroup cap what one log group keeps:
	// past either, its oldest events are dropped (down to 90% of the cap,
	// so that trimming is rare). Zero takes the default (100,000 events,
	// 64 MiB); negative keeps everything.
	MaxEventsPerGroup int64
	MaxBytesPerGroup  int64
	// FlushDelay is how long Write may hold events before storing them
	// (default 100 ms). Reads store everything pending first.
	FlushDelay time.Duration
	// MaxPending bounds the events Write holds; past it the writer stores
	// the queue itself (default 10,000).
	MaxPending int
}

const (
	defaultMaxEvents  = 100_000
	defaultMaxBytes   = 64 << 20
	defaultFlushDelay = 100 * time.Millisecond
	defaultMaxPending = 10_000
)

func (o *Options) defaults() {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.MaxEventsPerGroup == 0 {
		o.MaxEventsPerGroup = defaultMaxEvents
	}
	if o.MaxBytesPerGroup == 0 {
		o.MaxBytesPerGroup = defaultMaxBytes
	}
	if o.MaxEventsPerGroup < 0 {
		o.MaxEventsPerGroup = math.MaxInt64
	}
	if o.MaxBytesPerGroup < 0 {
		o.MaxBytesPerGroup = math.MaxInt64
	}
	if o.FlushDelay <= 0 {
		o.FlushDelay = defaultFlushDelay
	}
	if o.MaxPending <= 0 {
		o.MaxPending = defaultMaxPending
	}
}

// Service stores log groups, streams and events. Write (the Lambda sink)
// queues events and a goroutine of the Service stores them in batches, one
// transaction each; Close stores what is left and stops it.
type Service struct {
	st store.Store
	o  Options

	// wmu makes one writer of events at a time, so that batches land in
	// the order they were queued.
	wmu sync.Mutex

	qmu     sync.Mutex
	pending []write
	queued  int // events in pending
	closed  bool

	kick      chan struct{}
	stop      chan struct{}
	stopped   chan struct{}
	closeOnce sync.Once
}

// New returns a Service over st and starts its writer.
func New(st store.Store, o Options) *Service {
	o.defaults()
	s := &Service{st: st, o: o, kick: make(chan struct{}, 1), stop: make(chan struct{}), stopped: make(chan struct{})}
	go s.run()
	return s
}

func (s *Service) groupARN(name string) string {
	return arn.LogGroup(s.o.Region, s.o.AccountID, name)
}

func (s *Service) streamARN(group, name string) string {
	return arn.LogStream(s.o.Region, s.o.AccountID, group, name)
}

// CreateLogGroup creates a group; it fails if the group exists.
func (s *Service) CreateLogGroup(ctx context.Context, name string, retentionDays int) error {
	if err := checkGroupName(name); err != nil {
		return err
	}
	g := Group{Name: name, ARN: s.groupARN(name), CreationTime: s.o.Now(), RetentionDays: retentionDays}
	b, _ := json.Marshal(g)
	err := s.st.Create(ctx, kindGroup, name, b)
	if errors.Is(err, store.ErrConflict) {
		return awserr.New(ResourceAlreadyExists, "The specified log group already exists")
	}
	return err
}

// EnsureLogGroup creates the group unless it exists, as Lambda does on first output.
func (s *Service) EnsureLogGroup(ctx context.Context, name string) error {
	err := s.CreateLogGroup(ctx, name, 0)
	if awserr.Is(err, ResourceAlreadyExists) {
		return nil
	}
	return err
}

// PutRetentionPolicy sets a group's retention.
func (s *Service) PutRetentionPolicy(ctx context.Context, name string, days int) error {
	if err := checkGroupName(name); err != nil {
		return err
	}
	return s.st.Update(ctx, func(tx store.Tx) error {
		g, err := getGroup(ctx, tx, name)
		if err != nil {
			return err
		}
		g.RetentionDays = days
		return putGroup(ctx, tx, g)
	})
}

func getGroup(ctx context.Context, r store.Reader, name string) (Group, error) {
	var g Group
	b, err := r.Get(ctx, kindGroup, name)
	if errors.Is(err, store.ErrNotFound) {
		return g, awserr.New(ResourceNotFound, "The specified log group does not exist.")
	}
	if err != nil {
		return g, err
	}
	return g, json.Unmarshal(b, &g)
}

func putGroup(ctx context.Context, w store.Writer, g Group) error {
	b, _ := json.Marshal(g)
	return w.Put(ctx, kindGroup, g.Name, b)
}

func getStream(ctx context.Context, r store.Reader, group, name string) (Stream, error) {
	var st Stream
	b, err := r.Get(ctx, kindStream, streamKey(group, name))
	if errors.Is(err, store.ErrNotFound) {
		return st, awserr.New(ResourceNotFound, "The specified log stream does not exist.")
	}
	if err != nil {
		return st, err
	}
	return st, json.Unmarshal(b, &st)
}

func putStream(ctx context.Context, w store.Writer, st Stream) error {
	b, _ := json.Marshal(st)
	return w.Put(ctx, kindStream, streamKey(st.Group, st.Name), b)
}

// GetLogGroup returns one group.
func (s *Service) GetLogGroup(ctx context.Context, name string) (Group, error) {
	if err := s.Flush(ctx); err != nil {
		return Group{}, err
	}
	return getGroup(ctx, s.st, name)
}

// DeleteLogGroup removes a group with its streams and their events.
func (s *Service) DeleteLogGroup(ctx context.Context, name string) error {
	if err := checkGroupName(name); err != nil {
		return err
	}
	if err := s.Flush(ctx); err != nil {
		return err
	}
	s.wmu.Lock()
	defer s.wmu.Unlock()
	return s.st.Update(ctx, func(tx store.Tx) error {
		if _, err := getGroup(ctx, tx, name); err != nil {
			return err
		}
		streams, err := tx.List(ctx, kindStream, name+"\x00")
		if err != nil {
			return err
		}
		for _, it := range streams {
			var st Stream
			if err := json.Unmarshal(it.Value, &st); err != nil {
				return err
			}
			if err := tx.Trim(ctx, streamName(st.Group, st.Name), math.MaxInt64); err != nil {
				return err
			}
			if err := tx.Delete(ctx, kindStream, it.Key); err != nil {
				return err
			}
		}
		return tx.Delete(ctx, kindGroup, name)
	})
}

// DescribeLogGroups lists groups whose name starts with prefix.
func (s *Service) DescribeLogGroups(ctx context.Context, prefix string) ([]Group, error) {
	if err := s.Flush(ctx); err != nil {
		return nil, err
	}
	items, err := s.st.List(ctx, kindGroup, prefix)
	if err != nil {
		return nil, err
	}
	out := make([]Group, 0, len(items))
	for _, it := range items {
		var g Group
		if err := json.Unmarshal(it.Value, &g); err != nil {
			return nil, err
		}
		out = append(out, g)
	}
	return out, nil
}

func streamKey(group, stream string) string { return group + "\x00" + stream }

// CreateLogStream creates a stream in an existing group.
func (s *Service) CreateLogStream(ctx context.Context, group, name string) error {
	if err := checkNames(group, name); err != nil {
		return err
	}
	return s.st.Update(ctx, func(tx store.Tx) error {
		if _, err := getGroup(ctx, tx, group); err != nil {
			return err
		}
		st := Stream{Group: group, Name: name, CreationTime: s.o.Now(), ARN: s.streamARN(group, name)}
		b, _ := json.Marshal(st)
		err := tx.Create(ctx, kindStream, streamKey(group, name), b)
		if errors.Is(err, store.ErrConflict) {
			return awserr.New(ResourceAlreadyExists, "The specified log stream already exists")
		}
		return err
	})
}

// DescribeLogStreams lists a group's streams whose name starts with prefix,
// ordered by name, or by last event time (newest first) when byTime is set.
func (s *Service) DescribeLogStreams(ctx context.Context, group, prefix string, byTime bool) ([]Stream, error) {
	if err := checkGroupName(group); err != nil {
		return nil, err
	}
	if err := s.Flush(ctx); err != nil {
		return nil, err
	}
	if _, err := getGroup(ctx, s.st, group); err != nil {
		return nil, err
	}
	items, err := s.st.List(ctx, kindStream, streamKey(group, prefix))
	if err != nil {
		return nil, err
	}
	out := make([]Stream, 0, len(items))
	for _, it := range items {
		var st Stream
		if err := json.Unmarshal(it.Value, &st); err != nil {
			return nil, err
		}
		out = append(out, st)
	}
	if byTime {
		sort.SliceStable(out, func(i, j int) bool { return out[i].LastEventTimestamp.After(out[j].LastEventTimestamp) })
	}
	return out, nil
}

func streamName(group, stream string) string { return "logs/" + group + "\x00" + stream }
