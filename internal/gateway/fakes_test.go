package gateway

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/iamgate/iamgate/internal/apigw"
	"github.com/iamgate/iamgate/internal/auth"
	"github.com/iamgate/iamgate/internal/controlplane/cptest"
	"github.com/iamgate/iamgate/internal/iam"
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

// Policies of the fixture's IAM users: api-gateway-user may call the API
// and (with caller credentials) the function; denied is refused
// execute-api:Invoke by an explicit Deny; noinvoke may call the API but not
// the function.
const (
	policyGood = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"execute-api:Invoke","Resource":"*"},` +
		`{"Effect":"Allow","Action":"lambda:InvokeFunction","Resource":"` + fnARN + `"}]}`
	policyDenied = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},` +
		`{"Effect":"Deny","Action":"execute-api:Invoke","Resource":"*"}]}`
	policyNoInvoke = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"execute-api:Invoke","Resource":"*"}]}`
)

// testIAM is the real identity side of a server (package iam on SQLite, and
// auth.Service over it, as the server wires them) on the fixture's clock,
// with the users the tests sign as.
type testIAM struct {
	*cptest.Identities
	users map[string]iam.User // by token: "good", "denied", "noinvoke"
	keys  map[string]cptest.Key
}

func newTestIAM(t testing.TB) *testIAM {
	t.Helper()
	ids := cptest.NewIdentities(t, cptest.IdentityOptions{Now: func() time.Time { return testNow }})
	ti := &testIAM{Identities: ids, users: map[string]iam.User{}, keys: map[string]cptest.Key{}}
	for token, u := range map[string]struct{ name, policy string }{
		"good": {"api-gateway-user", policyGood}, "denied": {"denied", policyDenied}, "noinvoke": {"noinvoke", policyNoInvoke},
	} {
		user, key := ids.UserKey(t, u.name)
		if err := ids.IAM.PutUserPolicy(context.Background(), u.name, "policy", u.policy); err != nil {
			t.Fatal(err)
		}
		ti.users[token], ti.keys[token] = user, key
	}
	return ti
}

// identity is what the trace shows of the user the token names.
func (ti *testIAM) identity(token string) *Identity {
	u := ti.users[token]
	return &Identity{ARN: u.ARN, Type: "User", AccountID: testAccount, UserID: u.UserID, AccessKeyID: ti.keys[token].ID}
}

// signingClients plays the tests' clients in front of the real
// authenticator. The Authorization header (or X-Amz-Signature query
// parameter) a test sets names who signs and how: "good", "denied" and
// "noinvoke" sign with those users' keys, "unknown" with a key IAM never
// issued, "expired" 30 minutes ago; any other value signs with the right key
// id and a wrong secret. The request is signed that way (aws-sdk-go-v2's
// signer, in the header or presigned as the test's request was) and
// auth.Service verifies it, so every caller and every signature error is
// the real packages'. "broken" stands for a failing store. The raw request
// URI it was asked to verify is kept.
type signingClients struct {
	ids     *testIAM
	mu      sync.Mutex
	seenURI string
}

func (c *signingClients) Authenticate(ctx context.Context, r *http.Request, o sigv4.Options) (*auth.Caller, error) {
	c.mu.Lock()
	c.seenURI = r.URL.RequestURI()
	c.mu.Unlock()
	if o.Service != "execute-api" || o.Region != testRegion {
		return nil, fmt.Errorf("unexpected options %+v", o)
	}
	q := r.URL.Query()
	token := r.Header.Get("Authorization") + q.Get("X-Amz-Signature")
	key, at := c.ids.keys["good"], testNow
	switch token {
	case "broken":
		return nil, errors.New("store down")
	case "good", "denied", "noinvoke":
		key = c.ids.keys[token]
	case "unknown":
		key.ID = "AKIAIOSFODNN7EXAMPLE"
	case "expired":
		at = testNow.Add(-30 * time.Minute)
	default:
		key.Secret = "not-" + key.Secret
	}
	signed, err := sign(r, key, at, q.Has("X-Amz-Signature"))
	if err != nil {
		return nil, err
	}
	return c.ids.Auth.Authenticate(ctx, signed, o)
}

// sign returns a copy of r signed with key at the time at, as a client
// would have sent it; r keeps its body.
func sign(r *http.Request, key cptest.Key, at time.Time, presign bool) (*http.Request, error) {
	var body []byte
	if r.Body != nil && r.Body != http.NoBody {
		b, err := io.ReadAll(r.Body)
		if err != nil {
			return nil, err
		}
		body = b
		r.Body = io.NopCloser(bytes.NewReader(b))
	}
	signed := r.Clone(r.Context())
	signed.Body = io.NopCloser(bytes.NewReader(body))
	signed.Header.Del("Authorization")
	sum := sha256.Sum256(body)
	creds := aws.Credentials{AccessKeyID: key.ID, SecretAccessKey: key.Secret, SessionToken: key.Token}
	signer := v4.NewSigner()
	if !presign {
		err := signer.SignHTTP(context.Background(), creds, signed, hex.EncodeToString(sum[:]), "execute-api", testRegion, at)
		return signed, err
	}
	q := signed.URL.Query()
	for k := range q {
		if strings.HasPrefix(k, "X-Amz-") {
			q.Del(k)
		}
	}
	q.Set("X-Amz-Expires", "300")
	signed.URL.RawQuery = q.Encode()
	u, _, err := signer.PresignHTTP(context.Background(), creds, signed, hex.EncodeToString(sum[:]), "execute-api", testRegion, at)
	if err != nil {
		return nil, err
	}
	if signed.URL, err = url.Parse(u); err != nil {
		return nil, err
	}
	signed.RequestURI = signed.URL.RequestURI()
	return signed, nil
}

// verifiedCaller is the caller the real authenticator makes of a request
// the token's user signed.
func (ti *testIAM) verifiedCaller(t testing.TB, token string) *auth.Caller {
	t.Helper()
	r, err := sign(httptest.NewRequest(http.MethodGet, "http://"+testAPI+".execute-api.us-east-1.amazonaws.com/", nil), ti.keys[token], testNow, false)
	if err != nil {
		t.Fatal(err)
	}
	c, err := ti.Auth.Authenticate(context.Background(), r, sigv4.Options{Service: "execute-api", Region: testRegion})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// verified answers every request with one caller a real signature made
// (verifiedCaller): for the tests of what happens after authentication
// (the fuzz targets of routing), whose arbitrary paths no client signs.
type verified struct{ caller *auth.Caller }

func (v verified) Authenticate(context.Context, *http.Request, sigv4.Options) (*auth.Caller, error) {
	return v.caller, nil
}

// mismatchBody is the execute-api body for a GET of path on host that a
// client ("bad") signed at testNow with a wrong secret: AWS's
// SignatureDoesNotMatch text with the canonical request and string to sign
// it expected (Signature Version 4: host and x-amz-date signed, empty
// payload).
func mismatchBody(host, path string) string {
	creq := "GET\n" + path + "\n\nhost:" + host + "\nx-amz-date:20261125T100000Z\n\nhost;x-amz-date\n" +
		"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
	sum := sha256.Sum256([]byte(creq))
	sts := "AWS4-HMAC-SHA256\n20261125T100000Z\n20261125/us-east-1/execute-api/aws4_request\n" + hex.EncodeToString(sum[:])
	msg, _ := json.Marshal(map[string]string{"message": "The request signature we calculated does not match the signature you provided. " +
		"Check your AWS Secret Access Key and signing method. Consult the service documentation for details.\n\n" +
		"The Canonical String for this request should have been\n'" + creq + "'\n\nThe String-to-Sign should have been\n'" + sts + "'\n"})
	return string(msg)
}

// recordingAuthorizer is the real authorizer, remembering the last request
// it was asked.
type recordingAuthorizer struct {
	auth.Authorizer
	mu   sync.Mutex
	last auth.Request
}

func (a *recordingAuthorizer) Authorize(ctx context.Context, c *auth.Caller, req auth.Request) (auth.Decision, error) {
	a.mu.Lock()
	a.last = req
	a.mu.Unlock()
	return a.Authorizer.Authorize(ctx, c, req)
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
	ids   *testIAM
	authn *signingClients
	authz *recordingAuthorizer
	inv   *fakeInvoker
	logs  *strings.Builder
}

// event serves r, which must answer 200, and returns the event the
// function was invoked with, decoded.
func (f *fixture) event(t *testing.T, r *http.Request) any {
	t.Helper()
	w := httptest.NewRecorder()
	f.gw.ServeHTTP(w, r)
	if w.Code != 200 {
		t.Fatalf("status %d %s", w.Code, w.Body.String())
	}
	var got any
	if err := json.Unmarshal(f.inv.payload, &got); err != nil {
		t.Fatal(err)
	}
	return got
}

func newFixture(t testing.TB, policy string) *fixture {
	ids := newTestIAM(t)
	f := &fixture{ids: ids, authn: &signingClients{ids: ids}, authz: &recordingAuthorizer{Authorizer: ids.Auth},
		inv: &fakeInvoker{}, logs: &strings.Builder{}}
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
