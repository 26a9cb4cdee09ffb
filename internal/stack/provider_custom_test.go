package stack

import (
	"context"
	"encoding/json"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/iamgate/iamgate/internal/auth"
	"github.com/iamgate/iamgate/internal/awserr"
	"github.com/iamgate/iamgate/internal/store/storetest"
)

// The provider's end-to-end behaviour (a real Python function answering
// through the real response bucket) is tested in internal/server
// (TestCustomResourceLifecycle). These tests cover what that cannot make
// happen quickly: timeouts on the injected clock, invocations that cannot
// start, denials, and every malformed answer.

// fakeCustom is a function and response bucket in one (a fake of the
// provider's two dependencies, allowed in this unit test of their
// consumer): answer decides what the "function" puts for each request.
type fakeCustom struct {
	mu       sync.Mutex
	answer   func(req customRequest) (string, bool)
	startErr error
	requests []customRequest
	bodies   map[string]string
	open     map[string]bool
}

func (f *fakeCustom) InvokeFunction(ctx context.Context, arn string, payload []byte) error {
	if f.startErr != nil {
		return f.startErr
	}
	var req customRequest
	if err := json.Unmarshal(payload, &req); err != nil {
		return err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.requests = append(f.requests, req)
	key := strings.TrimPrefix(req.ResponseURL, "https://bucket/")
	if body, ok := f.answer(req); ok {
		f.bodies[key] = body
	}
	return nil
}

func (f *fakeCustom) PresignPut(ctx context.Context, key string, expires time.Duration) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.open[key] = true
	return "https://bucket/" + key, nil
}

func (f *fakeCustom) Take(ctx context.Context, key string) ([]byte, bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	b, ok := f.bodies[key]
	if ok {
		delete(f.bodies, key)
		delete(f.open, key)
	}
	return []byte(b), ok, nil
}

func (f *fakeCustom) Discard(ctx context.Context, key string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.open, key)
	return nil
}

// answerOf builds the answer a cfnresponse-like function gives.
func answerOf(req customRequest, status, physical, reason string, data map[string]any) string {
	b, _ := json.Marshal(map[string]any{"Status": status, "Reason": reason, "PhysicalResourceId": physical,
		"StackId": req.StackID, "RequestId": req.RequestID, "LogicalResourceId": req.LogicalResourceID, "Data": data})
	return string(b)
}

// steppingClock advances a minute on every reading, so that a wait of
// minutes ends after a few polls.
type steppingClock struct{ n atomic.Int64 }

func (c *steppingClock) now() time.Time {
	return time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(c.n.Add(1)) * time.Minute)
}

type denyInvoke struct{}

func (denyInvoke) Authorize(_ context.Context, _ *auth.Caller, r auth.Request) (auth.Decision, error) {
	if r.Action == "lambda:InvokeFunction" {
		return auth.Decision{Because: " because no identity-based policy allows the lambda:InvokeFunction action"}, nil
	}
	return auth.Decision{Allowed: true}, nil
}

func customEngine(t *testing.T, f *fakeCustom, now func() time.Time, authz Authorizer) *Engine {
	t.Helper()
	st := storetest.SQLite(t)
	e := New(Options{Store: st, Region: "us-east-1", AccountID: "000000000000", Now: now, Authz: authz})
	e.RegisterCustomResources(f, f)
	t.Cleanup(func() { _ = e.Close(context.Background()) })
	return e
}

const customTemplate = `
Resources:
  Thing:
    Type: Custom::Thing
    Properties:
      ServiceToken: arn:aws:lambda:us-east-1:000000000000:function:maker
      Size: 3
      Nested: {Flag: true, List: [1, two]}
Outputs:
  Out: {Value: !GetAtt Thing.Value}
`

func runCustom(t *testing.T, e *Engine, body string) (Stack, []Event) {
	t.Helper()
	ctx := rootCtx()
	if _, err := e.CreateChangeSet(ctx, ChangeSetInput{StackName: "s", ChangeSetName: "c", ChangeSetType: "CREATE", TemplateBody: body}); err != nil {
		t.Fatal(err)
	}
	if err := e.ExecuteChangeSet(ctx, "s", "c"); err != nil {
		t.Fatal(err)
	}
	_ = e.Wait(ctx, "s")
	st, err := e.DescribeStacks(ctx, "s")
	if err != nil {
		t.Fatal(err)
	}
	evs, err := e.Events(ctx, st[0].StackID, 0)
	if err != nil {
		t.Fatal(err)
	}
	return st[0], evs
}

// reasonOf is the status reason of the resource's latest event in status
// (events come newest first).
func reasonOf(evs []Event, logical, status string) (string, bool) {
	for _, ev := range evs {
		if ev.LogicalResourceID == logical && ev.ResourceStatus == status {
			return ev.ResourceStatusReason, true
		}
	}
	return "", false
}

func TestCustomResourceRequestEvent(t *testing.T) {
	f := &fakeCustom{bodies: map[string]string{}, open: map[string]bool{}, answer: func(req customRequest) (string, bool) {
		return answerOf(req, "SUCCESS", "thing-1", "", map[string]any{"Value": "v"}), true
	}}
	e := customEngine(t, f, time.Now, allowAll{})
	st, _ := runCustom(t, e, customTemplate)
	if st.StackStatus != CreateComplete || len(st.Outputs) != 1 || st.Outputs[0].Value != "v" {
		t.Fatalf("stack %s %q outputs %+v", st.StackStatus, st.StackStatusReason, st.Outputs)
	}
	req := f.requests[0]
	// https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/crpg-ref-requests.html:
	// properties as strings, ServiceToken among them; no PhysicalResourceId on Create.
	props, _ := json.Marshal(req.ResourceProperties)
	if string(props) != `{"Nested":{"Flag":"true","List":["1","two"]},"ServiceToken":"arn:aws:lambda:us-east-1:000000000000:function:maker","Size":"3"}` {
		t.Errorf("ResourceProperties %s", props)
	}
	if req.RequestType != "Create" || req.ResourceType != "Custom::Thing" || req.LogicalResourceID != "Thing" ||
		req.PhysicalResourceID != "" || req.StackID != st.StackID || req.ServiceToken != "arn:aws:lambda:us-east-1:000000000000:function:maker" {
		t.Errorf("request %+v", req)
	}
	if want := "https://bucket/" + st.StackID + "|Thing|" + req.RequestID; req.ResponseURL != want {
		t.Errorf("ResponseURL %s, want %s", req.ResponseURL, want)
	}

	if err := e.DeleteStack(rootCtx(), "s", ""); err != nil {
		t.Fatal(err)
	}
	_ = e.Wait(rootCtx(), "s")
	del := f.requests[len(f.requests)-1]
	if del.RequestType != "Delete" || del.PhysicalResourceID != "thing-1" || del.StackID != st.StackID || del.ResourceProperties["Size"] != "3" {
		t.Errorf("delete request %+v", del)
	}
}

func TestCustomResourceFailures(t *testing.T) {
	noAnswer := func(customRequest) (string, bool) { return "", false }
	answer := func(body func(customRequest) string) func(customRequest) (string, bool) {
		return func(req customRequest) (string, bool) {
			if req.RequestType == "Delete" {
				return answerOf(req, "SUCCESS", req.PhysicalResourceID, "", nil), true
			}
			return body(req), true
		}
	}
	tests := []struct {
		name     string
		template string
		answer   func(customRequest) (string, bool)
		startErr error
		authz    Authorizer
		reason   string // CREATE_FAILED's reason; a "~" prefix: prefix match
	}{
		{name: "no answer before the deadline", answer: noAnswer,
			reason: "~CloudFormation did not receive a response from your Custom Resource. Please check your logs for requestId ["},
		{name: "ServiceTimeout bounds the wait", answer: noAnswer,
			template: strings.Replace(customTemplate, "Size: 3", "ServiceTimeout: 60", 1),
			reason:   "~CloudFormation did not receive a response from your Custom Resource."},
		{name: "answer too long", answer: answer(func(req customRequest) string {
			return answerOf(req, "SUCCESS", "x", "", map[string]any{"Value": strings.Repeat("a", 4100)})
		}), reason: "Response object is too long."},
		{name: "bad status", answer: answer(func(req customRequest) string { return answerOf(req, "FAILURE", "x", "", nil) }),
			reason: "Invalid Response object: 'FAILURE' is not a valid ResponseStatus"},
		{name: "no physical id", answer: answer(func(req customRequest) string { return answerOf(req, "SUCCESS", "", "", nil) }),
			reason: "Invalid PhysicalResourceId"},
		{name: "not JSON", answer: answer(func(req customRequest) string { return "<html>" }),
			reason: "~Invalid Response object: the response is not a JSON object"},
		{name: "FAILED", answer: answer(func(req customRequest) string { return answerOf(req, "FAILED", "x", "no widgets left", nil) }),
			reason: "~Received response status [FAILED] from custom resource. Message returned: no widgets left (RequestId: "},
		{name: "function missing", startErr: awserr.New(awserr.ResourceNotFoundException, "Function not found: arn:aws:lambda:us-east-1:000000000000:function:maker"),
			reason: `~Resource handler returned message: "Function not found: arn:aws:lambda:us-east-1:000000000000:function:maker (Service: Lambda, Status Code: 404`},
		{name: "invoke denied", authz: denyInvoke{}, answer: noAnswer,
			reason: `~Resource handler returned message: "User: arn:aws:iam::000000000000:root is not authorized to perform: lambda:InvokeFunction on resource: arn:aws:lambda:us-east-1:000000000000:function:maker because no identity-based policy allows the lambda:InvokeFunction action (Service: Lambda, Status Code: 403`},
		{name: "SNS topic", template: strings.Replace(customTemplate, "arn:aws:lambda:us-east-1:000000000000:function:maker", "arn:aws:sns:us-east-1:000000000000:topic", 1),
			answer: noAnswer, reason: "ServiceToken arn:aws:sns:us-east-1:000000000000:topic is an SNS topic: iamgate runs custom resources backed by Lambda functions only"},
		{name: "ServiceTimeout out of range", template: strings.Replace(customTemplate, "Size: 3", "ServiceTimeout: 3601", 1),
			answer: noAnswer, reason: "ServiceTimeout must be an integer from 1 to 3600, got 3601"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := &fakeCustom{bodies: map[string]string{}, open: map[string]bool{}, answer: tc.answer, startErr: tc.startErr}
			authz := tc.authz
			if authz == nil {
				authz = allowAll{}
			}
			clock := &steppingClock{}
			e := customEngine(t, f, clock.now, authz)
			body := tc.template
			if body == "" {
				body = customTemplate
			}
			st, evs := runCustom(t, e, body)
			if st.StackStatus != RollbackComplete {
				t.Errorf("stack %s %q", st.StackStatus, st.StackStatusReason)
			}
			got, ok := reasonOf(evs, "Thing", CreateFailed)
			want, prefix := strings.CutPrefix(tc.reason, "~")
			if !ok || (prefix && !strings.HasPrefix(got, want)) || (!prefix && got != want) {
				t.Errorf("CREATE_FAILED reason\n got %q\nwant %q", got, tc.reason)
			}
			f.mu.Lock()
			defer f.mu.Unlock()
			if len(f.open) != 0 {
				t.Errorf("response keys left open: %v", f.open)
			}
		})
	}
}

// TestCustomResourceFailedCreateIsDeleted: a Create answered FAILED with a
// physical id gets a Delete in the rollback, as CloudFormation sends one.
func TestCustomResourceFailedCreateIsDeleted(t *testing.T) {
	f := &fakeCustom{bodies: map[string]string{}, open: map[string]bool{}, answer: func(req customRequest) (string, bool) {
		if req.RequestType == "Delete" {
			return answerOf(req, "SUCCESS", req.PhysicalResourceID, "", nil), true
		}
		return answerOf(req, "FAILED", "half-made", "out of widgets", nil), true
	}}
	e := customEngine(t, f, time.Now, allowAll{})
	st, evs := runCustom(t, e, customTemplate)
	if st.StackStatus != RollbackComplete {
		t.Fatalf("stack %s", st.StackStatus)
	}
	if len(f.requests) != 2 || f.requests[1].RequestType != "Delete" || f.requests[1].PhysicalResourceID != "half-made" {
		t.Errorf("requests %+v", f.requests)
	}
	if _, ok := reasonOf(evs, "Thing", DeleteComplete); !ok {
		t.Errorf("no DELETE_COMPLETE for the failed resource")
	}
}

// TestCustomResourceUpdate: an Update carries the old properties and the
// physical id; a new ServiceToken is refused as CloudFormation refuses it.
func TestCustomResourceUpdate(t *testing.T) {
	f := &fakeCustom{bodies: map[string]string{}, open: map[string]bool{}, answer: func(req customRequest) (string, bool) {
		if req.RequestType == "Update" && req.ResourceProperties["Size"] == "5" {
			return answerOf(req, "FAILED", req.PhysicalResourceID, "size 5 is out of stock", nil), true
		}
		return answerOf(req, "SUCCESS", "thing-"+toString(req.ResourceProperties["Size"]), "", map[string]any{"Value": req.RequestType}), true
	}}
	e := customEngine(t, f, time.Now, allowAll{})
	runCustom(t, e, customTemplate)
	ctx := rootCtx()
	update := func(name, body string) (Stack, []Event) {
		if _, err := e.CreateChangeSet(ctx, ChangeSetInput{StackName: "s", ChangeSetName: name, ChangeSetType: "UPDATE", TemplateBody: body}); err != nil {
			t.Fatal(err)
		}
		if err := e.ExecuteChangeSet(ctx, "s", name); err != nil {
			t.Fatal(err)
		}
		_ = e.Wait(ctx, "s")
		st, _ := e.DescribeStacks(ctx, "s")
		evs, _ := e.Events(ctx, st[0].StackID, 0)
		return st[0], evs
	}
	st, _ := update("u1", strings.Replace(customTemplate, "Size: 3", "Size: 4", 1))
	if st.StackStatus != UpdateComplete || st.Outputs[0].Value != "Update" {
		t.Fatalf("update %s %+v", st.StackStatus, st.Outputs)
	}
	var upd, del customRequest
	for _, r := range f.requests {
		switch r.RequestType {
		case "Update":
			upd = r
		case "Delete":
			del = r
		}
	}
	if upd.PhysicalResourceID != "thing-3" || upd.OldResourceProperties["Size"] != "3" || upd.ResourceProperties["Size"] != "4" {
		t.Errorf("update request %+v", upd)
	}
	// The answer named a new physical id: the old resource is deleted in cleanup.
	if del.PhysicalResourceID != "thing-3" {
		t.Errorf("cleanup delete %+v", del)
	}
	// A FAILED Update is rolled back with an Update to the old properties,
	// as CloudFormation rolls back a custom resource.
	f.requests = nil
	st, evs := update("u2", strings.Replace(customTemplate, "Size: 3", "Size: 5", 1))
	if st.StackStatus != UpdateRollbackComplete || len(f.requests) != 2 ||
		f.requests[1].RequestType != "Update" || f.requests[1].ResourceProperties["Size"] != "4" ||
		f.requests[1].OldResourceProperties["Size"] != "5" || f.requests[1].PhysicalResourceID != "thing-4" {
		t.Errorf("failed update: %s, requests %+v", st.StackStatus, f.requests)
	}
	if r, _ := reasonOf(evs, "Thing", UpdateFailed); !strings.HasPrefix(r, "Received response status [FAILED] from custom resource. Message returned: size 5 is out of stock (RequestId: ") {
		t.Errorf("UPDATE_FAILED reason %q", r)
	}
	if st.Outputs[0].Value != "Update" {
		t.Errorf("outputs after rollback %+v", st.Outputs)
	}
	st, evs = update("u3", strings.Replace(customTemplate, "function:maker", "function:other", 1))
	if r, _ := reasonOf(evs, "Thing", UpdateFailed); st.StackStatus != UpdateRollbackComplete || r != "Modifying service token is not allowed." {
		t.Errorf("token change: %s %q", st.StackStatus, r)
	}
}

func TestCustomTypeNames(t *testing.T) {
	e := customEngine(t, &fakeCustom{}, time.Now, allowAll{})
	for typ, ok := range map[string]bool{"Custom::Thing": true, "Custom::a_b@c-d": true, "AWS::CloudFormation::CustomResource": true,
		"Custom::": false, "Custom::has space": false, "Custom::" + strings.Repeat("x", 53): false, "Custom::a::b": false} {
		if _, got := e.provider(typ); got != ok {
			t.Errorf("%q: provider %v, want %v", typ, got, ok)
		}
	}
}

// FuzzParseCustomResponse: any answer is either refused with a reason or
// gives a non-empty physical id of at most 1 KB; nothing panics.
func FuzzParseCustomResponse(f *testing.F) {
	for _, s := range []string{
		`{"Status":"SUCCESS","PhysicalResourceId":"p","Data":{"a":"b"}}`,
		`{"Status":"FAILED","Reason":"r","PhysicalResourceId":"p"}`,
		`{"Status":"SUCCESS"}`,
		`{"Status":"SUCCESS","PhysicalResourceId":"p","Data":[1]}`,
		`{"Status":"SUCCESS","PhysicalResourceId":null,"NoEcho":true}`,
		`null`, `[]`, `"SUCCESS"`, ``,
	} {
		f.Add([]byte(s), "Create")
		f.Add([]byte(s), "Update")
	}
	f.Fuzz(func(t *testing.T, body []byte, typ string) {
		res, err := parseCustomResponse(body, typ, "req", "old", "stack")
		if err != nil {
			if err.Error() == "" {
				t.Fatal("empty reason")
			}
			return
		}
		if res.PhysicalID == "" || len(res.PhysicalID) > 1024 {
			t.Fatalf("physical id %q", res.PhysicalID)
		}
	})
}
