package controlplane_test

import (
	"encoding/xml"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/iamgate/iamgate/internal/auth"
	"github.com/iamgate/iamgate/internal/controlplane"
	"github.com/iamgate/iamgate/internal/controlplane/cptest"
	"github.com/iamgate/iamgate/internal/controlplane/mount"
	"github.com/iamgate/iamgate/internal/controlplane/query"
)

func TestQueryResponses(t *testing.T) {
	tests := []struct {
		name     string
		key, svc string
		form     url.Values
		setup    func(t *testing.T, e *testEnv)
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
			name: "create user", key: rootKey, svc: "iam",
			form:   form("Action", "CreateUser", "Version", "2010-05-08", "UserName", "bob", "Tags.member.1.Key", "k", "Tags.member.1.Value", "v"),
			status: 200,
			body: `<CreateUserResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">
  <CreateUserResult>
    <User>
      <Path>/</Path>
      <UserName>bob</UserName>
      <UserId>{{bob}}</UserId>
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
			name: "create user denied", key: userKey, svc: "iam",
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
			// A user with access keys is a DeleteConflict (API_DeleteUser.html):
			// carol has none.
			name: "delete user", key: rootKey, svc: "iam",
			setup: func(t *testing.T, e *testEnv) {
				if _, err := e.ids.IAM.CreateUser(t.Context(), "carol", "/", nil, ""); err != nil {
					t.Fatal(err)
				}
			},
			form:   form("Action", "DeleteUser", "Version", "2010-05-08", "UserName", "carol"),
			status: 200,
			body: `<DeleteUserResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">
  <ResponseMetadata>
    <RequestId>req-1</RequestId>
  </ResponseMetadata>
</DeleteUserResponse>
`,
		},
		{
			name: "get caller identity", key: userKey, svc: "sts",
			form:   form("Action", "GetCallerIdentity", "Version", "2011-06-15"),
			status: 200,
			body: `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <GetCallerIdentityResult>
    <Arn>arn:aws:iam::000000000000:user/api-gateway-user</Arn>
    <UserId>{{api-gateway-user}}</UserId>
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
			t.Parallel() // each case has its own environment
			e := newEnv(t)
			if tt.setup != nil {
				tt.setup(t, e)
			}
			rec := e.serve(e.queryReq(tt.key, tt.svc, tt.form))
			if rec.Code != tt.status {
				t.Errorf("status %d, want %d", rec.Code, tt.status)
			}
			if d := cmp.Diff(e.userIDs(t, tt.body), rec.Body.String()); d != "" {
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
		tweak    func(*http.Request) // after signing
		status   int
		code     string
		message  string
	}{
		{"invalid action", rootKey, "iam", form("Action", "Frobnicate", "Version", "2010-05-08"),
			nil, 400, "InvalidAction", "Could not find operation Frobnicate for version 2010-05-08"},
		{"cfn action on iam", rootKey, "iam", form("Action", "DescribeStacks", "Version", "2010-05-08"),
			nil, 400, "InvalidAction", "Could not find operation DescribeStacks for version 2010-05-08"},
		{"missing action", rootKey, "sts", form("Version", "2011-06-15"),
			nil, 400, "MissingAction", "Missing Action"},
		{"unknown key", unknownKey, "iam", form("Action", "GetUser"),
			nil, 403, "InvalidClientTokenId", "The security token included in the request is invalid."},
		{"bad signature", rootKey, "iam", form("Action", "GetUser"),
			flipSignature,
			403, "SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details."},
		{"incomplete", "", "", form("Action", "GetUser"),
			setHeader("Authorization", "AWS4-HMAC-SHA256 SignedHeaders=host"),
			400, "IncompleteSignature", "Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' parameter. " +
				"Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. Authorization=AWS4-HMAC-SHA256 SignedHeaders=host"},
		{"no such user", rootKey, "iam", form("Action", "GetUser", "UserName", "nobody"),
			nil, 404, "NoSuchEntity", "The user with name nobody cannot be found."},
		{"user exists", rootKey, "iam", form("Action", "CreateUser", "UserName", "api-gateway-user"),
			nil, 409, "EntityAlreadyExists", "User with name api-gateway-user already exists."},
		{"missing member", rootKey, "iam", form("Action", "CreateUser"),
			nil, 400, "ValidationError", "1 validation error detected: Value null at 'userName' failed to satisfy constraint: Member must not be null"},
		{"role session get user", sessionKey, "iam", form("Action", "GetUser"),
			nil, 400, "ValidationError", "Must specify userName when calling with non-User credentials"},
		{"stack missing", rootKey, "cloudformation", form("Action", "DescribeStacks", "StackName", "nope"),
			nil, 400, "ValidationError", "Stack with id nope does not exist"},
		{"change set missing", rootKey, "cloudformation", form("Action", "DescribeChangeSet", "StackName", "Api-IAM-Sample-Stack", "ChangeSetName", "x"),
			nil, 404, "ChangeSetNotFound", "ChangeSet [x] does not exist"},
		{"assume role not trusted", userKey, "sts", form("Action", "AssumeRole", "RoleArn", "arn:aws:iam::000000000000:role/missing", "RoleSessionName", "s1"),
			nil, 403, "AccessDenied", "User: arn:aws:iam::000000000000:user/api-gateway-user is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::000000000000:role/missing"},
		// Root may not assume any role, whether it exists or not
		// (API_AssumeRole.html; wording from https://github.com/kubeflow/testing/pull/961).
		{"root assumes a missing role", rootKey, "sts", form("Action", "AssumeRole", "RoleArn", "arn:aws:iam::000000000000:role/missing", "RoleSessionName", "s1"),
			nil, 403, "AccessDenied", "Roles may not be assumed by root accounts."},
		{"root assumes a role", rootKey, "sts", form("Action", "AssumeRole", "RoleArn", "arn:aws:iam::000000000000:role/deployer", "RoleSessionName", "s1"),
			nil, 403, "AccessDenied", "Roles may not be assumed by root accounts."},
		// GetSessionToken credentials without MFA may not call IAM
		// (API_GetSessionToken.html: "You cannot call any IAM API operations
		// unless MFA authentication information is included in the
		// request"); AWS answers InvalidClientTokenId, as for a bad key
		// (https://dev.classmethod.jp/articles/tsnote-iam-invalidclienttokenid-error-solution/).
		{"user session token calls iam", userSessionKey, "iam", form("Action", "GetUser"),
			nil, 403, "InvalidClientTokenId", "The security token included in the request is invalid."},
		{"user session token lists users", userSessionKey, "iam", form("Action", "ListUsers"),
			nil, 403, "InvalidClientTokenId", "The security token included in the request is invalid."},
		{"session cannot get token", sessionKey, "sts", form("Action", "GetSessionToken"),
			nil, 403, "AccessDenied", "Cannot call GetSessionToken with session credentials"},
		{"session not trusted", sessionKey, "sts", form("Action", "AssumeRole", "RoleArn", "arn:aws:iam::000000000000:role/deployer", "RoleSessionName", "s2", "DurationSeconds", "7200"),
			nil, 403, "AccessDenied", "User: arn:aws:sts::000000000000:assumed-role/deployer/s1 is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::000000000000:role/deployer because no identity-based policy allows the sts:AssumeRole action"},
		{"short duration", userKey, "sts", form("Action", "AssumeRole", "RoleArn", "arn:aws:iam::000000000000:role/deployer", "RoleSessionName", "s2", "DurationSeconds", "60"),
			nil, 400, "ValidationError", "1 validation error detected: Value '60' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900"},
		{"bad template stage", rootKey, "cloudformation", form("Action", "GetTemplate", "StackName", "s", "TemplateStage", "Raw"),
			nil, 400, "ValidationError", "1 validation error detected: Value 'Raw' at 'templateStage' failed to satisfy constraint: Member must satisfy enum value set: [Original, Processed]"},
		{"bad escape", rootKey, "iam", nil, nil, 400, "MalformedQueryString", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel() // each case has its own environment
			e := newEnv(t)
			if tt.svc == "cloudformation" && tt.form.Get("StackName") == "Api-IAM-Sample-Stack" {
				e.seedStack(t)
			}
			r := newQueryReq(tt.form)
			if tt.form == nil { // a bad escape in a body the signature covers
				r = httptest.NewRequest(http.MethodPost, "/", strings.NewReader("Action=GetUser&x=%zz"))
				r.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
			}
			e.sign(t, tt.key, tt.svc, r)
			if tt.tweak != nil {
				tt.tweak(r)
			}
			rec := e.serve(r)
			got := parseErrorResponse(t, rec.Body.Bytes())
			if rec.Code != tt.status || got.Code != tt.code || (tt.message != "" && got.Message != tt.message) {
				t.Errorf("got %d %s %q, want %d %s %q", rec.Code, got.Code, got.Message, tt.status, tt.code, tt.message)
			}
		})
	}
}

// flipSignature changes the last digit of a real signature.
func flipSignature(r *http.Request) {
	a := r.Header.Get("Authorization")
	last := a[len(a)-1]
	flipped := byte('0')
	if last == '0' {
		flipped = '1'
	}
	r.Header.Set("Authorization", a[:len(a)-1]+string(flipped))
}

func setHeader(k, v string) func(*http.Request) {
	return func(r *http.Request) { r.Header.Set(k, v) }
}

func TestAuthorizationResources(t *testing.T) {
	tests := []struct {
		name string
		key  string
		svc  string
		form url.Values
		want []auth.Request
	}{
		{"create user with path", rootKey, "iam", form("Action", "CreateUser", "UserName", "bob", "Path", "/team/"),
			[]auth.Request{{Action: "iam:CreateUser", Resource: "arn:aws:iam::000000000000:user/team/bob"}}},
		{"own access keys", userKey, "iam", form("Action", "ListAccessKeys"),
			[]auth.Request{{Action: "iam:ListAccessKeys", Resource: "arn:aws:iam::000000000000:user/api-gateway-user"}}},
		{"create access key", rootKey, "iam", form("Action", "CreateAccessKey", "UserName", "api-gateway-user"),
			[]auth.Request{{Action: "iam:CreateAccessKey", Resource: "arn:aws:iam::000000000000:user/api-gateway-user"}}},
		{"describe stack", rootKey, "cloudformation", form("Action", "DescribeStacks", "StackName", "Api-IAM-Sample-Stack"),
			[]auth.Request{{Action: "cloudformation:DescribeStacks", Resource: "arn:aws:cloudformation:us-east-1:000000000000:stack/Api-IAM-Sample-Stack/*"}}},
		{"describe all stacks", rootKey, "cloudformation", form("Action", "DescribeStacks"),
			[]auth.Request{{Action: "cloudformation:DescribeStacks", Resource: "*"}}},
		{"caller identity needs nothing", userKey, "sts", form("Action", "GetCallerIdentity"), nil},
		// ... and with GetSessionToken credentials, which STS still serves
		// GetCallerIdentity (API_GetSessionToken.html).
		{"caller identity of a user session", userSessionKey, "sts", form("Action", "GetCallerIdentity"), nil},
		{"assume role with trust policy", userKey, "sts", form("Action", "AssumeRole", "RoleArn", "arn:aws:iam::000000000000:role/deployer", "RoleSessionName", "s1"),
			[]auth.Request{{Action: "sts:AssumeRole", Resource: "arn:aws:iam::000000000000:role/deployer",
				ResourcePolicies: []auth.Policy{{Name: "trust policy of deployer", Document: deployerTrust}}, ResourceMustAllow: true}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel() // each case has its own environment
			e := newEnv(t)
			switch tt.name {
			case "own access keys":
				e.allowUser(t, "iam:ListAccessKeys")
			case "describe stack":
				e.seedStack(t)
			}
			rec := e.serve(e.queryReq(tt.key, tt.svc, tt.form))
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
			t.Parallel()
			e := newEnv(t)
			e.serve(e.queryReq(rootKey, tt.svc, form("Action", "Nothing", "Padding", "x")))
			opt, body := e.authn.seen()
			if opt.Service != tt.svc || opt.Region != tt.wantRegion || opt.Window != query.Skew {
				t.Errorf("options %+v", opt)
			}
			if body != "Action=Nothing&Padding=x" {
				t.Errorf("authenticator saw body %q", body)
			}
		})
	}
}

func TestMountedService(t *testing.T) {
	e := newEnv(t)
	var seen string
	n := 0
	h := controlplane.New(controlplane.Options{Auth: e.authn, Region: cptest.Region, AccountID: acct, Now: e.clock.Now,
		NewRequestID: func() string { n++; return "req-" + strconv.Itoa(n) },
		Services: map[string]controlplane.Mount{
			"s3": {Anonymous: true, S3: true, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				c := mount.CallerFrom(r.Context())
				seen = c.ARN + " " + mount.RequestIDFrom(r.Context())
				w.WriteHeader(204)
			})},
			"lambda":      {Handler: http.NotFoundHandler()},
			"cognito-idp": {Anonymous: true, Handler: http.NotFoundHandler()},
		}})
	e.h = h
	t.Run("anonymous s3", func(t *testing.T) {
		rec := e.serve(httptest.NewRequest(http.MethodGet, "/bucket/key", nil))
		if rec.Code != 204 || seen != "anonymous req-1" {
			t.Errorf("status %d, seen %q", rec.Code, seen)
		}
		if opt, _ := e.authn.seen(); !opt.S3 {
			t.Error("S3 rules not requested")
		}
	})
	t.Run("signed s3", func(t *testing.T) {
		r := e.sign(t, userKey, "s3", httptest.NewRequest(http.MethodGet, "/bucket/key", nil))
		rec := e.serve(r)
		if rec.Code != 204 || !strings.HasPrefix(seen, apiUserARN) {
			t.Errorf("status %d, seen %q", rec.Code, seen)
		}
	})
	t.Run("lambda unknown key", func(t *testing.T) {
		r := e.sign(t, unknownKey, "lambda", httptest.NewRequest(http.MethodGet, "/2015-03-31/functions", nil))
		rec := e.serve(r)
		want := `{"Type":"User","message":"The security token included in the request is invalid."}`
		if rec.Code != 403 || rec.Body.String() != want || rec.Header().Get("x-amzn-ErrorType") != "UnrecognizedClientException" {
			t.Errorf("%d %s %v", rec.Code, rec.Body, rec.Header())
		}
	})
	// The same failure is Cognito's 400: its table answers every client
	// error so (https://github.com/aws/aws-sdk-php/issues/2444: "400 Bad
	// Request response: {"__type":"UnrecognizedClientException",...}").
	t.Run("cognito unknown key", func(t *testing.T) {
		r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader("{}"))
		r.Header.Set("X-Amz-Target", "AWSCognitoIdentityProviderService.ListUserPools")
		r.Header.Set("Content-Type", "application/x-amz-json-1.1")
		rec := e.serve(e.sign(t, unknownKey, "cognito-idp", r))
		want := `{"__type":"UnrecognizedClientException","message":"The security token included in the request is invalid."}`
		if rec.Code != 400 || rec.Body.String() != want || rec.Header().Get("x-amzn-ErrorType") != "UnrecognizedClientException" {
			t.Errorf("%d %s %v", rec.Code, rec.Body, rec.Header())
		}
	})
	t.Run("lambda unsigned", func(t *testing.T) {
		rec := e.serve(httptest.NewRequest(http.MethodGet, "/2015-03-31/functions", nil))
		if rec.Code != 403 || rec.Header().Get("x-amzn-ErrorType") != "MissingAuthenticationTokenException" {
			t.Errorf("%d %s %v", rec.Code, rec.Body, rec.Header())
		}
	})
}
