package server

import (
	"context"
	"testing"

	"github.com/iamgate/iamgate/internal/stack"
)

// createStack creates the stack in as the tests' deployments do (a CREATE
// change set, "c1" unless in names one, executed and waited for) and
// returns it once CREATE_COMPLETE; otherwise it logs the stack's events
// and fails tb.
func createStack(tb testing.TB, ctx context.Context, s *Server, in stack.ChangeSetInput) stack.Stack {
	tb.Helper()
	if in.ChangeSetName == "" {
		in.ChangeSetName = "c1"
	}
	in.ChangeSetType = "CREATE"
	if _, err := s.stacks.CreateChangeSet(ctx, in); err != nil {
		tb.Fatal(err)
	}
	if err := s.stacks.ExecuteChangeSet(ctx, in.StackName, in.ChangeSetName); err != nil {
		tb.Fatal(err)
	}
	waitErr := s.stacks.Wait(ctx, in.StackName)
	st, err := s.stacks.DescribeStacks(ctx, in.StackName)
	if waitErr != nil || err != nil || len(st) != 1 || st[0].StackStatus != stack.CreateComplete {
		ev, _ := s.stacks.DescribeStackEvents(ctx, in.StackName)
		for _, e := range ev {
			tb.Logf("%s %s %s", e.LogicalResourceID, e.ResourceStatus, e.ResourceStatusReason)
		}
		tb.Fatalf("stack: %+v %v (wait: %v)", st, err, waitErr)
	}
	return st[0]
}

// outputs is a stack's outputs by key.
func outputs(st stack.Stack) map[string]string {
	out := map[string]string{}
	for _, o := range st.Outputs {
		out[o.Key] = o.Value
	}
	return out
}
