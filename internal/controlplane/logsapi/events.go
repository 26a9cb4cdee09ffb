package logsapi

import (
	"fmt"
	"hash/fnv"
	"sort"
	"strconv"
	"strings"

	"github.com/iamgate/iamgate/internal/awserr"
	"github.com/iamgate/iamgate/internal/logs"
)

type streamInput struct {
	LogGroupName  string `json:"logGroupName"`
	LogStreamName string `json:"logStreamName"`
}

func (c *call) createLogStream(body []byte) (any, error) {
	var in streamInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	if err := required("logGroupName", in.LogGroupName); err != nil {
		return nil, err
	}
	if err := c.authorize("logs:CreateLogStream", c.resource(in.LogGroupName, in.LogStreamName)); err != nil {
		return nil, err
	}
	return empty{}, c.h.o.Logs.CreateLogStream(c.ctx, in.LogGroupName, in.LogStreamName)
}

type logStream struct {
	LogStreamName       string `json:"logStreamName"`
	CreationTime        int64  `json:"creationTime"`
	FirstEventTimestamp int64  `json:"firstEventTimestamp,omitempty"`
	LastEventTimestamp  int64  `json:"lastEventTimestamp,omitempty"`
	LastIngestionTime   int64  `json:"lastIngestionTime,omitempty"`
	Arn                 string `json:"arn"`
	StoredBytes         int64  `json:"storedBytes"`
}

func (c *call) describeLogStreams(body []byte) (any, error) {
	var in struct {
		LogGroupName string `json:"logGroupName"`
		Prefix       string `json:"logStreamNamePrefix"`
		OrderBy      string `json:"orderBy"`
		Descending   bool   `json:"descending"`
		Limit        int    `json:"limit"`
		NextToken    string `json:"nextToken"`
	}
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	if err := required("logGroupName", in.LogGroupName); err != nil {
		return nil, err
	}
	if err := c.authorize("logs:DescribeLogStreams", c.resource(in.LogGroupName, "")); err != nil {
		return nil, err
	}
	byTime := in.OrderBy == "LastEventTime"
	if byTime && in.Prefix != "" {
		return nil, awserr.New(InvalidParameter, "Cannot order by LastEventTime with a logStreamNamePrefix.")
	}
	ss, err := c.h.o.Logs.DescribeLogStreams(c.ctx, in.LogGroupName, in.Prefix, byTime)
	if err != nil {
		return nil, err
	}
	// The domain sorts by name ascending, or by time newest first.
	if in.Descending != byTime {
		for i, j := 0, len(ss)-1; i < j; i, j = i+1, j-1 {
			ss[i], ss[j] = ss[j], ss[i]
		}
	}
	start, end, next, err := window(len(ss), in.Limit, 50, in.NextToken)
	if err != nil {
		return nil, err
	}
	out := struct {
		LogStreams []logStream `json:"logStreams"`
		NextToken  string      `json:"nextToken,omitempty"`
	}{LogStreams: []logStream{}, NextToken: next}
	for _, s := range ss[start:end] {
		out.LogStreams = append(out.LogStreams, logStream{LogStreamName: s.Name, CreationTime: millis(s.CreationTime),
			FirstEventTimestamp: millis(s.FirstEventTimestamp), LastEventTimestamp: millis(s.LastEventTimestamp),
			LastIngestionTime: millis(s.LastIngestionTime), Arn: s.ARN, StoredBytes: 0})
	}
	return out, nil
}

type inputEvent struct {
	Timestamp int64  `json:"timestamp"`
	Message   string `json:"message"`
}

func (c *call) putLogEvents(body []byte) (any, error) {
	var in struct {
		streamInput
		LogEvents []inputEvent `json:"logEvents"`
	}
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	if err := required("logGroupName", in.LogGroupName); err != nil {
		return nil, err
	}
	if err := c.authorize("logs:PutLogEvents", c.resource(in.LogGroupName, in.LogStreamName)); err != nil {
		return nil, err
	}
	if len(in.LogEvents) == 0 || len(in.LogEvents) > 10000 {
		return nil, awserr.New(InvalidParameter, "1 validation error detected: Value at 'logEvents' failed to satisfy constraint: Member must have length between 1 and 10000")
	}
	evs := make([]logs.Event, 0, len(in.LogEvents))
	for _, e := range in.LogEvents {
		evs = append(evs, logs.Event{Timestamp: fromMillis(e.Timestamp), Message: e.Message})
	}
	if err := c.h.o.Logs.PutLogEvents(c.ctx, in.LogGroupName, in.LogStreamName, evs); err != nil {
		return nil, err
	}
	// Sequence tokens are ignored since 2023; the field is still returned.
	return map[string]string{"nextSequenceToken": "49039859613988223" + strconv.Itoa(len(evs))}, nil
}

type outputEvent struct {
	LogStreamName string `json:"logStreamName,omitempty"`
	Timestamp     int64  `json:"timestamp"`
	Message       string `json:"message"`
	IngestionTime int64  `json:"ingestionTime"`
	EventID       string `json:"eventId,omitempty"`
}

// token formats GetLogEvents' tokens as CloudWatch Logs does: "f/" or "b/"
// and 56 digits, here the sequence number the page ends at.
func token(dir byte, seq int64) string { return fmt.Sprintf("%c/%056d", dir, seq) }

func parseToken(t string) (dir byte, seq int64, err error) {
	if len(t) < 3 || (t[0] != 'f' && t[0] != 'b') || t[1] != '/' {
		return 0, 0, awserr.New(InvalidParameter, "The specified nextToken is invalid.")
	}
	seq, perr := strconv.ParseInt(t[2:], 10, 64)
	if perr != nil || seq < 0 {
		return 0, 0, awserr.New(InvalidParameter, "The specified nextToken is invalid.")
	}
	return t[0], seq, nil
}

func (c *call) getLogEvents(body []byte) (any, error) {
	var in struct {
		streamInput
		StartTime     int64  `json:"startTime"`
		EndTime       int64  `json:"endTime"`
		Limit         int    `json:"limit"`
		NextToken     string `json:"nextToken"`
		StartFromHead bool   `json:"startFromHead"`
	}
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	if err := required("logGroupName", in.LogGroupName); err != nil {
		return nil, err
	}
	if err := c.authorize("logs:GetLogEvents", c.resource(in.LogGroupName, in.LogStreamName)); err != nil {
		return nil, err
	}
	all, err := c.h.o.Logs.GetLogEvents(c.ctx, in.LogGroupName, in.LogStreamName, 0, 0)
	if err != nil {
		return nil, err
	}
	start, end := fromMillis(in.StartTime), fromMillis(in.EndTime)
	var evs []logs.Event
	for _, e := range all {
		if (start.IsZero() || !e.Timestamp.Before(start)) && (end.IsZero() || e.Timestamp.Before(end)) {
			evs = append(evs, e)
		}
	}
	page, fwd, back, err := pageEvents(evs, in.NextToken, in.StartFromHead, in.Limit)
	if err != nil {
		return nil, err
	}
	out := struct {
		Events            []outputEvent `json:"events"`
		NextForwardToken  string        `json:"nextForwardToken"`
		NextBackwardToken string        `json:"nextBackwardToken"`
	}{Events: []outputEvent{}, NextForwardToken: fwd, NextBackwardToken: back}
	for _, e := range page {
		out.Events = append(out.Events, outputEvent{Timestamp: millis(e.Timestamp), Message: e.Message, IngestionTime: millis(e.IngestionTime)})
	}
	return out, nil
}

// pageEvents picks GetLogEvents' page from a stream's events (in sequence
// order): after a forward token, before a backward token, else the head or
// the tail. At the end of the stream the token passed in comes back, which
// is how clients know to stop.
func pageEvents(evs []logs.Event, tok string, fromHead bool, limit int) (page []logs.Event, fwd, back string, err error) {
	if limit <= 0 || limit > 10000 {
		limit = 10000
	}
	switch {
	case tok != "":
		dir, seq, perr := parseToken(tok)
		if perr != nil {
			return nil, "", "", perr
		}
		i := sort.Search(len(evs), func(i int) bool { return evs[i].Seq > seq })
		if dir == 'f' {
			page = evs[i:min(i+limit, len(evs))]
		} else {
			i = sort.Search(len(evs), func(i int) bool { return evs[i].Seq >= seq })
			page = evs[max(i-limit, 0):i]
		}
		if len(page) == 0 {
			return page, tok, tok, nil
		}
	case fromHead:
		page = evs[:min(limit, len(evs))]
	default:
		page = evs[max(len(evs)-limit, 0):]
	}
	if len(page) == 0 {
		return page, token('f', 0), token('b', 0), nil
	}
	return page, token('f', page[len(page)-1].Seq), token('b', page[0].Seq), nil
}

// eventID is a stable 56-digit id for an event (stream hash and sequence),
// which `aws logs tail --follow` uses to drop events it has printed.
func eventID(stream string, seq int64) string {
	h := fnv.New32a()
	h.Write([]byte(stream))
	return fmt.Sprintf("%010d%046d", h.Sum32(), seq)
}

func (c *call) filterLogEvents(body []byte) (any, error) {
	var in struct {
		LogGroupName        string   `json:"logGroupName"`
		LogGroupIdentifier  string   `json:"logGroupIdentifier"`
		LogStreamNames      []string `json:"logStreamNames"`
		LogStreamNamePrefix string   `json:"logStreamNamePrefix"`
		StartTime           int64    `json:"startTime"`
		EndTime             int64    `json:"endTime"`
		FilterPattern       string   `json:"filterPattern"`
		NextToken           string   `json:"nextToken"`
		Limit               int      `json:"limit"`
	}
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	group := in.LogGroupName
	if group == "" {
		group = groupOfIdentifier(in.LogGroupIdentifier)
	}
	if err := required("logGroupName", group); err != nil {
		return nil, err
	}
	if err := c.authorize("logs:FilterLogEvents", c.resource(group, "")); err != nil {
		return nil, err
	}
	streams := in.LogStreamNames
	if in.LogStreamNamePrefix != "" {
		ss, err := c.h.o.Logs.DescribeLogStreams(c.ctx, group, in.LogStreamNamePrefix, false)
		if err != nil {
			return nil, err
		}
		streams = []string{}
		for _, s := range ss {
			streams = append(streams, s.Name)
		}
	}
	var evs []logs.Event
	if streams == nil || len(streams) > 0 {
		var err error
		evs, err = c.h.o.Logs.FilterLogEvents(c.ctx, group, logs.Filter{Start: fromMillis(in.StartTime),
			End: fromMillis(in.EndTime), Pattern: in.FilterPattern, Streams: streams})
		if err != nil {
			return nil, err
		}
	}
	start, end, next, err := window(len(evs), in.Limit, 10000, in.NextToken)
	if err != nil {
		return nil, err
	}
	out := struct {
		Events             []outputEvent `json:"events"`
		SearchedLogStreams []any         `json:"searchedLogStreams"`
		NextToken          string        `json:"nextToken,omitempty"`
	}{Events: []outputEvent{}, SearchedLogStreams: []any{}, NextToken: next}
	for _, e := range evs[start:end] {
		out.Events = append(out.Events, outputEvent{LogStreamName: e.Stream, Timestamp: millis(e.Timestamp),
			Message: e.Message, IngestionTime: millis(e.IngestionTime), EventID: eventID(e.Stream, e.Seq)})
	}
	return out, nil
}

// groupOfIdentifier accepts a log group name or ARN (with or without ":*").
func groupOfIdentifier(id string) string {
	if rest, ok := strings.CutPrefix(id, "arn:"); ok {
		if i := strings.Index(rest, ":log-group:"); i >= 0 {
			return strings.TrimSuffix(rest[i+len(":log-group:"):], ":*")
		}
	}
	return id
}
