package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
	"github.com/spf13/cobra"
)

// `iamgate logs NAME [-f]` reads a log group with FilterLogEvents, the
// call `aws logs tail` makes, and prints it in that command's layout:
// timestamp, stream, message. -f keeps polling until Ctrl-C.

type logsFlags struct {
	clientFlags
	follow   bool
	since    time.Duration
	pattern  string
	interval time.Duration
}

func newLogs() *cobra.Command {
	var f logsFlags
	c := &cobra.Command{
		Use:   "logs NAME [-f]",
		Short: "Print a log group's events (NAME may be a function name: /aws/lambda/NAME)",
		Args:  cobra.ExactArgs(1),
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
			t := &tailer{api: cloudwatchlogs.NewFromConfig(cfg), out: c.OutOrStdout(), now: time.Now,
				pattern: f.pattern, interval: f.interval}
			return t.run(ctx, args[0], f.since, f.follow)
		},
	}
	f.register(c)
	c.Flags().BoolVarP(&f.follow, "follow", "f", false, "keep printing new events until Ctrl-C")
	c.Flags().DurationVar(&f.since, "since", 0, "only events newer than this (e.g. 10m); 0 prints all")
	c.Flags().StringVar(&f.pattern, "filter-pattern", "", "CloudWatch Logs filter pattern")
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
