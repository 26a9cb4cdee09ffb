package logs

import (
	"context"
	"encoding/json"
	"errors"
	"regexp"
	"sort"
	"strings"
	"sync"
	"time"

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
}

// Event is one log event.
type Event struct {
	Timestamp     time.Time `json:"t"`
	Message       string    `json:"m"`
	IngestionTime time.Time `json:"i"`
	Stream        string    `json:"-"`
	Seq           int64     `json:"-"`
}

// Service stores log groups, streams and events.
type Service struct {
	st      store.Store
	now     func() time.Time
	region  string
	account string
	mu      sync.Mutex // serialises stream metadata updates
}

// New returns a Service over st.
func New(st store.Store, region, account string, now func() time.Time) *Service {
	return &Service{st: st, now: now, region: region, account: account}
}

var groupName = regexp.MustCompile(`^[\.\-_/#A-Za-z0-9]{1,512}$`)

func (s *Service) groupARN(name string) string {
	return "arn:aws:logs:" + s.region + ":" + s.account + ":log-group:" + name + ":*"
}

// CreateLogGroup creates a group; it fails if the group exists.
func (s *Service) CreateLogGroup(ctx context.Context, name string, retentionDays int) error {
	if !groupName.MatchString(name) {
		return awserr.New(InvalidParameter, "1 validation error detected: Value '%s' at 'logGroupName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\.\\-_/#A-Za-z0-9]+", name)
	}
	g := Group{Name: name, ARN: s.groupARN(name), CreationTime: s.now(), RetentionDays: retentionDays}
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
	return s.st.Update(ctx, func(tx store.Tx) error {
		g, err := getGroup(ctx, tx, name)
		if err != nil {
			return err
		}
		g.RetentionDays = days
		b, _ := json.Marshal(g)
		return tx.Put(ctx, kindGroup, name, b)
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

// GetLogGroup returns one group.
func (s *Service) GetLogGroup(ctx context.Context, name string) (Group, error) {
	return getGroup(ctx, s.st, name)
}

// DeleteLogGroup removes a group with its streams. Events stay in the
// append-only stream storage but are unreachable once their stream is gone.
func (s *Service) DeleteLogGroup(ctx context.Context, name string) error {
	return s.st.Update(ctx, func(tx store.Tx) error {
		if _, err := getGroup(ctx, tx, name); err != nil {
			return err
		}
		streams, err := tx.List(ctx, kindStream, name+"\x00")
		if err != nil {
			return err
		}
		for _, it := range streams {
			if err := tx.Delete(ctx, kindStream, it.Key); err != nil {
				return err
			}
		}
		return tx.Delete(ctx, kindGroup, name)
	})
}

// DescribeLogGroups lists groups whose name starts with prefix.
func (s *Service) DescribeLogGroups(ctx context.Context, prefix string) ([]Group, error) {
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
	if name == "" || strings.ContainsAny(name, ":*") {
		return awserr.New(InvalidParameter, "1 validation error detected: Value '%s' at 'logStreamName' failed to satisfy constraint: Member must satisfy regular expression pattern: [^:*]*", name)
	}
	return s.st.Update(ctx, func(tx store.Tx) error {
		if _, err := getGroup(ctx, tx, group); err != nil {
			return err
		}
		st := Stream{Group: group, Name: name, CreationTime: s.now(),
			ARN: "arn:aws:logs:" + s.region + ":" + s.account + ":log-group:" + group + ":log-stream:" + name}
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
