package controlplane

import (
	"encoding/xml"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/iamgate/iamgate/internal/auth"
	"github.com/iamgate/iamgate/internal/controlplane/cfnapi"
	"github.com/iamgate/iamgate/internal/controlplane/iamapi"
	"github.com/iamgate/iamgate/internal/controlplane/mount"
	"github.com/iamgate/iamgate/internal/controlplane/query"
	"github.com/iamgate/iamgate/internal/controlplane/stsapi"
)

type testEnv struct {
	h      *Handler
	authn  *fakeAuth
	authz  *fakeAuthz
	iam    *fakeIAM
	stacks *fakeStacks
}

func newEnv() *testEnv {
	e := &testEnv{authn: newFakeAuth(), authz: &fakeAuthz{allow: map[string]bool{apiUser.ARN + " iam:ListAccessKeys": true}}, iam: newFakeIAM(), stacks: newFakeStacks()}
	n := 0
	now := func() time.Time { return testNow }
	mo := mount.Options{Region: "us-east-1", AccountID: acct}
	e.h = New(Options{
		Auth: e.authn, Region: "us-east-1", AccountID: acct, Now: now,
		NewRequestID: func() string { n++; return "req-" + strconv.Itoa(n) },
		Services: map[string]Mount{
			"iam":            QueryMount(iamapi.New(iamapi.Options{IAM: e.iam, Authz: e.authz, Now: now, Options: mo})),
			"sts":            QueryMount(stsapi.New(stsapi.Options{IAM: e.iam, Authz: e.authz, Now: now, Options: mo})),
			"cloudformation": QueryMount(cfnapi.New(cfnapi.Options{Stacks: e.stacks, Authz: e.authz, Now: now, Options: mo})),
		},
	})
	return e
}

// queryReq builds a query-protocol POST signed (as far as the fake can
// tell) by key for service; key "" leaves it unsigned.
func queryReq(key, service string, form url.Values) *http.Request {
	r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(form.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	if key != "" {
		r.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential="+key+"/20261125/us-east-1/"+service+
			"/aws4_request, SignedHeaders=host;x-amz-date, Signature=abc")
	}
	return r
}

func form(kv ...string) url.Values {
	v := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Set(kv[i], kv[i+1])
	}
	return v
}

func serve(h http.Handler, r *http.Request) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, r)
	return rec
}

func TestQueryResponses(t *testing.T) {
	tests := []struct {
		name     string
		key, svc string
		form     url.Values
		status   int
		body     string
	}{
		{
			// https://github.com/amzn/selling-partner-api-docs/issues/3081 (STS, same shape for IAM)
			name: "unsigned iam", svc: "iam", form: form("Action", "GetUser", "Version", "2010-05-08"),
			status: 403,
			body: `<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">
  <Error>
    <Type>Sender</Type>
    <Code>MissingAuthenticationToken</Code>
    <Message>Request is missing Authentication Token</Message>
  </Error>
  <RequestId>req-1</RequestId>
</ErrorResponse>
`,
		},
		{
			name: "unsigned sts by action", form: form("Action", "GetCallerIdentity", "Version", "2011-06-15"),
			status: 403,
			body: `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <Error>
    <Type>Sender</Type>
    <Code>MissingAuthenticationToken</Code>
    <Message>Request is missing Authentication Token</Message>
  </Error>
  <RequestId>req-1</RequestId>
</ErrorResponse>
`,
		},
		{
			name: "create user", key: "AKIAROOT", svc: "iam",
			form:   form("Action", "CreateUser", "Version", "2010-05-08", "UserName", "bob", "Tags.member.1.Key", "k", "Tags.member.1.Value", "v"),
			status: 200,
			body: `<CreateUserResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">
  <CreateUserResult>
    <User>
      <Path>/</Path>
      <UserName>bob</UserName>
      <UserId>AIDA0000000000000001</UserId>
      <Arn>arn:aws:iam::000000000000:user/bob</Arn>
      <CreateDate>2026-11-25T12:00:00Z</CreateDate>
      <Tags>
        <member>
          <Key>k</Key>
          <Value>v</Value>
        </member>
      </Tags>
    </User>
  </CreateUserResult>
  <ResponseMetadata>
    <RequestId>req-1</RequestId>
  </ResponseMetadata>
</CreateUserResponse>
`,
		},
		{
			name: "create user denied", key: "AKIAAPIUSER", svc: "iam",
			form:   form("Action", "CreateUser", "Version", "2010-05-08", "UserName", "bob"),
			status: 403,
			body: `<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">
  <Error>
    <Type>Sender</Type>
    <Code>AccessDenied</Code>
    <Message>User: arn:aws:iam::000000000000:user/api-gateway-user is not authorized to perform: iam:CreateUser on resource: arn:aws:iam::000000000000:user/bob because no identity-based policy allows the iam:CreateUser action</Message>
  </Error>
  <RequestId>req-1</RequestId>
</ErrorResponse>
`,
		},
		{
			name: "delete session", key: "AKIAROOT", svc: "iam",
			form:   form("Action", "DeleteUser", "Version", "2010-05-08", "UserName", "api-gateway-user"),
			status: 200,
			body: `<DeleteUserResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">
  <ResponseMetadata>
    <RequestId>req-1</RequestId>
  </ResponseMetadata>
</DeleteUserResponse>
`,
		},
		{
			name: "get caller identity", key: "AKIAAPIUSER", svc: "sts",
			form:   form("Action", "GetCallerIdentity", "Version", "2011-06-15"),
			status: 200,
			body: `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <GetCallerIdentityResult>
    <Arn>arn:aws:iam::000000000000:user/api-gateway-user</Arn>
    <UserId>AIDAAPIUSER</UserId>
    <Account>000000000000</Account>
  </GetCallerIdentityResult>
  <ResponseMetadata>
    <RequestId>req-1</RequestId>
  </ResponseMetadata>
</GetCallerIdentityResponse>
`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv()
			rec := serve(e.h, queryReq(tt.key, tt.svc, tt.form))
			if rec.Code != tt.status {
				t.Errorf("status %d, want %d", rec.Code, tt.status)
			}
			if d := cmp.Diff(tt.body, rec.Body.String()); d != "" {
				t.Errorf("body (-want +got)\n%s", d)
			}
			if got := rec.Header().Get("x-amzn-RequestId"); got != "req-1" {
				t.Errorf("x-amzn-RequestId %q", got)
			}
			if got := rec.Header().Get("Content-Type"); got != "text/xml" {
				t.Errorf("Content-Type %q", got)
			}
		})
	}
}

type errorResponse struct {
	Type, Code, Message string
}

func parseErrorResponse(t *testing.T, body []byte) errorResponse {
	t.Helper()
	var doc struct {
		Error     errorResponse
		RequestID string `xml:"RequestId"`
	}
	if err := xml.Unmarshal(body, &doc); err != nil {
		t.Fatalf("not an ErrorResponse: %v\n%s", err, body)
	}
	return doc.Error
}

// TestQueryErrors checks only the status, code and message of an error answer.
func TestQueryErrors(t *testing.T) {
	tests := []struct {
		name     string
		key, svc string
		form     url.Values
		header   map[string]string
		status   int
		code     string
		message  string
	}{
		{"invalid action", "AKIAROOT", "iam", form("Action", "Frobnicate", "Version", "2010-05-08"),
			nil, 400, "InvalidAction", "Could not find operation Frobnicate for version 2010-05-08"},
		{"cfn action on iam", "AKIAROOT", "iam", form("Action", "DescribeStacks", "Version", "2010-05-08"),
			nil, 400, "InvalidAction", "Could not find operation DescribeStacks for version 2010-05-08"},
		{"missing action", "AKIAROOT", "sts", form("Version", "2011-06-15"),
			nil, 400, "MissingAction", "Missing Action"},
		{"unknown key", "AKIANOBODY", "iam", form("Action", "GetUser"),
			nil, 403, "InvalidClientTokenId", "The security token included in the request is invalid."},
		{"bad signature", "AKIAROOT", "iam", form("Action", "GetUser"),
			map[string]string{"Authorization": "AWS4-HMAC-SHA256 Credential=AKIAROOT/20261125/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=bad"},
			403, "SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details."},
		{"incomplete", "", "", form("Action", "GetUser"),
			map[string]string{"Authorization": "AWS4-HMAC-SHA256 SignedHeaders=host"},
			400, "IncompleteSignature", "Authorization header requires 'Credential' parameter."},
		{"no such user", "AKIAROOT", "iam", form("Action", "GetUser", "UserName", "nobody"),
			nil, 404, "NoSuchEntity", "The user with name nobody cannot be found."},
		{"user exists", "AKIAROOT", "iam", form("Action", "CreateUser", "UserName", "api-gateway-user"),
			nil, 409, "EntityAlreadyExists", "User with name api-gateway-user already exists."},
		{"missing member", "AKIAROOT", "iam", form("Action", "CreateUser"),
			nil, 400, "ValidationError", "1 validation error detected: Value null at 'userName' failed to satisfy constraint: Member must not be null"},
		{"role session get user", "ASIASESSION", "iam", form("Action", "GetUser"),
			nil, 400, "ValidationError", "Must specify userName when calling with non-User credentials"},
		{"stack missing", "AKIAROOT", "cloudformation", form("Action", "DescribeStacks", "StackName", "nope"),
			nil, 400, "ValidationError", "Stack with id nope does not exist"},
		{"change set missing", "AKIAROOT", "cloudformation", form("Action", "DescribeChangeSet", "StackName", "s", "ChangeSetName", "x"),
			nil, 404, "ChangeSetNotFound", "ChangeSet [x] does not exist"},
		{"assume role not trusted", "AKIAAPIUSER", "sts", form("Action", "AssumeRole", "RoleArn", "arn:aws:iam::000000000000:role/missing", "RoleSessionName", "s1"),
			nil, 403, "AccessDenied", "User: arn:aws:iam::000000000000:user/api-gateway-user is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::000000000000:role/missing"},
		// Root may not assume any role, whether it exists or not
		// (API_AssumeRole.html; wording from https://github.com/kubeflow/testing/pull/961).
		{"root assumes a missing role", "AKIAROOT", "sts", form("Action", "AssumeRole", "RoleArn", "arn:aws:iam::000000000000:role/missing", "RoleSessionName", "s1"),
			nil, 403, "AccessDenied", "Roles may not be assumed by root accounts."},
		{"root assumes a role", "AKIAROOT", "sts", form("Action", "AssumeRole", "RoleArn", "arn:aws:iam::000000000000:role/deployer", "RoleSessionName", "s1"),
			nil, 403, "AccessDenied", "Roles may not be assumed by root accounts."},
		{"session cannot get token", "ASIASESSION", "sts", form("Action", "GetSessionToken"),
			nil, 403, "AccessDenied", "Cannot call GetSessionToken with session credentials"},
		{"session not trusted", "ASIASESSION", "sts", form("Action", "AssumeRole", "RoleArn", "arn:aws:iam::000000000000:role/deployer", "RoleSessionName", "s2", "DurationSeconds", "7200"),
			nil, 403, "AccessDenied", "User: arn:aws:sts::000000000000:assumed-role/deployer/s1 is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::000000000000:role/deployer because no identity-based policy allows the sts:AssumeRole action"},
		{"short duration", "AKIAAPIUSER", "sts", form("Action", "AssumeRole", "RoleArn", "arn:aws:iam::000000000000:role/deployer", "RoleSessionName", "s2", "DurationSeconds", "60"),
			nil, 400, "ValidationError", "1 validation error detected: Value '60' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900"},
		{"bad template stage", "AKIAROOT", "cloudformation", form("Action", "GetTemplate", "StackName", "s", "TemplateStage", "Raw"),
			nil, 400, "ValidationError", "1 validation error detected: Value 'Raw' at 'templateStage' failed to satisfy constraint: Member must satisfy enum value set: [Original, Processed]"},
		{"bad escape", "AKIAROOT", "iam", nil, nil, 400, "MalformedQueryString", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv()
			r := queryReq(tt.key, tt.svc, tt.form)
			if tt.form == nil {
				r = queryReq(tt.key, tt.svc, nil)
				r.URL.RawQuery = "Action=GetUser&x=%zz"
			}
			for k, v := range tt.header {
				r.Header.Set(k, v)
			}
			rec := serve(e.h, r)
			got := parseErrorResponse(t, rec.Body.Bytes())
			if rec.Code != tt.status || got.Code != tt.code || (tt.message != "" && got.Message != tt.message) {
				t.Errorf("got %d %s %q, want %d %s %q", rec.Code, got.Code, got.Message, tt.status, tt.code, tt.message)
			}
		})
	}
}

func TestAuthorizationResources(t *testing.T) {
	tests := []struct {
		name string
		key  string
		svc  string
		form url.Values
		want []auth.Request
	}{
		{"create user with path", "AKIAROOT", "iam", form("Action", "CreateUser", "UserName", "bob", "Path", "/team/"),
			[]auth.Request{{Action: "iam:CreateUser", Resource: "arn:aws:iam::000000000000:user/team/bob"}}},
		{"own access keys", "AKIAAPIUSER", "iam", form("Action", "ListAccessKeys"),
			[]auth.Request{{Action: "iam:ListAccessKeys", Resource: "arn:aws:iam::000000000000:user/api-gateway-user"}}},
		{"create access key", "AKIAROOT", "iam", form("Action", "CreateAccessKey", "UserName", "api-gateway-user"),
			[]auth.Request{{Action: "iam:CreateAccessKey", Resource: "arn:aws:iam::000000000000:user/api-gateway-user"}}},
		{"describe stack", "AKIAROOT", "cloudformation", form("Action", "DescribeStacks", "StackName", "Api-IAM-Sample-Stack"),
			[]auth.Request{{Action: "cloudformation:DescribeStacks", Resource: "arn:aws:cloudformation:us-east-1:000000000000:stack/Api-IAM-Sample-Stack/*"}}},
		{"describe all stacks", "AKIAROOT", "cloudformation", form("Action", "DescribeStacks"),
			[]auth.Request{{Action: "cloudformation:DescribeStacks", Resource: "*"}}},
		{"caller identity needs nothing", "AKIAAPIUSER", "sts", form("Action", "GetCallerIdentity"), nil},
		{"assume role with trust policy", "AKIAAPIUSER", "sts", form("Action", "AssumeRole", "RoleArn", "arn:aws:iam::000000000000:role/deployer", "RoleSessionName", "s1"),
			[]auth.Request{{Action: "sts:AssumeRole", Resource: "arn:aws:iam::000000000000:role/deployer",
				ResourcePolicies: []auth.Policy{{Name: "trust policy of deployer", Document: newFakeIAM().roles["deployer"].AssumeRolePolicy}}, ResourceMustAllow: true}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv()
			rec := serve(e.h, queryReq(tt.key, tt.svc, tt.form))
			if rec.Code != 200 {
				t.Fatalf("status %d: %s", rec.Code, rec.Body)
			}
			if d := cmp.Diff(tt.want, e.authz.requests()); d != "" {
				t.Errorf("(-want +got)\n%s", d)
			}
		})
	}
}

func TestSignatureOptions(t *testing.T) {
	tests := []struct {
		svc        string
		wantRegion string
	}{
		{"iam", ""}, {"sts", ""}, {"cloudformation", "us-east-1"},
	}
	for _, tt := range tests {
		t.Run(tt.svc, func(t *testing.T) {
			e := newEnv()
			serve(e.h, queryReq("AKIAROOT", tt.svc, form("Action", "Nothing", "Padding", "x")))
			if e.authn.lastOpt.Service != tt.svc || e.authn.lastOpt.Region != tt.wantRegion || e.authn.lastOpt.Window != query.Skew {
				t.Errorf("options %+v", e.authn.lastOpt)
			}
			if e.authn.body != "Action=Nothing&Padding=x" {
				t.Errorf("authenticator saw body %q", e.authn.body)
			}
		})
	}
}

func TestMountedService(t *testing.T) {
	e := newEnv()
	var seen string
	e.h.o.Services = map[string]Mount{
		"s3": {Protocol: 4, Anonymous: true, S3: true, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			c := CallerFrom(r.Context())
			seen = c.ARN + " " + RequestIDFrom(r.Context())
			w.WriteHeader(204)
		})},
		"lambda": {Protocol: 3, Handler: http.NotFoundHandler()},
	}
	t.Run("anonymous s3", func(t *testing.T) {
		rec := serve(e.h, httptest.NewRequest(http.MethodGet, "/bucket/key", nil))
		if rec.Code != 204 || seen != "anonymous req-1" {
			t.Errorf("status %d, seen %q", rec.Code, seen)
		}
		if !e.authn.lastOpt.S3 {
			t.Error("S3 rules not requested")
		}
	})
	t.Run("signed s3", func(t *testing.T) {
		r := httptest.NewRequest(http.MethodGet, "/bucket/key", nil)
		r.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=AKIAAPIUSER/20261125/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=x")
		rec := serve(e.h, r)
		if rec.Code != 204 || !strings.HasPrefix(seen, apiUser.ARN) {
			t.Errorf("status %d, seen %q", rec.Code, seen)
		}
	})
	t.Run("lambda unknown key", func(t *testing.T) {
		r := httptest.NewRequest(http.MethodGet, "/2015-03-31/functions", nil)
		r.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=AKIAX/20261125/us-east-1/lambda/aws4_request, SignedHeaders=host, Signature=x")
		rec := serve(e.h, r)
		want := `{"Type":"User","message":"The security token included in the request is invalid."}`
		if rec.Code != 403 || rec.Body.String() != want || rec.Header().Get("x-amzn-ErrorType") != "UnrecognizedClientException" {
			t.Errorf("%d %s %v", rec.Code, rec.Body, rec.Header())
		}
	})
	t.Run("lambda unsigned", func(t *testing.T) {
		rec := serve(e.h, httptest.NewRequest(http.MethodGet, "/2015-03-31/functions", nil))
		if rec.Code != 403 || rec.Header().Get("x-amzn-ErrorType") != "MissingAuthenticationTokenException" {
			t.Errorf("%d %s %v", rec.Code, rec.Body, rec.Header())
		}
	})
}
