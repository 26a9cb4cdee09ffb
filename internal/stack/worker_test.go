package stack

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/iamgate/iamgate/internal/awserr"
	"github.com/iamgate/iamgate/internal/store"
	"github.com/iamgate/iamgate/internal/store/storetest"
)

// gated is a recorder whose Create of one logical id waits for the test.
type gated struct {
	*recorder
	hold    string
	reached chan struct{}
	release chan struct{}
}

func (g *gated) Create(ctx context.Context, in *Input) (Result, error) {
	if in.LogicalID == g.hold {
		close(g.reached)
		<-g.release
	}
	return g.recorder.Create(ctx, in)
}

func engineOn(t *testing.T, st store.Store, node string, now func() time.Time, p Provider) *Engine {
	t.Helper()
	e := New(Options{Store: st, Region: "us-east-1", AccountID: "000000000000", Now: now, Authz: allowAll{}, Node: node})
	e.Register("AWS::Logs::LogGroup", p)
	return e
}

func openStore(t *testing.T) store.Store {
	t.Helper()
	st := storetest.SQLite(t)
	return st
}

const threeGroups = "Resources:\n  A:\n    Type: AWS::Logs::LogGroup\n  Slow:\n    Type: AWS::Logs::LogGroup\n    DependsOn: A\n  C:\n    Type: AWS::Logs::LogGroup\n    DependsOn: Slow\n"

func changeSet(t *testing.T, e *Engine, name, typ, body string) {
	t.Helper()
	if _, err := e.CreateChangeSet(rootCtx(), ChangeSetInput{StackName: "s", ChangeSetName: name, ChangeSetType: typ, TemplateBody: body}); err != nil {
		t.Fatal(err)
	}
}

func status(t *testing.T, e *Engine) Stack {
	t.Helper()
	st, err := e.DescribeStacks(rootCtx(), "s")
	if err != nil {
		t.Fatal(err)
	}
	return st[0]
}

// interrupt runs body's change set on e until Slow is being created, then
// closes e, as a server stopping mid-deploy; Close's deadline has passed,
// so the operation stops after Slow, before C.
func interrupt(t *testing.T, e *Engine, g *gated, cs string) {
	t.Helper()
	if err := e.ExecuteChangeSet(rootCtx(), "s", cs); err != nil {
		t.Fatal(err)
	}
	<-g.reached
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	closed := make(chan error, 1)
	go func() { closed <- e.Close(ctx) }()
	for e.base.Err() == nil {
		time.Sleep(time.Millisecond) // Close cancels base at once when ctx is done
	}
	close(g.release)
	if err := <-closed; !errors.Is(err, context.Canceled) {
		t.Fatalf("Close: %v", err)
	}
}

func TestResumeRollsBackAnInterruptedCreate(t *testing.T) {
	st := openStore(t)
	g := &gated{recorder: &recorder{}, hold: "Slow", reached: make(chan struct{}), release: make(chan struct{})}
	e1 := engineOn(t, st, "node1", time.Now, g)
	changeSet(t, e1, "c1", "CREATE", threeGroups)
	interrupt(t, e1, g, "c1")
	if s := status(t, e1); s.StackStatus != CreateInProgress {
		t.Fatalf("after the interruption: %s", s.StackStatus)
	}

	rec := &recorder{}
	e2 := engineOn(t, st, "node1", time.Now, rec) // the same node, restarted
	if err := e2.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer e2.Close(context.Background())
	if err := e2.Wait(context.Background(), "s"); err != nil {
		t.Fatal(err)
	}
	s := status(t, e2)
	if s.StackStatus != RollbackComplete || s.StackStatusReason != errResumed.Error() {
		t.Errorf("status %s %q", s.StackStatus, s.StackStatusReason)
	}
	if got := strings.Join(rec.calls, ","); got != "delete Slow,delete A" {
		t.Errorf("rollback calls %s", got)
	}
	if got := strings.Join(g.calls, ","); got != "create A,create Slow" {
		t.Errorf("first run's calls %s", got)
	}
}

func TestResumeRollsBackAnInterruptedUpdate(t *testing.T) {
	st := openStore(t)
	g := &gated{recorder: &recorder{}, hold: "Slow", reached: make(chan struct{}), release: make(chan struct{})}
	e1 := engineOn(t, st, "node1", time.Now, g)
	v1 := "Resources:\n  A:\n    Type: AWS::Logs::LogGroup\n    Properties: {RetentionInDays: 7}\n"
	changeSet(t, e1, "c1", "CREATE", v1)
	if err := e1.ExecuteChangeSet(rootCtx(), "s", "c1"); err != nil {
		t.Fatal(err)
	}
	if err := e1.Wait(context.Background(), "s"); err != nil {
		t.Fatal(err)
	}
	changeSet(t, e1, "c2", "UPDATE", strings.Replace(threeGroups, "    Type: AWS::Logs::LogGroup\n  Slow:", "    Type: AWS::Logs::LogGroup\n    Properties: {RetentionInDays: 30}\n  Slow:", 1))
	interrupt(t, e1, g, "c2")

	rec := &recorder{}
	e2 := engineOn(t, st, "node1", time.Now, rec)
	if err := e2.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer e2.Close(context.Background())
	if err := e2.Wait(context.Background(), "s"); err != nil {
		t.Fatal(err)
	}
	if s := status(t, e2); s.StackStatus != UpdateRollbackComplete {
		t.Errorf("status %s %q", s.StackStatus, s.StackStatusReason)
	}
	if got := strings.Join(rec.calls, ","); got != "delete Slow,update A" {
		t.Errorf("rollback calls %s", got)
	}
	body, err := e2.GetTemplate(rootCtx(), "s", "", "Original")
	if err != nil || body != v1 {
		t.Errorf("template after the rollback %q %v", body, err)
	}
	res, err := e2.DescribeStackResources(rootCtx(), "s", "")
	if err != nil || len(res) != 1 || res[0].LogicalResourceID != "A" {
		t.Errorf("resources %+v %v", res, err)
	}
}

// TestLeaseIsPerStackAcrossEngines: two engines over one store (replicas)
// never run operations on one stack at once; a lease past its expiry, or
// held by this node's previous run, is free.
func TestLeaseIsPerStackAcrossEngines(t *testing.T) {
	st := openStore(t)
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	a := engineOn(t, st, "node-a", clock, &recorder{})
	b := engineOn(t, st, "node-b", clock, &recorder{})
	ctx := context.Background()
	if err := a.acquire(ctx, "s"); err != nil {
		t.Fatal(err)
	}
	if err := b.acquire(ctx, "s"); !errors.Is(err, errBusy) {
		t.Fatalf("second node took a held lease: %v", err)
	}
	if err := b.acquire(ctx, "other"); err != nil {
		t.Fatalf("another stack's lease: %v", err)
	}
	_, err := b.CreateChangeSet(rootCtx(), ChangeSetInput{StackName: "s", ChangeSetName: "c", ChangeSetType: "CREATE", TemplateBody: threeGroups})
	if !awserr.Is(err, awserr.ValidationError) || !strings.Contains(err.Error(), "can not be updated") {
		t.Errorf("CreateChangeSet on a busy stack: %v", err)
	}
	a2 := engineOn(t, st, "node-a", clock, &recorder{}) // node-a restarted
	if err := a2.acquire(ctx, "s"); err != nil {
		t.Errorf("a restarted node cannot take its own lease: %v", err)
	}
	now = now.Add(leaseTTL + time.Second)
	if err := b.acquire(ctx, "s"); err != nil {
		t.Errorf("expired lease not taken: %v", err)
	}
	if err := a2.renew(ctx, "s"); !errors.Is(err, errBusy) {
		t.Errorf("renewing a lost lease: %v", err)
	}
	b.release(ctx, "s")
	if err := a.acquire(ctx, "s"); err != nil {
		t.Errorf("released lease: %v", err)
	}
}

// TestExecuteOnARunningStackIsRefused: CloudFormation's answer to an update
// of a stack whose operation runs.
func TestExecuteOnARunningStackIsRefused(t *testing.T) {
	st := openStore(t)
	g := &gated{recorder: &recorder{}, hold: "Slow", reached: make(chan struct{}), release: make(chan struct{})}
	e := engineOn(t, st, "n", time.Now, g)
	changeSet(t, e, "c1", "CREATE", threeGroups)
	if err := e.ExecuteChangeSet(rootCtx(), "s", "c1"); err != nil {
		t.Fatal(err)
	}
	<-g.reached
	_, err := e.CreateChangeSet(rootCtx(), ChangeSetInput{StackName: "s", ChangeSetName: "c2", ChangeSetType: "UPDATE", TemplateBody: threeGroups})
	want := "Stack:" + status(t, e).StackID + " is in CREATE_IN_PROGRESS state and can not be updated."
	if err == nil || err.Error() != "ValidationError: "+want {
		t.Errorf("got %v, want %s", err, want)
	}
	if err := e.DeleteStack(rootCtx(), "s", ""); err == nil || !strings.Contains(err.Error(), "cannot be deleted while in status CREATE_IN_PROGRESS") {
		t.Errorf("DeleteStack of a running stack: %v", err)
	}
	close(g.release)
	if err := e.Wait(context.Background(), "s"); err != nil {
		t.Fatal(err)
	}
	if s := status(t, e); s.StackStatus != CreateComplete {
		t.Errorf("status %s", s.StackStatus)
	}
	if err := e.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := e.DeleteStack(rootCtx(), "s", ""); !awserr.Is(err, awserr.ServiceUnavailable) {
		t.Errorf("DeleteStack after Close: %v", err)
	}
}
