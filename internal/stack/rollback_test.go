package stack

import (
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// createOrder deploys the seed once with nothing failing and returns the
// logical ids in the order they were created, with each one's type.
func createOrder(t *testing.T) (ids []string, typeOf map[string]string) {
	t.Helper()
	e, recs := newEngine(t)
	deploy(t, e, seedTemplate(t, "3"), "CREATE")
	typeOf = map[string]string{}
	for typ, r := range recs {
		for _, c := range r.calls {
			if id, ok := strings.CutPrefix(c, "create "); ok {
				typeOf[id] = typ
			}
		}
	}
	for _, c := range recs[types[0]].journal.all() {
		if id, ok := strings.CutPrefix(c, "create "); ok {
			ids = append(ids, id)
		}
	}
	if len(ids) < 5 || len(ids) != len(typeOf) {
		t.Fatalf("seed created %v (%v)", ids, typeOf)
	}
	return ids, typeOf
}

// TestCreateRollbackTable fails the create of each resource of the seed in
// turn. CloudFormation rolls the stack back: every resource created before
// the failure is deleted, newest first, the failed one is not (it was never
// made), and the stack ends ROLLBACK_COMPLETE with no resources and the
// reason naming the resource
// (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/troubleshooting.html#troubleshooting-errors-delete-stack-fails,
// "The following resource(s) failed to create: [X]. Rollback requested by user.").
// When a delete of the rollback fails too, the stack is ROLLBACK_FAILED and
// keeps that resource.
func TestCreateRollbackTable(t *testing.T) {
	ids, typeOf := createOrder(t)
	for i, failed := range ids {
		t.Run(failed, func(t *testing.T) {
			ctx := rootCtx()
			e, recs := newEngine(t)
			recs[typeOf[failed]].failOn = failed
			deploy(t, e, seedTemplate(t, "3"), "CREATE")
			st, err := e.DescribeStacks(ctx, "Api-IAM-Sample-Stack")
			if err != nil {
				t.Fatal(err)
			}
			want := "The following resource(s) failed to create: [" + failed + "]. Rollback requested by user."
			if st[0].StackStatus != RollbackComplete || st[0].StackStatusReason != want {
				t.Errorf("stack %s %q, want %s %q", st[0].StackStatus, st[0].StackStatusReason, RollbackComplete, want)
			}
			var wantCalls []string
			for _, id := range ids[:i+1] {
				wantCalls = append(wantCalls, "create "+id)
			}
			for _, id := range slices.Backward(ids[:i]) {
				wantCalls = append(wantCalls, "delete "+id)
			}
			if diff := cmp.Diff(wantCalls, recs[types[0]].journal.all()); diff != "" {
				t.Errorf("provider calls (-want +got):\n%s", diff)
			}
			if res, err := e.DescribeStackResources(ctx, "Api-IAM-Sample-Stack", ""); err != nil || len(res) != 0 {
				t.Errorf("resources left %+v, %v", res, err)
			}
		})
	}
	t.Run("delete fails during the rollback", func(t *testing.T) {
		ctx := rootCtx()
		e, recs := newEngine(t)
		last, first := ids[len(ids)-1], ids[0]
		recs[typeOf[last]].failOn = last
		recs[typeOf[first]].failDelete = first
		deploy(t, e, seedTemplate(t, "3"), "CREATE")
		st, err := e.DescribeStacks(ctx, "Api-IAM-Sample-Stack")
		if err != nil {
			t.Fatal(err)
		}
		want := "The following resource(s) failed to delete: [" + first + "]. "
		if st[0].StackStatus != RollbackFailed || st[0].StackStatusReason != want {
			t.Errorf("stack %s %q, want %s %q", st[0].StackStatus, st[0].StackStatusReason, RollbackFailed, want)
		}
		res, err := e.DescribeStackResources(ctx, "Api-IAM-Sample-Stack", "")
		if err != nil || len(res) != 1 || res[0].LogicalResourceID != first {
			t.Errorf("resources left %+v, %v; want %s alone", res, err, first)
		}
	})
}

// TestUpdateRollback: an update whose resource fails is rolled back to the
// previous template and the stack ends UPDATE_ROLLBACK_COMPLETE with the
// reason naming the resource, keeping every resource.
func TestUpdateRollback(t *testing.T) {
	ctx := rootCtx()
	e, recs := newEngine(t)
	deploy(t, e, seedTemplate(t, "3"), "CREATE")
	before, err := e.DescribeStackResources(ctx, "Api-IAM-Sample-Stack", "")
	if err != nil {
		t.Fatal(err)
	}
	fn := recs["AWS::Lambda::Function"]
	fn.failUpdate = "HelloWorldFunction"
	start := len(fn.calls)
	deploy(t, e, seedTemplate(t, "5"), "UPDATE")
	st, err := e.DescribeStacks(ctx, "Api-IAM-Sample-Stack")
	if err != nil {
		t.Fatal(err)
	}
	want := "The following resource(s) failed to update: [HelloWorldFunction]. Rollback requested by user."
	if st[0].StackStatus != UpdateRollbackComplete || st[0].StackStatusReason != want {
		t.Errorf("stack %s %q, want %s %q", st[0].StackStatus, st[0].StackStatusReason, UpdateRollbackComplete, want)
	}
	// The update failed before it changed the function, so the rollback
	// has nothing of it to put back: one call, the failed one.
	if diff := cmp.Diff([]string{"update HelloWorldFunction"}, fn.calls[start:]); diff != "" {
		t.Errorf("function calls of the update (-want +got):\n%s", diff)
	}
	after, err := e.DescribeStackResources(ctx, "Api-IAM-Sample-Stack", "")
	if err != nil || len(after) != len(before) {
		t.Errorf("resources %d after, %d before (%v)", len(after), len(before), err)
	}
}
