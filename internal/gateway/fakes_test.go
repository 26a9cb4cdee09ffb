package gateway

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/iamgate/iamgate/internal/apigw"
	"github.com/iamgate/iamgate/internal/auth"
	"github.com/iamgate/iamgate/internal/iampolicy"
	"github.com/iamgate/iamgate/internal/sigv4"
	"github.com/iamgate/iamgate/internal/store"
)

const (
	testAPI     = "abc123defg"
	testAccount = "000000000000"
	testRegion  = "us-east-1"
	userARN     = "arn:aws:iam::000000000000:user/api-gateway-user"
	fnARN       = "arn:aws:lambda:us-east-1:000000000000:function:HelloWorldFunction"
)

var testNow = time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)

// testDefinition is the seed API plus a few methods exercising the others paths.
const testDefinition = `
openapi: 3.0.1
info: {title: sample api, version: 1.0.0}
paths:
  /hello:
    get:
      security: [{awsSigv4: []}]
      x-amazon-apigateway-integration: {type: aws_proxy, httpMethod: POST, uri: "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/` + fnARN + `/invocations"}
  /open/{proxy+}:
    x-amazon-apigateway-any-method:
      x-amazon-apigateway-integration: {type: aws_proxy, httpMethod: POST, uri: "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/` + fnARN + `/invocations", timeoutInMillis: 1000}
  /mock:
    get:
      x-amazon-apigateway-integration: {type: mock}
  /keyed:
    get:
      security: [{key: []}]
      x-amazon-apigateway-integration: {type: aws_proxy, httpMethod: POST, uri: "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/` + fnARN + `/invocations"}
components:
  securitySchemes:
    awsSigv4: {type: apiKey, name: Authorization, in: header, x-amazon-apigateway-authtype: awsSigv4}
    key: {type: apiKey, name: x-api-key, in: header}
`

func testSnapshot(t testing.TB, policy string) *apigw.Snapshot {
	t.Helper()
	def, err := apigw.ParseDefinition(testDefinition)
	if err != nil {
		t.Fatal(err)
	}
	res := def.Resources
	for i := range res {
		res[i].ID = fmt.Sprintf("res%03d", i)
	}
	return &apigw.Snapshot{
		API:        apigw.RestAPI{ID: testAPI, Name: "sample api", Policy: policy, BinaryMediaTypes: []string{"image/png"}},
		Stage:      apigw.Stage{RestAPIID: testAPI, StageName: "v1", DeploymentID: "dep001", Variables: map[string]string{"k": "v"}},
		Deployment: apigw.Deployment{ID: "dep001", RestAPIID: testAPI},
		Resources:  res,
	}
}

type fakeAPIs map[string]*apigw.Snapshot

func (f fakeAPIs) Deployed(_ context.Context, apiID, stage string) (*apigw.Snapshot, error) {
	if s, ok := f[apiID+"/"+stage]; ok {
		return s, nil
	}
	return nil, fmt.Errorf("no %s/%s: %w", apiID, stage, store.ErrNotFound)
}

// fakeAuth accepts "Authorization: good" (or a presigned X-Amz-Signature=good)
// and fails others with the sigv4 error named in the header.
type fakeAuth struct {
	mu      sync.Mutex
	seenURI string
}

func (f *fakeAuth) Authenticate(_ context.Context, r *http.Request, o sigv4.Options) (*auth.Caller, error) {
	f.mu.Lock()
	f.seenURI = r.URL.RequestURI()
	f.mu.Unlock()
	if o.Service != "execute-api" || o.Region != testRegion {
		return nil, fmt.Errorf("unexpected options %+v", o)
	}
	v := r.Header.Get("Authorization") + r.URL.Query().Get("X-Amz-Signature")
	switch v {
	case "good":
		return &auth.Caller{AccessKeyID: "AKIAEXAMPLE", ARN: userARN, AccountID: testAccount, UserID: "AIDAEXAMPLE", Username: "api-gateway-user", Type: "User"}, nil
	case "denied":
		return &auth.Caller{AccessKeyID: "AKIADENIED", ARN: "arn:aws:iam::000000000000:user/denied", AccountID: testAccount, UserID: "AIDADENIED", Type: "User"}, nil
	case "noinvoke":
		return &auth.Caller{AccessKeyID: "AKIANOINVOKE", ARN: "arn:aws:iam::000000000000:user/noinvoke", AccountID: testAccount, UserID: "AIDANOINVOKE", Username: "noinvoke", Type: "User"}, nil
	case "unknown":
		return nil, &sigv4.Error{Reason: sigv4.UnknownKey, Message: "whatever"}
	case "expired":
		return nil, &sigv4.Error{Reason: sigv4.SignatureExpired, Message: "Signature expired: 20261125T093000Z is now earlier than 20261125T095500Z (20261125T100000Z - 5 min.)"}
	case "broken":
		return nil, fmt.Errorf("store down")
	}
	return nil, &sigv4.Error{Reason: sigv4.SignatureMismatch, Message: "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details."}
}

// fakeAuthz allows userARN, explicitly denies ".../denied", and implicitly
// denies anonymous unless allowAnonymous.
type fakeAuthz struct {
	mu             sync.Mutex
	last           auth.Request
	allowAnonymous bool
}

func (f *fakeAuthz) Authorize(_ context.Context, c *auth.Caller, req auth.Request) (auth.Decision, error) {
	f.mu.Lock()
	f.last = req
	f.mu.Unlock()
	base := "User: " + c.ARN + " is not authorized to perform: " + req.Action + " on resource: " + req.Resource
	switch {
	case strings.HasSuffix(c.ARN, "/noinvoke"):
		if req.Action == "execute-api:Invoke" {
			return auth.Decision{Allowed: true, Statement: &iampolicy.Match{Layer: iampolicy.LayerIdentity, Policy: "p", Effect: "Allow"}}, nil
		}
		return auth.Decision{Message: base, Because: " because no identity-based policy allows the " + req.Action + " action"}, nil
	case c.ARN == userARN, c.Type == "Anonymous" && f.allowAnonymous:
		return auth.Decision{Allowed: true}, nil
	case strings.HasSuffix(c.ARN, "/denied"):
		return auth.Decision{ExplicitDeny: true, Message: base, Because: " with an explicit deny in an identity-based policy"}, nil
	}
	return auth.Decision{Message: base, Because: " because no identity-based policy allows the execute-api:Invoke action"}, nil
}

// fakeAPIKeys accepts one key value on stage v1 of testAPI.
type fakeAPIKeys struct{}

const testAPIKey = "0123456789abcdefghijABCDEFGHIJ0123456789"

func (fakeAPIKeys) ValidAPIKey(_ context.Context, apiID, stage, value string) (string, bool, error) {
	if apiID == testAPI && stage == "v1" && value == testAPIKey {
		return "key0000001", true, nil
	}
	return "", false, nil
}

type fakeInvoker struct {
	mu      sync.Mutex
	payload []byte
	fn      string
	reply   func(ctx context.Context) ([]byte, string, error)
}

func (f *fakeInvoker) InvokeFunction(ctx context.Context, fn string, payload []byte) ([]byte, string, error) {
	f.mu.Lock()
	f.payload, f.fn = payload, fn
	reply := f.reply
	f.mu.Unlock()
	if reply == nil {
		return []byte(`{"statusCode": 200, "body": "{\"message\": \"hello world\"}"}`), "", nil
	}
	return reply(ctx)
}

type fixture struct {
	gw    *Gateway
	authn *fakeAuth
	authz *fakeAuthz
	inv   *fakeInvoker
	logs  *strings.Builder
}

func newFixture(t testing.TB, policy string) *fixture {
	f := &fixture{authn: &fakeAuth{}, authz: &fakeAuthz{}, inv: &fakeInvoker{}, logs: &strings.Builder{}}
	f.gw = New(Options{
		APIs:         fakeAPIs{testAPI + "/v1": testSnapshot(t, policy)},
		Auth:         f.authn,
		Authz:        f.authz,
		Invoker:      f.inv,
		APIKeys:      fakeAPIKeys{},
		Region:       testRegion,
		AccountID:    testAccount,
		Now:          func() time.Time { return testNow },
		Logger:       slog.New(slog.NewTextHandler(f.logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		NewRequestID: func() string { return "c6af9ac6-7b61-11e6-9a41-93e8deadbeef" },
	})
	return f
}
