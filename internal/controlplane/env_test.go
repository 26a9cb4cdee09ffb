package controlplane_test

import (
	"context"
	"encoding/xml"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/iamgate/iamgate/internal/auth"
	"github.com/iamgate/iamgate/internal/controlplane"
	"github.com/iamgate/iamgate/internal/controlplane/cfnapi"
	"github.com/iamgate/iamgate/internal/controlplane/cptest"
	"github.com/iamgate/iamgate/internal/controlplane/iamapi"
	"github.com/iamgate/iamgate/internal/controlplane/mount"
	"github.com/iamgate/iamgate/internal/controlplane/stsapi"
	"github.com/iamgate/iamgate/internal/iam"
	"github.com/iamgate/iamgate/internal/sigv4"
	"github.com/iamgate/iamgate/internal/stack"
)

// The handlers run over the real IAM, authenticator, authorizer and stack
// engine on sqlite (cptest.Identities); requests are really signed. Two
// observers wrap the real authenticator and authorizer to record what the
// control plane asked of them; they decide nothing.

const (
	acct       = cptest.AccountID
	adminARN   = "arn:aws:iam::aws:policy/AdministratorAccess"
	apiUserARN = "arn:aws:iam::" + acct + ":user/api-gateway-user"
	rootARN    = "arn:aws:iam::" + acct + ":root"
	sessionARN = "arn:aws:sts::" + acct + ":assumed-role/deployer/s1"
	// deployerTrust lets api-gateway-user assume the role deployer.
	deployerTrust = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"` + apiUserARN + `"},"Action":"sts:AssumeRole"}]}`
)

// testNow is the domain's clock in every environment: the fixture's user
// is created an hour before it.
var testNow = time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)

// Key aliases the tests sign with: the root, api-gateway-user, a session of
// deployer (s1) and a key IAM never issued.
const (
	rootKey    = "AKIAROOT"
	userKey    = "AKIAAPIUSER"
	sessionKey = "ASIASESSION"
	// userSessionKey is a GetSessionToken session of api-gateway-user
	// (no MFA: iamgate has none).
	userSessionKey = "ASIAUSERSESSION"
	unknownKey     = "AKIANOBODY"
)

type testEnv struct {
	t      *testing.T
	h      *controlplane.Handler
	ids    *cptest.Identities
	clock  *cptest.Clock
	signAt func() time.Time // the verifier's clock
	authn  *recordingAuthn
	authz  *recordingAuthz
	stacks *stack.Engine
	keys   map[string]cptest.Key
	user   iam.User // api-gateway-user
	// seedStackID is Api-IAM-Sample-Stack's id once seedStack ran.
	seedStackID string
}

// newEnv is an environment whose signatures are checked against the
// domain's (fixed) clock: the tests sign at testNow.
func newEnv(t *testing.T) *testEnv { return buildEnv(t, nil) }

// newClientEnv is an environment for the SDK and the aws CLI, which sign at
// the real time: signatures are checked against it, while the domain keeps
// the fixed clock so dates in answers are exact.
func newClientEnv(t *testing.T) *testEnv { return buildEnv(t, time.Now) }

func buildEnv(t *testing.T, verifyNow func() time.Time) *testEnv {
	t.Helper()
	ctx := context.Background()
	clock := cptest.NewClock(testNow.Add(-time.Hour))
	if verifyNow == nil {
		verifyNow = clock.Now
	}
	ids := cptest.NewIdentities(t, cptest.IdentityOptions{Now: clock.Now, VerifyNow: verifyNow})
	user, uk := ids.UserKey(t, "api-gateway-user")
	clock.Set(testNow)
	us, err := ids.IAM.GetSessionToken(ctx, uk.ID, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	role, err := ids.IAM.CreateRole(ctx, "deployer", "/", deployerTrust, "", time.Hour, "")
	if err != nil {
		t.Fatal(err)
	}
	e := &testEnv{t: t, ids: ids, clock: clock, signAt: verifyNow, user: user,
		authn: &recordingAuthn{Authenticator: ids.Auth}, authz: &recordingAuthz{Authorizer: ids.Auth},
		keys: map[string]cptest.Key{rootKey: ids.Root, userKey: uk, sessionKey: ids.RoleSession(t, role.ARN, "s1"),
			userSessionKey: {ID: us.AccessKeyID, Secret: us.Secret.Reveal(), Token: us.SessionToken.Reveal()},
			unknownKey:     {ID: "AKIANOBODY0000000000", Secret: "nobody"}}}
	e.stacks = stack.New(stack.Options{Store: ids.Store, Region: cptest.Region, AccountID: acct, Now: clock.Now,
		Authz: ids.Auth, Sessions: ids.Auth, ExecuteWait: 30 * time.Second})
	e.stacks.RegisterIAM(ids.IAM)
	if err := e.stacks.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.stacks.Close(context.Background()) })
	n := 0
	var mu sync.Mutex
	mo := mount.Options{Region: cptest.Region, AccountID: acct}
	e.h = controlplane.New(controlplane.Options{
		Auth: e.authn, Region: cptest.Region, AccountID: acct, Now: clock.Now,
		NewRequestID: func() string { mu.Lock(); defer mu.Unlock(); n++; return "req-" + strconv.Itoa(n) },
		Services: map[string]controlplane.Mount{
			"iam": controlplane.QueryMount(iamapi.New(iamapi.Options{IAM: ids.IAM, Authz: e.authz, Evaluator: ids.Auth,
				Now: clock.Now, Options: mo})),
			"sts":            controlplane.QueryMount(stsapi.New(stsapi.Options{IAM: ids.IAM, Authz: e.authz, Now: clock.Now, Options: mo})),
			"cloudformation": controlplane.QueryMount(cfnapi.New(cfnapi.Options{Stacks: e.stacks, Authz: e.authz, Now: clock.Now, Options: mo})),
		},
	})
	return e
}

// seedTemplate is the seed stack: one role, the stage parameter and an
// output naming the API's URL.
const seedTemplate = `Parameters:
  Stage:
    Type: String
    Default: v1
Resources:
  SampleRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal: {Service: lambda.amazonaws.com}
            Action: sts:AssumeRole
Outputs:
  HelloWorldApi:
    Description: API Gateway endpoint URL
    Value: !Sub https://abc123.execute-api.${AWS::Region}.amazonaws.com/${Stage}/hello
`

// seedStack deploys Api-IAM-Sample-Stack as root through the handler and
// forgets the authorizations that took.
func (e *testEnv) seedStack(t *testing.T) {
	t.Helper()
	rec := e.serve(e.queryReq(rootKey, "cloudformation", form("Action", "CreateStack", "Version", "2010-05-15",
		"StackName", "Api-IAM-Sample-Stack", "TemplateBody", seedTemplate, "Capabilities.member.1", "CAPABILITY_NAMED_IAM",
		"Parameters.member.1.ParameterKey", "Stage", "Parameters.member.1.ParameterValue", "v1",
		"Tags.member.1.Key", "team", "Tags.member.1.Value", "a")))
	var out struct {
		ID string `xml:"CreateStackResult>StackId"`
	}
	if err := xml.Unmarshal(rec.Body.Bytes(), &out); rec.Code != 200 || err != nil {
		t.Fatalf("CreateStack: %d %v\n%s", rec.Code, err, rec.Body)
	}
	if err := e.stacks.Wait(context.Background(), "Api-IAM-Sample-Stack"); err != nil {
		t.Fatal(err)
	}
	ss, err := e.stacks.DescribeStacks(context.Background(), "Api-IAM-Sample-Stack")
	if err != nil || len(ss) != 1 || ss[0].StackStatus != stack.CreateComplete {
		t.Fatalf("seed stack: %+v %v", ss, err)
	}
	e.seedStackID = out.ID
	e.authz.reset()
}

// allowUser gives api-gateway-user an inline policy allowing action on
// its own ARN.
func (e *testEnv) allowUser(t *testing.T, action string) {
	t.Helper()
	doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"` + action + `","Resource":"` + apiUserARN + `"}]}`
	if err := e.ids.IAM.PutUserPolicy(context.Background(), "api-gateway-user", "allow-"+strings.ReplaceAll(action, ":", "-"), doc); err != nil {
		t.Fatal(err)
	}
}

// newQueryReq builds an unsigned query-protocol POST.
func newQueryReq(f url.Values) *http.Request {
	r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(f.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	return r
}

// sign signs r with the key aliased alias for service at the verifier's time;
// alias "" leaves it unsigned.
func (e *testEnv) sign(t *testing.T, alias, service string, r *http.Request) *http.Request {
	t.Helper()
	if alias == "" {
		return r
	}
	k, ok := e.keys[alias]
	if !ok {
		t.Fatalf("no key %s", alias)
	}
	k.Sign(t, r, service, cptest.Region, e.signAt())
	return r
}

// queryReq builds a query-protocol POST signed by alias for service.
func (e *testEnv) queryReq(alias, service string, f url.Values) *http.Request {
	return e.sign(e.t, alias, service, newQueryReq(f))
}

func (e *testEnv) serve(r *http.Request) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	e.h.ServeHTTP(rec, r)
	return rec
}

func form(kv ...string) url.Values {
	v := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Set(kv[i], kv[i+1])
	}
	return v
}

// recordingAuthn passes every request to the real authenticator and keeps
// the options and the body it was given.
type recordingAuthn struct {
	auth.Authenticator
	mu      sync.Mutex
	lastOpt sigv4.Options
	body    string
}

func (a *recordingAuthn) Authenticate(ctx context.Context, r *http.Request, opts sigv4.Options) (*auth.Caller, error) {
	a.mu.Lock()
	a.lastOpt = opts
	if r.Body != nil {
		b, err := io.ReadAll(r.Body)
		if err != nil {
			a.mu.Unlock()
			return nil, err
		}
		a.body = string(b)
		r.Body = io.NopCloser(strings.NewReader(a.body))
	}
	a.mu.Unlock()
	return a.Authenticator.Authenticate(ctx, r, opts)
}

func (a *recordingAuthn) seen() (sigv4.Options, string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.lastOpt, a.body
}

// recordingAuthz passes every request to the real authorizer and keeps it.
type recordingAuthz struct {
	auth.Authorizer
	mu   sync.Mutex
	seen []auth.Request
}

func (a *recordingAuthz) Authorize(ctx context.Context, c *auth.Caller, req auth.Request) (auth.Decision, error) {
	a.mu.Lock()
	a.seen = append(a.seen, req)
	a.mu.Unlock()
	return a.Authorizer.Authorize(ctx, c, req)
}

func (a *recordingAuthz) requests() []auth.Request {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]auth.Request(nil), a.seen...)
}

func (a *recordingAuthz) reset() {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.seen = nil
}

// userIDs replaces each {{name}} in s by the user id IAM gave that user.
func (e *testEnv) userIDs(t *testing.T, s string) string {
	t.Helper()
	for {
		i := strings.Index(s, "{{")
		j := strings.Index(s, "}}")
		if i < 0 || j < i {
			return s
		}
		u, err := e.ids.IAM.GetUser(t.Context(), s[i+2:j])
		if err != nil {
			t.Fatalf("user %s: %v", s[i+2:j], err)
		}
		s = s[:i] + u.UserID + s[j+2:]
	}
}
