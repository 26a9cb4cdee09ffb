package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
	"github.com/spf13/cobra"
)

// `iamgate logs NAME [-f]` reads a log group with FilterLogEvents, the
// call `aws logs tail` makes, and prints it in that command's layout:
// timestamp, stream, message. -f keeps polling until Ctrl-C.

type logsFlags struct {
	clientFlags
	follow    bool
	since     time.Duration
	startTime string
	pattern   string
	stackName string
	interval  time.Duration
}

func newLogs() *cobra.Command {
	var f logsFlags
	c := &cobra.Command{
		Use:   "logs NAME [-f]",
		Short: "Print a log group's events (NAME may be a function name: /aws/lambda/NAME, or with --stack-name a logical id)",
		Long: `Print a log group's events. NAME is a log group, a function name (its group is
/aws/lambda/NAME), or, with --stack-name, a resource's logical id as sam logs -n takes
it (HelloWorldFunction): a function's or a log group's.`,
		Args: cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			ctx := c.Context()
			if ctx == nil {
				ctx = context.Background()
			}
			ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
			defer stop()
			cfg, err := f.awsConfig()
			if err != nil {
				return err
			}
			name := args[0]
			if f.stackName != "" {
				if name, err = physicalLogGroup(ctx, cloudformation.NewFromConfig(cfg), f.stackName, name); err != nil {
					return err
				}
			}
			since := f.since
			if f.startTime != "" {
				at, err := parseStartTime(f.startTime, time.Now())
				if err != nil {
					return err
				}
				since = time.Since(at)
			}
			t := &tailer{api: cloudwatchlogs.NewFromConfig(cfg), out: c.OutOrStdout(), now: time.Now,
				pattern: f.pattern, interval: f.interval}
			err = t.run(ctx, name, since, f.follow)
			if hasCode(err, "ResourceNotFoundException") && f.stackName == "" && !strings.HasPrefix(name, "/") {
				return fmt.Errorf("%w (if %s is a logical id in a template, pass --stack-name)", err, name)
			}
			return err
		},
	}
	f.register(c)
	c.Flags().BoolVarP(&f.follow, "follow", "f", false, "keep printing new events until Ctrl-C")
	c.Flags().DurationVar(&f.since, "since", 0, "only events newer than this (e.g. 10m); 0 prints all")
	c.Flags().StringVar(&f.pattern, "filter-pattern", "", "CloudWatch Logs filter pattern")
	c.Flags().StringVar(&f.pattern, "filter", "", "CloudWatch Logs filter pattern (sam logs' name for --filter-pattern)")
	c.Flags().StringVarP(&f.startTime, "start-time", "s", "", "only events from this time: '5mins ago', '2h ago', 'yesterday', '2026-01-02 15:04:05' or RFC 3339")
	c.Flags().StringVar(&f.stackName, "stack-name", "", "the stack in which NAME is a logical id")
	c.Flags().DurationVar(&f.interval, "interval", time.Second, "poll interval with -f")
	_ = c.Flags().MarkHidden("interval")
	return c
}

// logsAPI is the one call logs makes (satisfied by *cloudwatchlogs.Client).
type logsAPI interface {
	FilterLogEvents(context.Context, *cloudwatchlogs.FilterLogEventsInput, ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.FilterLogEventsOutput, error)
}

var _ logsAPI = (*cloudwatchlogs.Client)(nil)

type tailer struct {
	api      logsAPI
	out      io.Writer
	now      func() time.Time
	pattern  string
	interval time.Duration
	// poll, when set, is called instead of sleeping between follow polls
	// (tests drive the loop through it).
	poll func(ctx context.Context) error
}

// run prints the group's events, then with follow keeps polling from the
// newest timestamp printed, skipping events already printed at it.
func (t *tailer) run(ctx context.Context, name string, since time.Duration, follow bool) error {
	var start int64
	if since > 0 {
		start = t.now().Add(-since).UnixMilli()
	}
	group, err := t.resolveGroup(ctx, name)
	if err != nil {
		return err
	}
	seen := map[string]bool{}
	for {
		last, err := t.printFrom(ctx, group, start, seen)
		if err != nil {
			return err
		}
		if !follow {
			return nil
		}
		if last > start {
			// Events at the new start time stay in seen; older ones can go.
			start = last
			for id := range seen {
				if !strings.HasPrefix(id, fmt.Sprint(last)+"/") {
					delete(seen, id)
				}
			}
		}
		if err := t.pause(ctx); err != nil {
			if errors.Is(err, context.Canceled) {
				return nil
			}
			return err
		}
	}
}

func (t *tailer) pause(ctx context.Context) error {
	if t.poll != nil {
		return t.poll(ctx)
	}
	return wait(ctx, t.interval)
}

// resolveGroup takes NAME as a log group, or as a function name whose
// group is /aws/lambda/NAME, as `sam logs -n` does.
func (t *tailer) resolveGroup(ctx context.Context, name string) (string, error) {
	_, err := t.api.FilterLogEvents(ctx, &cloudwatchlogs.FilterLogEventsInput{LogGroupName: aws.String(name), Limit: aws.Int32(1)})
	if err == nil {
		return name, nil
	}
	if hasCode(err, "ResourceNotFoundException") && !strings.HasPrefix(name, "/") {
		alt := "/aws/lambda/" + name
		if _, err2 := t.api.FilterLogEvents(ctx, &cloudwatchlogs.FilterLogEventsInput{LogGroupName: aws.String(alt), Limit: aws.Int32(1)}); err2 == nil {
			return alt, nil
		}
	}
	return "", err
}

// printFrom prints every event from start on (pages followed) and returns
// the newest timestamp printed.
func (t *tailer) printFrom(ctx context.Context, group string, start int64, seen map[string]bool) (int64, error) {
	in := &cloudwatchlogs.FilterLogEventsInput{LogGroupName: aws.String(group)}
	if start > 0 {
		in.StartTime = aws.Int64(start)
	}
	if t.pattern != "" {
		in.FilterPattern = aws.String(t.pattern)
	}
	var batch []cwtypes.FilteredLogEvent
	for {
		out, err := t.api.FilterLogEvents(ctx, in)
		if err != nil {
			return start, err
		}
		batch = append(batch, out.Events...)
		if out.NextToken == nil || aws.ToString(out.NextToken) == aws.ToString(in.NextToken) {
			break
		}
		in.NextToken = out.NextToken
	}
	sort.SliceStable(batch, func(i, j int) bool { return aws.ToInt64(batch[i].Timestamp) < aws.ToInt64(batch[j].Timestamp) })
	last := start
	for _, e := range batch {
		ts := aws.ToInt64(e.Timestamp)
		id := fmt.Sprintf("%d/%s", ts, eventKey(e))
		if seen[id] {
			continue
		}
		seen[id] = true
		last = max(last, ts)
		fmt.Fprintf(t.out, "%s %s %s\n", time.UnixMilli(ts).UTC().Format("2006-01-02T15:04:05.000000+00:00"),
			aws.ToString(e.LogStreamName), strings.TrimRight(aws.ToString(e.Message), "\n"))
	}
	return last, nil
}

// eventKey identifies an event; servers that send no EventId get one from
// its stream and text.
func eventKey(e cwtypes.FilteredLogEvent) string {
	if id := aws.ToString(e.EventId); id != "" {
		return id
	}
	return aws.ToString(e.LogStreamName) + "\x00" + aws.ToString(e.Message)
}

// stackResources is the one CloudFormation call logs makes.
type stackResources interface {
	DescribeStackResource(context.Context, *cloudformation.DescribeStackResourceInput, ...func(*cloudformation.Options)) (*cloudformation.DescribeStackResourceOutput, error)
}

// stackResource is the type and physical id of a logical id of stack,
// failing while it has no physical id yet.
func stackResource(ctx context.Context, api stackResources, stack, logicalID string) (typ, phys string, err error) {
	out, err := api.DescribeStackResource(ctx, &cloudformation.DescribeStackResourceInput{
		StackName: aws.String(stack), LogicalResourceId: aws.String(logicalID)})
	if err != nil {
		return "", "", err
	}
	d := out.StackResourceDetail
	if d == nil || aws.ToString(d.PhysicalResourceId) == "" {
		return "", "", fmt.Errorf("%s in stack %s has no physical id yet", logicalID, stack)
	}
	return aws.ToString(d.ResourceType), aws.ToString(d.PhysicalResourceId), nil
}

// physicalLogGroup maps a logical id of stack to its log group: a
// function's /aws/lambda/{name}, or a log group's own name.
func physicalLogGroup(ctx context.Context, api stackResources, stack, logicalID string) (string, error) {
	typ, phys, err := stackResource(ctx, api, stack, logicalID)
	if err != nil {
		return "", err
	}
	switch typ {
	case "AWS::Lambda::Function", "AWS::Serverless::Function":
		return "/aws/lambda/" + phys, nil
	case "AWS::Logs::LogGroup":
		return phys, nil
	default:
		return "", fmt.Errorf("%s in stack %s is an %s: logs reads a function's or a log group's", logicalID, stack, typ)
	}
}

var relativeTime = regexp.MustCompile(`^(\d+)\s*(s|sec|secs|second|seconds|m|min|mins|minute|minutes|h|hr|hrs|hour|hours|d|day|days|w|week|weeks)\s+ago$`)

// parseStartTime reads sam logs' --start-time forms: relative ("5mins
// ago", "2 hours ago", "yesterday"), a Go duration ("10m", as ago), or a
// timestamp ("2026-01-02 15:04:05", RFC 3339; UTC unless it says).
func parseStartTime(s string, now time.Time) (time.Time, error) {
	s = strings.TrimSpace(s)
	switch lower := strings.ToLower(s); lower {
	case "now":
		return now, nil
	case "yesterday":
		return now.Add(-24 * time.Hour), nil
	}
	if m := relativeTime.FindStringSubmatch(strings.ToLower(s)); m != nil {
		n, _ := strconv.Atoi(m[1])
		unit := map[byte]time.Duration{'s': time.Second, 'm': time.Minute, 'h': time.Hour, 'd': 24 * time.Hour, 'w': 7 * 24 * time.Hour}[m[2][0]]
		return now.Add(-time.Duration(n) * unit), nil
	}
	if d, err := time.ParseDuration(s); err == nil && d > 0 {
		return now.Add(-d), nil
	}
	for _, layout := range []string{time.RFC3339, "2006-01-02T15:04:05", "2006-01-02 15:04:05", "2006-01-02 15:04", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("--start-time %q: want e.g. '5mins ago', 'yesterday', '2026-01-02 15:04:05' or RFC 3339", s)
}
