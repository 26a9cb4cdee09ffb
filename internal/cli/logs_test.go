package cli

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	cftypes "github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
	"github.com/aws/smithy-go"
	"github.com/google/go-cmp/cmp"
)

// fakeLogs answers FilterLogEvents from memory, two events per page, as
// CloudWatch Logs does: events from StartTime on (inclusive).
type fakeLogs struct {
	groups map[string][]cwtypes.FilteredLogEvent
	calls  []cloudwatchlogs.FilterLogEventsInput
}

func (f *fakeLogs) FilterLogEvents(_ context.Context, in *cloudwatchlogs.FilterLogEventsInput, _ ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.FilterLogEventsOutput, error) {
	f.calls = append(f.calls, *in)
	evs, ok := f.groups[aws.ToString(in.LogGroupName)]
	if !ok {
		// https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/CommonErrors.html
		return nil, &smithy.GenericAPIError{Code: "ResourceNotFoundException", Message: "The specified log group does not exist."}
	}
	var match []cwtypes.FilteredLogEvent
	for _, e := range evs {
		if aws.ToInt64(e.Timestamp) >= aws.ToInt64(in.StartTime) &&
			(in.FilterPattern == nil || strings.Contains(aws.ToString(e.Message), aws.ToString(in.FilterPattern))) {
			match = append(match, e)
		}
	}
	start := 0
	if in.NextToken != nil {
		fmt.Sscan(*in.NextToken, &start)
	}
	size := 2
	if in.Limit != nil {
		size = int(*in.Limit)
	}
	end := min(start+size, len(match))
	out := &cloudwatchlogs.FilterLogEventsOutput{Events: match[start:end]}
	if end < len(match) {
		out.NextToken = aws.String(fmt.Sprint(end))
	}
	return out, nil
}

func (f *fakeLogs) add(group string, ts int64, stream, msg string) {
	id := fmt.Sprintf("e%d", len(f.groups[group]))
	f.groups[group] = append(f.groups[group], cwtypes.FilteredLogEvent{EventId: aws.String(id), Timestamp: aws.Int64(ts),
		LogStreamName: aws.String(stream), Message: aws.String(msg)})
}

const t0 = 1771900000000 // 2026-02-24T02:26:40Z

func seededLogs() *fakeLogs {
	f := &fakeLogs{groups: map[string][]cwtypes.FilteredLogEvent{}}
	f.add("/aws/lambda/Fn", t0, "s1", "START RequestId: 1\n")
	f.add("/aws/lambda/Fn", t0+5, "s1", "hello\n")
	f.add("/aws/lambda/Fn", t0+5, "s2", "other stream, same ms\n")
	f.add("/aws/lambda/Fn", t0+9, "s1", "END RequestId: 1\n")
	return f
}

func TestLogs(t *testing.T) {
	tests := []struct {
		name    string
		group   string
		since   time.Duration
		pattern string
		want    []string
		wantErr string
	}{
		{"group name, all pages", "/aws/lambda/Fn", 0, "", []string{
			"2026-02-24T02:26:40.000000+00:00 s1 START RequestId: 1",
			"2026-02-24T02:26:40.005000+00:00 s1 hello",
			"2026-02-24T02:26:40.005000+00:00 s2 other stream, same ms",
			"2026-02-24T02:26:40.009000+00:00 s1 END RequestId: 1"}, ""},
		{"function name", "Fn", 0, "RequestId", []string{
			"2026-02-24T02:26:40.000000+00:00 s1 START RequestId: 1",
			"2026-02-24T02:26:40.009000+00:00 s1 END RequestId: 1"}, ""},
		{"since", "Fn", 3 * time.Millisecond, "", []string{
			"2026-02-24T02:26:40.009000+00:00 s1 END RequestId: 1"}, ""},
		{"missing group", "/nope", 0, "", nil, "ResourceNotFoundException"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var out bytes.Buffer
			tl := &tailer{api: seededLogs(), out: &out, pattern: tc.pattern, now: func() time.Time { return time.UnixMilli(t0 + 12) }}
			err := tl.run(context.Background(), tc.group, tc.since, false)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, lines(out.String())); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// TestLogsFollow prints each event once while new ones arrive, including
// one at the same millisecond as the last printed, then stops on Ctrl-C.
func TestLogsFollow(t *testing.T) {
	f := seededLogs()
	var out bytes.Buffer
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	polls := 0
	tl := &tailer{api: f, out: &out, now: time.Now, poll: func(context.Context) error {
		polls++
		switch polls {
		case 1:
			f.add("/aws/lambda/Fn", t0+9, "s2", "late, same ms as END")
			f.add("/aws/lambda/Fn", t0+20, "s1", "next")
		case 2:
		default:
			cancel()
			return ctx.Err()
		}
		return nil
	}}
	if err := tl.run(ctx, "/aws/lambda/Fn", 0, true); err != nil {
		t.Fatalf("follow after cancel: %v", err)
	}
	got := lines(out.String())
	want := []string{
		"2026-02-24T02:26:40.000000+00:00 s1 START RequestId: 1",
		"2026-02-24T02:26:40.005000+00:00 s1 hello",
		"2026-02-24T02:26:40.005000+00:00 s2 other stream, same ms",
		"2026-02-24T02:26:40.009000+00:00 s1 END RequestId: 1",
		"2026-02-24T02:26:40.009000+00:00 s2 late, same ms as END",
		"2026-02-24T02:26:40.020000+00:00 s1 next",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if last := f.calls[len(f.calls)-1]; aws.ToInt64(last.StartTime) != t0+20 {
		t.Errorf("follow polls from %d, want the newest timestamp %d", aws.ToInt64(last.StartTime), int64(t0+20))
	}
}

func lines(s string) []string {
	s = strings.TrimRight(s, "\n")
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

func TestParseStartTime(t *testing.T) {
	now := time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC)
	tests := []struct {
		in   string
		want time.Time
		err  bool
	}{
		{in: "5mins ago", want: now.Add(-5 * time.Minute)},
		{in: "2 hours ago", want: now.Add(-2 * time.Hour)},
		{in: "30 seconds ago", want: now.Add(-30 * time.Second)},
		{in: "1 week ago", want: now.Add(-7 * 24 * time.Hour)},
		{in: "Yesterday", want: now.Add(-24 * time.Hour)},
		{in: "10m", want: now.Add(-10 * time.Minute)},
		{in: "2026-12-01 10:10:10", want: time.Date(2026, 12, 1, 10, 10, 10, 0, time.UTC)},
		{in: "2026-12-01T10:10:10+09:00", want: time.Date(2026, 12, 1, 1, 10, 10, 0, time.UTC)},
		{in: "2026-12-01", want: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)},
		{in: "soon", err: true},
		{in: "-5m", err: true},
		{in: "5 fortnights ago", err: true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := parseStartTime(tt.in, now)
			if (err != nil) != tt.err {
				t.Fatalf("err = %v, want error %v", err, tt.err)
			}
			if err == nil && !got.Equal(tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

// fakeStack answers DescribeStackResource from a table, with
// CloudFormation's ValidationError for an unknown logical id.
type fakeStack map[string][2]string // logical id → type, physical id

func (f fakeStack) DescribeStackResource(_ context.Context, in *cloudformation.DescribeStackResourceInput, _ ...func(*cloudformation.Options)) (*cloudformation.DescribeStackResourceOutput, error) {
	r, ok := f[aws.ToString(in.LogicalResourceId)]
	if !ok {
		return nil, &smithy.GenericAPIError{Code: "ValidationError", Message: "Resource " + aws.ToString(in.LogicalResourceId) + " does not exist for stack " + aws.ToString(in.StackName)}
	}
	return &cloudformation.DescribeStackResourceOutput{StackResourceDetail: &cftypes.StackResourceDetail{
		ResourceType: aws.String(r[0]), PhysicalResourceId: aws.String(r[1])}}, nil
}

// physicalLogGroup and physicalFunction read the same stack resource
// (stackResource); each keeps the types it can use.
func TestPhysicalNames(t *testing.T) {
	st := fakeStack{
		"HelloWorldFunction": {"AWS::Lambda::Function", "Api-IAM-Sample-Stack-HelloWorldFunction-ABC"},
		"AccessLogs":         {"AWS::Logs::LogGroup", "/custom/group"},
		"HelloWorldApi":      {"AWS::ApiGateway::RestApi", "abc1234567"},
		"Pending":            {"AWS::Lambda::Function", ""},
	}
	logGroup, function := physicalLogGroup, physicalFunction
	tests := []struct {
		name, id, want, err string
		of                  func(context.Context, stackResources, string, string) (string, error)
	}{
		{name: "log group", of: logGroup, id: "HelloWorldFunction", want: "/aws/lambda/Api-IAM-Sample-Stack-HelloWorldFunction-ABC"},
		{name: "log group", of: logGroup, id: "AccessLogs", want: "/custom/group"},
		{name: "log group", of: logGroup, id: "HelloWorldApi", err: "is an AWS::ApiGateway::RestApi"},
		{name: "log group", of: logGroup, id: "Nope", err: "does not exist for stack S"},
		{name: "function", of: function, id: "HelloWorldFunction", want: "Api-IAM-Sample-Stack-HelloWorldFunction-ABC"},
		{name: "function", of: function, id: "AccessLogs", err: "AccessLogs in stack S is an AWS::Logs::LogGroup, not a function"},
		{name: "function", of: function, id: "Pending", err: "Pending in stack S has no physical id yet"},
		{name: "function", of: function, id: "Nope", err: "does not exist for stack S"},
	}
	for _, tt := range tests {
		t.Run(tt.name+"/"+tt.id, func(t *testing.T) {
			got, err := tt.of(context.Background(), st, "S", tt.id)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("err = %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("got %q %v, want %q", got, err, tt.want)
			}
		})
	}
}
