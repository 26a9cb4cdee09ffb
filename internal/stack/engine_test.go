package stack

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/iamgate/iamgate/internal/auth"
	"github.com/iamgate/iamgate/internal/awserr"
	"github.com/iamgate/iamgate/internal/store/storetest"
	"github.com/iamgate/iamgate/internal/testutil"
)

// recorder is a fake provider (allowed here: a unit test of the engine, its
// consumer) that records calls and hands out AWS-shaped ids.
type recorder struct {
	mu         sync.Mutex
	calls      []string
	n          int
	failOn     string // logical id whose Create fails
	failUpdate string // logical id whose Update fails
	failDelete string // logical id whose Delete fails
	typ        string
	journal    *journal // every recorder's calls, in order
}

// journal is the calls of all of an engine's recorders, in the order made.
type journal struct {
	mu    sync.Mutex
	calls []string
}

func (j *journal) all() []string {
	j.mu.Lock()
	defer j.mu.Unlock()
	return append([]string(nil), j.calls...)
}

func (r *recorder) log(s string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls = append(r.calls, s)
	if r.journal != nil {
		r.journal.mu.Lock()
		r.journal.calls = append(r.journal.calls, s)
		r.journal.mu.Unlock()
	}
}

func (r *recorder) id(in *Input) string {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.n++
	switch r.typ {
	case "AWS::ApiGateway::RestApi":
		return fmt.Sprintf("abcdefgh%02d", r.n)
	case "AWS::IAM::User":
		return str(in.Props, "UserName")
	}
	return fmt.Sprintf("%s-%d", in.LogicalID, r.n)
}

func (r *recorder) Create(ctx context.Context, in *Input) (Result, error) {
	r.log("create " + in.LogicalID)
	if in.LogicalID == r.failOn {
		return Result{}, awserr.New(awserr.InvalidInput, "boom")
	}
	id := r.id(in)
	return Result{PhysicalID: id, Attrs: map[string]any{"Arn": "arn:aws:lambda:us-east-1:000000000000:function:" + id}}, nil
}

func (r *recorder) Update(ctx context.Context, in *Input, prev State) (Result, error) {
	r.log("update " + in.LogicalID)
	if in.LogicalID == r.failUpdate {
		return Result{}, awserr.New(awserr.InvalidInput, "boom")
	}
	if in.Type == "AWS::ApiGateway::Deployment" {
		return Result{}, ErrReplace
	}
	return Result{PhysicalID: prev.PhysicalID, Attrs: prev.Attrs}, nil
}

func (r *recorder) Delete(ctx context.Context, prev State) error {
	r.log("delete " + prev.LogicalID)
	if prev.LogicalID == r.failDelete {
		return awserr.New(awserr.InvalidInput, "boom")
	}
	return nil
}

// allowAll is a fake authorizer for tests of the engine's own logic, whose
// providers are recorders; authorization has its own tests over the real
// auth.Service.
type allowAll struct{}

func (allowAll) Authorize(context.Context, *auth.Caller, auth.Request) (auth.Decision, error) {
	return auth.Decision{Allowed: true}, nil
}

// rootCtx carries the account root as the caller.
func rootCtx() context.Context {
	return WithCaller(context.Background(), &auth.Caller{ARN: "arn:aws:iam::000000000000:root", AccountID: "000000000000",
		UserID: "000000000000", Type: "Root"})
}

type fileIncludes struct{ dir string }

func (f fileIncludes) LoadInclude(ctx context.Context, loc string) ([]byte, error) {
	return os.ReadFile(filepath.Join(f.dir, filepath.Base(loc)))
}

var types = []string{"AWS::IAM::User", "AWS::IAM::Policy", "AWS::IAM::Role", "AWS::ApiGateway::RestApi",
	"AWS::ApiGateway::Deployment", "AWS::ApiGateway::Stage", "AWS::Lambda::Function", "AWS::Lambda::Permission", "AWS::Logs::LogGroup"}

func newEngine(t *testing.T) (*Engine, map[string]*recorder) {
	t.Helper()
	st := storetest.SQLite(t)
	e := New(Options{Store: st, Region: "us-east-1", AccountID: "000000000000", Now: time.Now,
		Includes: fileIncludes{testutil.Shared(t, "seed")}, Authz: allowAll{}})
	recs := map[string]*recorder{}
	j := &journal{}
	for _, typ := range types {
		recs[typ] = &recorder{typ: typ, journal: j}
		e.Register(typ, recs[typ])
	}
	return e, recs
}

func seedTemplate(t *testing.T, timeout string) string {
	b, err := os.ReadFile(testutil.Shared(t, "seed", "template.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	s := strings.Replace(string(b), "CodeUri: hello_world/", "CodeUri: s3://bucket/code.zip", 1)
	return strings.Replace(s, "Timeout: 3", "Timeout: "+timeout, 1)
}

func deploy(t *testing.T, e *Engine, body, typ string) ChangeSet {
	t.Helper()
	ctx := rootCtx()
	name := fmt.Sprintf("cs%d", time.Now().UnixNano())
	cs, err := e.CreateChangeSet(ctx, ChangeSetInput{StackName: "Api-IAM-Sample-Stack", ChangeSetName: name, ChangeSetType: typ,
		TemplateBody: body, Capabilities: []string{"CAPABILITY_NAMED_IAM"}})
	if err != nil {
		t.Fatal(err)
	}
	if cs.Status == "CREATE_COMPLETE" {
		if err := e.ExecuteChangeSet(ctx, "Api-IAM-Sample-Stack", name); err != nil {
			t.Fatal(err)
		}
		_ = e.Wait(ctx, "Api-IAM-Sample-Stack") // a failure is the stack's status
	}
	return cs
}

func TestEngineSeedLifecycle(t *testing.T) {
	ctx := rootCtx()
	e, recs := newEngine(t)
	deploy(t, e, seedTemplate(t, "3"), "CREATE")
	st, err := e.DescribeStacks(ctx, "Api-IAM-Sample-Stack")
	if err != nil {
		t.Fatal(err)
	}
	if st[0].StackStatus != CreateComplete {
		t.Fatalf("status %s: %s", st[0].StackStatus, st[0].StackStatusReason)
	}
	if len(st[0].Outputs) != 1 || !regexp.MustCompile(`^https://abcdefgh\d\d\.execute-api\.us-east-1\.amazonaws\.com/v1/hello$`).MatchString(st[0].Outputs[0].Value) {
		t.Errorf("outputs %+v", st[0].Outputs)
	}

	t.Run("same template is an empty change set", func(t *testing.T) {
		cs := deploy(t, e, seedTemplate(t, "3"), "UPDATE")
		if cs.Status != "FAILED" || cs.StatusReason != emptyChangeSetReason {
			t.Errorf("got %s %q, changes %+v", cs.Status, cs.StatusReason, cs.Changes)
		}
	})
	t.Run("a changed property updates only that resource", func(t *testing.T) {
		for _, r := range recs {
			r.calls = nil
		}
		cs := deploy(t, e, seedTemplate(t, "5"), "UPDATE")
		if len(cs.Changes) != 1 || cs.Changes[0].LogicalResourceID != "HelloWorldFunction" || cs.Changes[0].Action != "Modify" {
			t.Errorf("changes %+v", cs.Changes)
		}
		if got := recs["AWS::Lambda::Function"].calls; len(got) != 1 || got[0] != "update HelloWorldFunction" {
			t.Errorf("function calls %v", got)
		}
		if got := recs["AWS::IAM::User"].calls; len(got) != 0 {
			t.Errorf("user calls %v", got)
		}
	})
	t.Run("delete removes everything, dependents first", func(t *testing.T) {
		if err := e.DeleteStack(ctx, "Api-IAM-Sample-Stack", ""); err != nil {
			t.Fatal(err)
		}
		if err := e.Wait(ctx, "Api-IAM-Sample-Stack"); err != nil {
			t.Fatal(err)
		}
		if got := recs["AWS::IAM::User"].calls; len(got) != 1 || got[0] != "delete IamUser" {
			t.Errorf("user calls %v", got)
		}
		if _, err := e.DescribeStacks(ctx, "Api-IAM-Sample-Stack"); !awserr.Is(err, awserr.ValidationError) {
			t.Errorf("describe after delete: %v", err)
		}
		evs, err := e.Events(ctx, st[0].StackID, 0)
		if err != nil || evs[0].ResourceStatus != DeleteComplete {
			t.Errorf("last event %+v %v", evs[0], err)
		}
	})
}

func TestEngineRollback(t *testing.T) {
	ctx := rootCtx()
	e, recs := newEngine(t)
	recs["AWS::Logs::LogGroup"].failOn = "HelloWorldFunctionLogGroup"
	deploy(t, e, seedTemplate(t, "3"), "CREATE")
	st, err := e.DescribeStacks(ctx, "Api-IAM-Sample-Stack")
	if err != nil {
		t.Fatal(err)
	}
	const want = "The following resource(s) failed to create: [HelloWorldFunctionLogGroup]. Rollback requested by user."
	if st[0].StackStatus != RollbackComplete || st[0].StackStatusReason != want {
		t.Errorf("status %s %q", st[0].StackStatus, st[0].StackStatusReason)
	}
	evs, err := e.Events(ctx, st[0].StackID, 0)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, ev := range evs {
		if ev.LogicalResourceID == "HelloWorldFunctionLogGroup" && ev.ResourceStatus == CreateFailed {
			found = strings.HasPrefix(ev.ResourceStatusReason, `Resource handler returned message: "boom (Service: CloudWatchLogs, Status Code: 400, Request ID: `) &&
				strings.HasSuffix(ev.ResourceStatusReason, ", HandlerErrorCode: InvalidRequest)")
			if !found {
				t.Errorf("failure reason %q", ev.ResourceStatusReason)
			}
		}
	}
	if !found {
		t.Error("no CREATE_FAILED event for the log group")
	}
	if got := recs["AWS::Lambda::Function"].calls; len(got) != 2 || got[1] != "delete HelloWorldFunction" {
		t.Errorf("function calls %v", got)
	}
}

func TestEngineCapabilities(t *testing.T) {
	e, _ := newEngine(t)
	_, err := e.CreateChangeSet(rootCtx(), ChangeSetInput{StackName: "s", ChangeSetName: "c", ChangeSetType: "CREATE",
		TemplateBody: seedTemplate(t, "3")})
	var ae *awserr.Error
	if !errors.As(err, &ae) || ae.Code != awserr.InsufficientCapabilities || ae.Message != "Requires capabilities : [CAPABILITY_NAMED_IAM]" {
		t.Errorf("got %v", err)
	}
}

func TestEngineTemplateErrorsArePositioned(t *testing.T) {
	e, _ := newEngine(t)
	_, err := e.CreateChangeSet(rootCtx(), ChangeSetInput{StackName: "s", ChangeSetName: "c", ChangeSetType: "CREATE",
		TemplateBody: "Resources:\n  A:\n    Type: AWS::Logs::LogGroup\n    Properties:\n      LogGroupName: !Ref Missing\n"})
	if err == nil || !strings.Contains(err.Error(), "Missing") || !strings.Contains(err.Error(), ":5:") {
		t.Errorf("got %v", err)
	}
}

func TestGetTemplateSummary(t *testing.T) {
	e, _ := newEngine(t)
	s, err := e.GetTemplateSummary(rootCtx(), seedTemplate(t, "3"), "", "")
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Parameters) != 1 || s.Parameters[0].Key != "StageName" || s.Parameters[0].DefaultValue != "v1" || s.Parameters[0].Type != "String" {
		t.Errorf("parameters %+v", s.Parameters)
	}
	if len(s.DeclaredTransforms) != 1 || s.DeclaredTransforms[0] != "AWS::Serverless-2016-10-31" {
		t.Errorf("transforms %v", s.DeclaredTransforms)
	}
	if len(s.Capabilities) != 1 || s.Capabilities[0] != "CAPABILITY_NAMED_IAM" {
		t.Errorf("capabilities %v", s.Capabilities)
	}
	want := []string{"AWS::IAM::Policy", "AWS::IAM::User", "AWS::Logs::LogGroup", "AWS::Serverless::Api", "AWS::Serverless::Function"}
	if strings.Join(s.ResourceTypes, ",") != strings.Join(want, ",") {
		t.Errorf("resource types %v", s.ResourceTypes)
	}
}

// TestUpdateRemovesDependentsFirst: resources dropped by an update are
// deleted in reverse of the order the previous deployment created them.
func TestUpdateRemovesDependentsFirst(t *testing.T) {
	e, recs := newEngine(t)
	v1 := "Resources:\n  G1:\n    Type: AWS::Logs::LogGroup\n  G2:\n    Type: AWS::Logs::LogGroup\n    DependsOn: G1\n  G3:\n    Type: AWS::Logs::LogGroup\n    DependsOn: G2\n"
	v2 := "Resources:\n  Other:\n    Type: AWS::Logs::LogGroup\n"
	deploy(t, e, v1, "CREATE")
	recs["AWS::Logs::LogGroup"].calls = nil
	deploy(t, e, v2, "UPDATE")
	want := []string{"create Other", "delete G3", "delete G2", "delete G1"}
	if got := recs["AWS::Logs::LogGroup"].calls; strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("calls %v, want %v", got, want)
	}
}
