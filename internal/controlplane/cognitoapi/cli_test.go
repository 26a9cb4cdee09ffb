package cognitoapi

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/iamgate/iamgate/internal/auth"
	"github.com/iamgate/iamgate/internal/cognito"
	"github.com/iamgate/iamgate/internal/controlplane"
	"github.com/iamgate/iamgate/internal/controlplane/cptest"
	"github.com/iamgate/iamgate/internal/controlplane/mount"
	"github.com/iamgate/iamgate/internal/seal"
	"github.com/iamgate/iamgate/internal/store"
)

type env struct {
	*cptest.Env
	pools *cognito.Service
	h     *Handler
	mu    sync.Mutex
	inbox []cognito.Message
}

func newEnv(t *testing.T) *env {
	t.Helper()
	e := &env{}
	e.Env = cptest.New(t, "cognito-idp", func(tb testing.TB, st store.Store, a *auth.Service) controlplane.Mount {
		sealer, _ := seal.New(make([]byte, 32))
		e.pools = cognito.New(st, cognito.Options{Region: cptest.Region, AccountID: cptest.AccountID, Sealer: sealer,
			Deliver: func(_ context.Context, m cognito.Message) { e.mu.Lock(); e.inbox = append(e.inbox, m); e.mu.Unlock() }})
		e.h = New(Options{Pools: e.pools, Authz: a, Options: mount.Options{Region: cptest.Region, AccountID: cptest.AccountID}})
		return controlplane.Mount{Anonymous: true, Handler: e.h}
	})
	return e
}

func (e *env) lastCode(t *testing.T) string {
	t.Helper()
	e.mu.Lock()
	defer e.mu.Unlock()
	if len(e.inbox) == 0 {
		t.Fatal("no message delivered")
	}
	return e.inbox[len(e.inbox)-1].Secret.Reveal()
}

func decodeOut(t *testing.T, s string) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		t.Fatalf("%v: %s", err, s)
	}
	return m
}

// wantError runs the aws CLI and checks it fails with the CLI's line for
// Cognito's error code and message.
func (e *env) wantError(t *testing.T, k cptest.Key, op, code, msg string, args ...string) {
	t.Helper()
	_, stderr, err := e.AWS(t, k, args...)
	want := "An error occurred (" + code + ") when calling the " + op + " operation: " + msg
	if err == nil || !strings.Contains(stderr, want) {
		t.Errorf("aws %s: err %v, stderr %q, want %q", strings.Join(args, " "), err, stderr, want)
	}
}

func payload(t *testing.T, tok string) map[string]any {
	t.Helper()
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		t.Fatalf("not a JWS: %q", tok)
	}
	b, _ := base64.RawURLEncoding.DecodeString(parts[1])
	return decodeOut(t, string(b))
}

// TestCLICognito drives pools, clients, users and sign-in with the real aws
// CLI: admin calls signed and IAM-authorized, public calls unsigned (the
// CLI sends InitiateAuth, SignUp, ConfirmSignUp and GetUser without a
// signature, as botocore's model says).
func TestCLICognito(t *testing.T) {
	e := newEnv(t)
	root, user := e.Root, e.User
	pool := decodeOut(t, e.Must(t, root, "cognito-idp", "create-user-pool", "--pool-name", "app",
		"--auto-verified-attributes", "email"))["UserPool"].(map[string]any)
	poolID := pool["Id"].(string)
	if pool["Arn"] != "arn:aws:cognito-idp:us-east-1:000000000000:userpool/"+poolID || pool["MfaConfiguration"] != "OFF" {
		t.Errorf("pool %v", pool)
	}
	client := decodeOut(t, e.Must(t, root, "cognito-idp", "create-user-pool-client", "--user-pool-id", poolID,
		"--client-name", "web", "--explicit-auth-flows", "ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH",
		"ALLOW_ADMIN_USER_PASSWORD_AUTH"))["UserPoolClient"].(map[string]any)
	clientID := client["ClientId"].(string)
	if _, ok := client["ClientSecret"]; ok || len(clientID) != 26 {
		t.Errorf("client %v", client)
	}

	t.Run("admin calls need IAM", func(t *testing.T) {
		e.wantError(t, user, "AdminCreateUser", "AccessDeniedException",
			"User: arn:aws:iam::000000000000:user/api-gateway-user is not authorized to perform: cognito-idp:AdminCreateUser on resource: arn:aws:cognito-idp:us-east-1:000000000000:userpool/"+poolID,
			"cognito-idp", "admin-create-user", "--user-pool-id", poolID, "--username", "mallory")
		e.wantError(t, user, "AdminGetUser", "MissingAuthenticationTokenException", "Missing Authentication Token",
			"cognito-idp", "admin-get-user", "--user-pool-id", poolID, "--username", "x", "--no-sign-request")
		e.wantError(t, user, "CreateUserPool", "MissingAuthenticationTokenException", "Missing Authentication Token",
			"cognito-idp", "create-user-pool", "--pool-name", "x", "--no-sign-request")
	})

	e.Must(t, root, "cognito-idp", "admin-create-user", "--user-pool-id", poolID, "--username", "alice",
		"--user-attributes", "Name=email,Value=alice@example.com", "Name=email_verified,Value=true", "--message-action", "SUPPRESS")
	e.Must(t, root, "cognito-idp", "admin-set-user-password", "--user-pool-id", poolID, "--username", "alice",
		"--password", "Passw0rd!", "--permanent")
	e.Must(t, root, "cognito-idp", "create-group", "--user-pool-id", poolID, "--group-name", "admins")
	e.Must(t, root, "cognito-idp", "admin-add-user-to-group", "--user-pool-id", poolID, "--username", "alice", "--group-name", "admins")

	var access, refresh string
	t.Run("initiate-auth", func(t *testing.T) {
		out := decodeOut(t, e.Must(t, user, "cognito-idp", "initiate-auth", "--client-id", clientID, "--auth-flow", "USER_PASSWORD_AUTH",
			"--auth-parameters", "USERNAME=alice,PASSWORD=Passw0rd!"))
		res := out["AuthenticationResult"].(map[string]any)
		if res["TokenType"] != "Bearer" || res["ExpiresIn"] != float64(3600) {
			t.Errorf("result %v", res)
		}
		id := payload(t, res["IdToken"].(string))
		if id["iss"] != "https://cognito-idp.us-east-1.amazonaws.com/"+poolID || id["aud"] != clientID || id["cognito:username"] != "alice" ||
			id["token_use"] != "id" || id["email"] != "alice@example.com" {
			t.Errorf("id token %v", id)
		}
		access, refresh = res["AccessToken"].(string), res["RefreshToken"].(string)
		got := decodeOut(t, e.Must(t, user, "cognito-idp", "get-user", "--access-token", access))
		if got["Username"] != "alice" {
			t.Errorf("get-user %v", got)
		}
		out = decodeOut(t, e.Must(t, user, "cognito-idp", "initiate-auth", "--client-id", clientID, "--auth-flow", "REFRESH_TOKEN_AUTH",
			"--auth-parameters", "REFRESH_TOKEN="+refresh))
		if r := out["AuthenticationResult"].(map[string]any); r["RefreshToken"] != nil || r["IdToken"] == nil {
			t.Errorf("refresh %v", r)
		}
		out = decodeOut(t, e.Must(t, root, "cognito-idp", "admin-initiate-auth", "--user-pool-id", poolID, "--client-id", clientID,
			"--auth-flow", "ADMIN_USER_PASSWORD_AUTH", "--auth-parameters", "USERNAME=alice,PASSWORD=Passw0rd!"))
		if out["AuthenticationResult"] == nil {
			t.Errorf("admin-initiate-auth %v", out)
		}
	})

	t.Run("failures", func(t *testing.T) {
		e.wantError(t, user, "InitiateAuth", "NotAuthorizedException", "Incorrect username or password.",
			"cognito-idp", "initiate-auth", "--client-id", clientID, "--auth-flow", "USER_PASSWORD_AUTH", "--auth-parameters", "USERNAME=alice,PASSWORD=nope")
		e.wantError(t, user, "InitiateAuth", "UserNotFoundException", "User does not exist.",
			"cognito-idp", "initiate-auth", "--client-id", clientID, "--auth-flow", "USER_PASSWORD_AUTH", "--auth-parameters", "USERNAME=bob,PASSWORD=Passw0rd!")
		e.wantError(t, user, "InitiateAuth", "ResourceNotFoundException", "User pool client "+strings.Repeat("a", 26)+" does not exist.",
			"cognito-idp", "initiate-auth", "--client-id", strings.Repeat("a", 26), "--auth-flow", "USER_PASSWORD_AUTH", "--auth-parameters", "USERNAME=a,PASSWORD=b")
		e.wantError(t, user, "InitiateAuth", "NotAuthorizedException", "Invalid Refresh Token",
			"cognito-idp", "initiate-auth", "--client-id", clientID, "--auth-flow", "REFRESH_TOKEN_AUTH", "--auth-parameters", "REFRESH_TOKEN=abc")
		e.wantError(t, user, "GetUser", "NotAuthorizedException", "Invalid Access Token",
			"cognito-idp", "get-user", "--access-token", "eyJhbGciOiJub25lIn0.eyJ0b2tlbl91c2UiOiJhY2Nlc3MifQ.")
		e.wantError(t, root, "AdminGetUser", "UserNotFoundException", "User does not exist.",
			"cognito-idp", "admin-get-user", "--user-pool-id", poolID, "--username", "nobody")
		e.wantError(t, root, "DescribeUserPool", "ResourceNotFoundException", "User pool us-east-1_nopenope1 does not exist.",
			"cognito-idp", "describe-user-pool", "--user-pool-id", "us-east-1_nopenope1")
		e.wantError(t, root, "CreateGroup", "GroupExistsException", "A group with the name already exists.",
			"cognito-idp", "create-group", "--user-pool-id", poolID, "--group-name", "admins")
		e.wantError(t, root, "AdminSetUserPassword", "InvalidPasswordException", "Password did not conform with password policy: Password must have uppercase characters",
			"cognito-idp", "admin-set-user-password", "--user-pool-id", poolID, "--username", "alice", "--password", "passw0rd!")
	})

	t.Run("sign-up and confirm", func(t *testing.T) {
		out := decodeOut(t, e.Must(t, user, "cognito-idp", "sign-up", "--client-id", clientID, "--username", "bob",
			"--password", "Passw0rd!", "--user-attributes", "Name=email,Value=bob@example.com"))
		if out["UserConfirmed"] != false || out["CodeDeliveryDetails"].(map[string]any)["Destination"] != "b***@e***" {
			t.Errorf("sign-up %v", out)
		}
		e.wantError(t, user, "SignUp", "UsernameExistsException", "User already exists",
			"cognito-idp", "sign-up", "--client-id", clientID, "--username", "bob", "--password", "Passw0rd!")
		e.wantError(t, user, "InitiateAuth", "UserNotConfirmedException", "User is not confirmed.",
			"cognito-idp", "initiate-auth", "--client-id", clientID, "--auth-flow", "USER_PASSWORD_AUTH", "--auth-parameters", "USERNAME=bob,PASSWORD=Passw0rd!")
		e.wantError(t, user, "ConfirmSignUp", "CodeMismatchException", "Invalid verification code provided, please try again.",
			"cognito-idp", "confirm-sign-up", "--client-id", clientID, "--username", "bob", "--confirmation-code", "x1")
		e.Must(t, user, "cognito-idp", "confirm-sign-up", "--client-id", clientID, "--username", "bob", "--confirmation-code", e.lastCode(t))
		u := decodeOut(t, e.Must(t, root, "cognito-idp", "admin-get-user", "--user-pool-id", poolID, "--username", "bob"))
		if u["UserStatus"] != "CONFIRMED" {
			t.Errorf("bob %v", u)
		}
		list := decodeOut(t, e.Must(t, root, "cognito-idp", "list-users", "--user-pool-id", poolID, "--filter", `email ^= "bob"`))
		if us := list["Users"].([]any); len(us) != 1 || us[0].(map[string]any)["Username"] != "bob" {
			t.Errorf("list-users %v", list)
		}
	})

	t.Run("password recovery and change", func(t *testing.T) {
		out := decodeOut(t, e.Must(t, user, "cognito-idp", "forgot-password", "--client-id", clientID, "--username", "alice"))
		if d := out["CodeDeliveryDetails"].(map[string]any); d["DeliveryMedium"] != "EMAIL" || d["Destination"] != "a***@e***" {
			t.Errorf("forgot-password %v", out)
		}
		code := e.lastCode(t)
		e.wantError(t, user, "ConfirmForgotPassword", "CodeMismatchException", "Invalid verification code provided, please try again.",
			"cognito-idp", "confirm-forgot-password", "--client-id", clientID, "--username", "alice", "--confirmation-code", "000000", "--password", "N3wPassword!")
		e.Must(t, user, "cognito-idp", "confirm-forgot-password", "--client-id", clientID, "--username", "alice",
			"--confirmation-code", code, "--password", "N3wPassword!")
		res := decodeOut(t, e.Must(t, user, "cognito-idp", "initiate-auth", "--client-id", clientID, "--auth-flow", "USER_PASSWORD_AUTH",
			"--auth-parameters", "USERNAME=alice,PASSWORD=N3wPassword!"))["AuthenticationResult"].(map[string]any)
		tok := res["AccessToken"].(string)
		e.wantError(t, user, "ChangePassword", "NotAuthorizedException", "Incorrect username or password.",
			"cognito-idp", "change-password", "--access-token", tok, "--previous-password", "Wrong1!x", "--proposed-password", "Ch4nged!pw")
		e.Must(t, user, "cognito-idp", "change-password", "--access-token", tok, "--previous-password", "N3wPassword!", "--proposed-password", "Ch4nged!pw")
		e.Must(t, user, "cognito-idp", "initiate-auth", "--client-id", clientID, "--auth-flow", "USER_PASSWORD_AUTH",
			"--auth-parameters", "USERNAME=alice,PASSWORD=Ch4nged!pw")
		e.wantError(t, user, "ResendConfirmationCode", "InvalidParameterException", "User is already confirmed.",
			"cognito-idp", "resend-confirmation-code", "--client-id", clientID, "--username", "alice")
	})

	t.Run("new password challenge", func(t *testing.T) {
		e.Must(t, root, "cognito-idp", "admin-create-user", "--user-pool-id", poolID, "--username", "carol",
			"--temporary-password", "Temp0rary!")
		out := decodeOut(t, e.Must(t, user, "cognito-idp", "initiate-auth", "--client-id", clientID, "--auth-flow", "USER_PASSWORD_AUTH",
			"--auth-parameters", "USERNAME=carol,PASSWORD=Temp0rary!"))
		if out["ChallengeName"] != "NEW_PASSWORD_REQUIRED" || out["Session"] == nil {
			t.Fatalf("initiate-auth %v", out)
		}
		done := decodeOut(t, e.Must(t, user, "cognito-idp", "respond-to-auth-challenge", "--client-id", clientID,
			"--challenge-name", "NEW_PASSWORD_REQUIRED", "--session", out["Session"].(string),
			"--challenge-responses", "USERNAME=carol,NEW_PASSWORD=Perm4nent!"))
		if done["AuthenticationResult"] == nil {
			t.Errorf("respond %v", done)
		}
	})

	t.Run("jwks", func(t *testing.T) {
		rec := httptest.NewRecorder()
		e.h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/"+poolID+"/.well-known/jwks.json", nil))
		var doc struct {
			Keys []map[string]string `json:"keys"`
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &doc); err != nil || rec.Code != 200 || len(doc.Keys) != 1 ||
			doc.Keys[0]["alg"] != "RS256" || doc.Keys[0]["kty"] != "RSA" || doc.Keys[0]["e"] != "AQAB" || doc.Keys[0]["use"] != "sig" {
			t.Errorf("jwks %d %s", rec.Code, rec.Body)
		}
		rec = httptest.NewRecorder()
		e.h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/us-east-1_nopenope1/.well-known/jwks.json", nil))
		if rec.Code != 404 || rec.Body.String() != `{"message":"User pool us-east-1_nopenope1 does not exist."}` {
			t.Errorf("unknown pool: %d %s", rec.Code, rec.Body)
		}
	})
}
