package server

import (
	"context"
	"net/http/httptest"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/iamgate/iamgate/internal/stack"
	"github.com/iamgate/iamgate/internal/testutil"
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

// seededServer is a server on a fresh SQLite data dir behind a loopback
// listener (both closed when t ends) with the seed stack deployed as
// stackName; it returns the listener's URL and the seed API's id.
func seededServer(t *testing.T, stackName string) (s *Server, url, apiID string) {
	t.Helper()
	testutil.NeedCommand(t, "python3")
	s = newServer(t, "sqlite", t.TempDir())
	t.Cleanup(func() { _ = s.Shutdown(context.Background()) })
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(srv.Close)
	return s, srv.URL, deploySeed(t, s, stackName)
}

// seedFunction is the physical name of the seed stack's function.
func seedFunction(t *testing.T, s *Server, stackName string) string {
	t.Helper()
	for _, r := range mustResources(t, s, stackName) {
		if r.ResourceType == "AWS::Lambda::Function" {
			return r.PhysicalResourceID
		}
	}
	t.Fatalf("stack %s has no function", stackName)
	return ""
}

// accessKey is a new access key of user, as SDK credentials.
func accessKey(tb testing.TB, s *Server, user string) aws.Credentials {
	tb.Helper()
	key, err := s.iam.CreateAccessKey(context.Background(), user)
	if err != nil {
		tb.Fatal(err)
	}
	return aws.Credentials{AccessKeyID: key.AccessKeyID, SecretAccessKey: key.Secret.Reveal()}
}
