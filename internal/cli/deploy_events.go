package cli

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	cftypes "github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
)

// execute runs the change set and streams the stack's events while it
// runs. AWS's ExecuteChangeSet answers at once and iamgate's when the stack
// is done or after a few seconds (stack.Options.ExecuteWait), so it runs in
// a goroutine and the events are polled beside it until the stack leaves
// every *_IN_PROGRESS state.
func (d *deployment) execute(ctx context.Context, changeSetID, typ string) error {
	seen := map[string]bool{}
	if _, err := d.newEvents(ctx, seen); err != nil {
		return err
	}
	fmt.Fprintf(d.stdout, "\n%s - Waiting for stack create/update to complete\n\nCloudFormation events from stack operations\n", "iamgate deploy")
	fmt.Fprintf(d.stdout, "  %-28s %-32s %s\n", "ResourceStatus", "ResourceType", "LogicalResourceId")
	done := make(chan error, 1)
	go func() {
		_, err := d.cfn.ExecuteChangeSet(ctx, &cloudformation.ExecuteChangeSetInput{ChangeSetName: aws.String(changeSetID), StackName: aws.String(d.stackName)})
		done <- err
	}()
	executed := false
	for delay := d.poll; ; delay = next(delay) {
		if !executed {
			select {
			case err := <-done:
				if err != nil {
					return d.located(err)
				}
				executed = true
			default:
			}
		}
		if err := d.printNewEvents(ctx, seen); err != nil {
			return err
		}
		if executed {
			st, err := d.describeStack(ctx)
			if err != nil {
				return err
			}
			if st != nil && !strings.HasSuffix(string(st.StackStatus), "_IN_PROGRESS") {
				if err := d.printNewEvents(ctx, seen); err != nil {
					return err
				}
				return d.result(st, typ)
			}
		}
		if err := waitOr(ctx, delay, done, &executed); err != nil {
			return d.located(err)
		}
	}
}

// waitOr waits for the delay, returning early when the execute call ends.
func waitOr(ctx context.Context, delay time.Duration, done <-chan error, executed *bool) error {
	if *executed {
		return wait(ctx, delay)
	}
	t := time.NewTimer(delay)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case err := <-done:
		*executed = true
		return err
	case <-t.C:
		return nil
	}
}

// result turns the final stack status into sam's success line or an error.
func (d *deployment) result(st *cftypes.Stack, typ string) error {
	switch st.StackStatus {
	case cftypes.StackStatusCreateComplete, cftypes.StackStatusUpdateComplete:
		fmt.Fprintf(d.stdout, "\nSuccessfully created/updated stack - %s in %s\n", d.stackName, d.region)
		return nil
	}
	verb := map[string]string{"CREATE": "create", "UPDATE": "update"}[typ]
	return fmt.Errorf("Failed to %s the stack: %s, stack status %s: %s", verb, d.stackName, st.StackStatus, d.located(fmt.Errorf("%s", aws.ToString(st.StackStatusReason))))
}

func (d *deployment) printNewEvents(ctx context.Context, seen map[string]bool) error {
	evs, err := d.newEvents(ctx, seen)
	if err != nil {
		return err
	}
	for _, e := range evs {
		printEvent(d.stdout, e, d.located(fmt.Errorf("%s", aws.ToString(e.ResourceStatusReason))).Error())
	}
	return nil
}

// newEvents pages DescribeStackEvents (newest first) back to the first
// event already seen and returns the new ones oldest first.
func (d *deployment) newEvents(ctx context.Context, seen map[string]bool) ([]cftypes.StackEvent, error) {
	var fresh []cftypes.StackEvent
	var token *string
	for {
		out, err := d.cfn.DescribeStackEvents(ctx, &cloudformation.DescribeStackEventsInput{StackName: aws.String(d.stackName), NextToken: token})
		if err != nil {
			if hasCode(err, "ValidationError") && strings.Contains(err.Error(), "does not exist") {
				return nil, nil
			}
			return nil, err
		}
		stop := false
		for _, e := range out.StackEvents {
			id := aws.ToString(e.EventId)
			if seen[id] {
				stop = true
				break
			}
			seen[id] = true
			fresh = append(fresh, e)
		}
		if stop || out.NextToken == nil {
			break
		}
		token = out.NextToken
	}
	slices.Reverse(fresh)
	return fresh, nil
}

// printOutputs prints the stack's outputs and the local URLs of its APIs.
func (d *deployment) printOutputs(ctx context.Context) error {
	st, err := d.describeStack(ctx)
	if err != nil || st == nil || len(st.Outputs) == 0 {
		return err
	}
	fmt.Fprintln(d.stdout, "\nCloudFormation outputs from deployed stack")
	var local []string
	for _, o := range st.Outputs {
		v := aws.ToString(o.OutputValue)
		fmt.Fprintf(d.stdout, "Key                 %s\n", aws.ToString(o.OutputKey))
		if desc := aws.ToString(o.Description); desc != "" {
			fmt.Fprintf(d.stdout, "Description         %s\n", desc)
		}
		fmt.Fprintf(d.stdout, "Value               %s\n", v)
		if h, p, ok := localURLs(ctx, d.endpoint, v, d.stages); ok {
			local = append(local, fmt.Sprintf("  %s\n    host style: %s\n    path style: %s", aws.ToString(o.OutputKey), h, p))
		}
	}
	if len(local) > 0 {
		fmt.Fprintln(d.stdout, "\nLocal URLs")
		fmt.Fprintln(d.stdout, strings.Join(local, "\n"))
	}
	return nil
}

// printEvent writes one stack event as sam deploy lists them: status, type,
// logical id and the reason (reason is the event's, located in the
// template; "User Initiated" is not shown).
func printEvent(w io.Writer, ev cftypes.StackEvent, reason string) {
	if reason != "" && reason != "User Initiated" {
		reason = "  " + reason
	} else {
		reason = ""
	}
	fmt.Fprintf(w, "  %-28s %-32s %s%s\n", ev.ResourceStatus, aws.ToString(ev.ResourceType), aws.ToString(ev.LogicalResourceId), reason)
}
