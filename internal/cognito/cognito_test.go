package cognito_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/iamgate/iamgate/internal/awserr"
	"github.com/iamgate/iamgate/internal/cognito"
	"github.com/iamgate/iamgate/internal/seal"
	"github.com/iamgate/iamgate/internal/store/sqlite"
)

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

type fixture struct {
	svc   *cognito.Service
	clk   *clock
	mu    sync.Mutex
	inbox []cognito.Message
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	st, err := sqlite.Open(filepath.Join(t.TempDir(), "db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	sealer, err := seal.New(make([]byte, 32))
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{clk: &clock{t: time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC)}}
	f.svc = cognito.New(st, cognito.Options{Region: "eu-west-1", AccountID: "123456789012", Sealer: sealer, Now: f.clk.Now,
		Deliver: func(_ context.Context, m cognito.Message) { f.mu.Lock(); f.inbox = append(f.inbox, m); f.mu.Unlock() }})
	return f
}

func (f *fixture) lastSecret(t *testing.T) string {
	t.Helper()
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.inbox) == 0 {
		t.Fatal("nothing delivered")
	}
	return f.inbox[len(f.inbox)-1].Secret.Reveal()
}

func wantCode(t *testing.T, err error, code awserr.Code, msg string) {
	t.Helper()
	e := awserr.As(err)
	if err == nil || e.Code != code || (msg != "" && e.Message != msg) {
		t.Fatalf("err = %v, want %s %q", err, code, msg)
	}
}

func claims(t *testing.T, tok string) map[string]any {
	t.Helper()
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		t.Fatalf("token has %d parts", len(parts))
	}
	b, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func TestSignUpConfirmSignIn(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	p, err := f.svc.CreatePool(ctx, cognito.Pool{Name: "users", AutoVerifiedAttributes: []string{"email"}})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(p.ID, "eu-west-1_") || len(p.ID) != len("eu-west-1_")+9 {
		t.Errorf("pool id %q", p.ID)
	}
	if p.ARN != "arn:aws:cognito-idp:eu-west-1:123456789012:userpool/"+p.ID {
		t.Errorf("arn %q", p.ARN)
	}
	c, _, err := f.svc.CreateClient(ctx, cognito.ClientInput{Client: cognito.Client{PoolID: p.ID, Name: "web",
		ExplicitAuthFlows: []string{"ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"}}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = f.svc.SignUp(ctx, cognito.SignUpInput{ClientID: c.ID, Username: "alice", Password: "short"})
	wantCode(t, err, cognito.InvalidPassword, "Password did not conform with password policy: Password not long enough")
	res, err := f.svc.SignUp(ctx, cognito.SignUpInput{ClientID: c.ID, Username: "alice", Password: "Passw0rd!",
		Attributes: map[string]string{"email": "alice@example.com"}})
	if err != nil {
		t.Fatal(err)
	}
	if res.Delivery == nil || res.Delivery.Destination != "a***@e***" || res.Delivery.DeliveryMedium != "EMAIL" {
		t.Errorf("delivery %+v", res.Delivery)
	}
	_, err = f.svc.SignUp(ctx, cognito.SignUpInput{ClientID: c.ID, Username: "alice", Password: "Passw0rd!"})
	wantCode(t, err, cognito.UsernameExists, "User already exists")

	auth := func(user, pw string) (cognito.AuthResult, error) {
		return f.svc.InitiateAuth(ctx, cognito.AuthInput{ClientID: c.ID, Flow: "USER_PASSWORD_AUTH",
			Params: map[string]string{"USERNAME": user, "PASSWORD": pw}})
	}
	_, err = auth("alice", "Passw0rd!")
	wantCode(t, err, cognito.UserNotConfirmed, "User is not confirmed.")
	wantCode(t, f.svc.ConfirmSignUp(ctx, c.ID, "alice", "000000x", ""), cognito.CodeMismatch,
		"Invalid verification code provided, please try again.")
	if err := f.svc.ConfirmSignUp(ctx, c.ID, "alice", f.lastSecret(t), ""); err != nil {
		t.Fatal(err)
	}
	wantCode(t, f.svc.ConfirmSignUp(ctx, c.ID, "alice", "123456", ""), cognito.NotAuthorized,
		"User cannot be confirmed. Current status is CONFIRMED")

	_, err = auth("alice", "wrong")
	wantCode(t, err, cognito.NotAuthorized, "Incorrect username or password.")
	_, err = auth("bob", "Passw0rd!")
	wantCode(t, err, cognito.UserNotFound, "User does not exist.")

	if _, err := f.svc.CreateGroup(ctx, cognito.Group{PoolID: p.ID, Name: "admins"}); err != nil {
		t.Fatal(err)
	}
	if err := f.svc.AdminAddUserToGroup(ctx, p.ID, "alice", "admins"); err != nil {
		t.Fatal(err)
	}
	r, err := auth("alice", "Passw0rd!")
	if err != nil || r.Tokens == nil {
		t.Fatalf("auth: %v %+v", err, r)
	}
	id, access := claims(t, r.Tokens.IDToken.Reveal()), claims(t, r.Tokens.AccessToken.Reveal())
	iss := "https://cognito-idp.eu-west-1.amazonaws.com/" + p.ID
	now := f.clk.Now().Unix()
	for name, want := range map[string]any{"iss": iss, "aud": c.ID, "token_use": "id", "cognito:username": "alice",
		"email": "alice@example.com", "email_verified": true, "exp": float64(now + 3600), "auth_time": float64(now)} {
		if id[name] != want {
			t.Errorf("id token %s = %v, want %v", name, id[name], want)
		}
	}
	for name, want := range map[string]any{"iss": iss, "client_id": c.ID, "token_use": "access", "username": "alice",
		"scope": "aws.cognito.signin.user.admin"} {
		if access[name] != want {
			t.Errorf("access token %s = %v, want %v", name, access[name], want)
		}
	}
	if _, ok := access["aud"]; ok {
		t.Error("access token has aud; Cognito's have client_id")
	}
	if g, _ := id["cognito:groups"].([]any); len(g) != 1 || g[0] != "admins" {
		t.Errorf("cognito:groups = %v", id["cognito:groups"])
	}
	if id["sub"] != res.UserSub || access["sub"] != res.UserSub {
		t.Errorf("sub %v %v, want %s", id["sub"], access["sub"], res.UserSub)
	}

	// The token verifies with the published JWKS.
	keys, err := f.svc.PublicKeys(ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	tok, err := jwt.Parse(r.Tokens.IDToken.Reveal(), func(t *jwt.Token) (any, error) { return keys[t.Header["kid"].(string)], nil },
		jwt.WithValidMethods([]string{"RS256"}), jwt.WithTimeFunc(f.clk.Now))
	if err != nil || !tok.Valid {
		t.Fatalf("verify: %v", err)
	}
	if _, ok := tok.Header["typ"]; ok {
		t.Error("header has typ; Cognito's has kid and alg only")
	}

	u, err := f.svc.GetUser(ctx, r.Tokens.AccessToken.Reveal())
	if err != nil || u.Username != "alice" {
		t.Fatalf("GetUser: %v %+v", err, u)
	}
	_, err = f.svc.GetUser(ctx, r.Tokens.IDToken.Reveal())
	wantCode(t, err, cognito.NotAuthorized, "Invalid Access Token")

	// Refresh keeps the session, gives no new refresh token.
	f.clk.Add(2 * time.Hour)
	_, err = f.svc.GetUser(ctx, r.Tokens.AccessToken.Reveal())
	wantCode(t, err, cognito.NotAuthorized, "Access Token has expired")
	rr, err := f.svc.InitiateAuth(ctx, cognito.AuthInput{ClientID: c.ID, Flow: "REFRESH_TOKEN_AUTH",
		Params: map[string]string{"REFRESH_TOKEN": r.Tokens.RefreshToken.Reveal()}})
	if err != nil || rr.Tokens == nil || rr.Tokens.RefreshToken != "" {
		t.Fatalf("refresh: %v %+v", err, rr)
	}
	if a2 := claims(t, rr.Tokens.AccessToken.Reveal()); a2["origin_jti"] != access["origin_jti"] || a2["auth_time"] != access["auth_time"] {
		t.Errorf("refreshed token has a new session: %v", a2)
	}
	_, err = f.svc.InitiateAuth(ctx, cognito.AuthInput{ClientID: c.ID, Flow: "REFRESH_TOKEN_AUTH",
		Params: map[string]string{"REFRESH_TOKEN": "bogus"}})
	wantCode(t, err, cognito.NotAuthorized, "Invalid Refresh Token")
	if err := f.svc.GlobalSignOut(ctx, rr.Tokens.AccessToken.Reveal()); err != nil {
		t.Fatal(err)
	}
	_, err = f.svc.InitiateAuth(ctx, cognito.AuthInput{ClientID: c.ID, Flow: "REFRESH_TOKEN_AUTH",
		Params: map[string]string{"REFRESH_TOKEN": r.Tokens.RefreshToken.Reveal()}})
	wantCode(t, err, cognito.NotAuthorized, "Refresh Token has been revoked")
}

func TestAdminCreateUserNewPasswordChallenge(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	p, _ := f.svc.CreatePool(ctx, cognito.Pool{Name: "admins-only", AllowAdminCreateUserOnly: true,
		PasswordPolicy: cognito.PasswordPolicy{MinimumLength: 10, RequireNumbers: true}})
	c, secret, err := f.svc.CreateClient(ctx, cognito.ClientInput{GenerateSecret: true, Client: cognito.Client{PoolID: p.ID, Name: "srv",
		ExplicitAuthFlows: []string{"ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"}}})
	if err != nil || len(secret.Reveal()) == 0 {
		t.Fatal(err)
	}
	hash := func(user string) string {
		m := hmac.New(sha256.New, []byte(secret.Reveal()))
		m.Write([]byte(user + c.ID))
		return base64.StdEncoding.EncodeToString(m.Sum(nil))
	}
	_, err = f.svc.SignUp(ctx, cognito.SignUpInput{ClientID: c.ID, Username: "x", Password: "abcdefghij1", SecretHash: hash("x")})
	wantCode(t, err, cognito.NotAuthorized, "SignUp is not permitted for this user pool")
	_, err = f.svc.AdminCreateUser(ctx, cognito.AdminCreateUserInput{PoolID: p.ID, Username: "carol", TemporaryPassword: "abcdefghijk"})
	wantCode(t, err, cognito.InvalidPassword, "Password did not conform with password policy: Password must have numeric characters")
	u, err := f.svc.AdminCreateUser(ctx, cognito.AdminCreateUserInput{PoolID: p.ID, Username: "carol",
		Attributes: map[string]string{"email": "carol@example.com"}})
	if err != nil || u.Status != cognito.StatusForceChangePassword {
		t.Fatalf("create: %v %+v", err, u)
	}
	temp := f.lastSecret(t)
	_, err = f.svc.AdminCreateUser(ctx, cognito.AdminCreateUserInput{PoolID: p.ID, Username: "carol"})
	wantCode(t, err, cognito.UsernameExists, "User account already exists")

	admin := func(params map[string]string) (cognito.AuthResult, error) {
		return f.svc.InitiateAuth(ctx, cognito.AuthInput{Admin: true, PoolID: p.ID, ClientID: c.ID, Flow: "ADMIN_USER_PASSWORD_AUTH", Params: params})
	}
	_, err = admin(map[string]string{"USERNAME": "carol", "PASSWORD": temp})
	wantCode(t, err, cognito.NotAuthorized, "Client "+c.ID+" is configured for secret but secret was not received")
	_, err = admin(map[string]string{"USERNAME": "carol", "PASSWORD": temp, "SECRET_HASH": hash("dave")})
	wantCode(t, err, cognito.NotAuthorized, "Unable to verify secret hash for client "+c.ID)
	_, err = f.svc.InitiateAuth(ctx, cognito.AuthInput{ClientID: c.ID, Flow: "USER_PASSWORD_AUTH",
		Params: map[string]string{"USERNAME": "carol", "PASSWORD": temp, "SECRET_HASH": hash("carol")}})
	wantCode(t, err, cognito.InvalidParameter, "USER_PASSWORD_AUTH flow not enabled for this client")
	_, err = f.svc.InitiateAuth(ctx, cognito.AuthInput{ClientID: c.ID, Flow: "ADMIN_USER_PASSWORD_AUTH"})
	wantCode(t, err, cognito.InvalidParameter, "Initiate Auth method not supported.")

	r, err := admin(map[string]string{"USERNAME": "carol", "PASSWORD": temp, "SECRET_HASH": hash("carol")})
	if err != nil || r.ChallengeName != "NEW_PASSWORD_REQUIRED" || r.Tokens != nil || len(r.Session.Reveal()) < 20 {
		t.Fatalf("challenge: %v %+v", err, r)
	}
	if r.Parameters["USER_ID_FOR_SRP"] != "carol" || !strings.Contains(r.Parameters["userAttributes"], "carol@example.com") {
		t.Errorf("challenge parameters %v", r.Parameters)
	}
	respond := func(session, pw string) (cognito.AuthResult, error) {
		return f.svc.RespondToAuthChallenge(ctx, cognito.ChallengeInput{ClientID: c.ID, ChallengeName: "NEW_PASSWORD_REQUIRED",
			Session: session, Responses: map[string]string{"USERNAME": "carol", "NEW_PASSWORD": pw, "SECRET_HASH": hash("carol")}})
	}
	_, err = respond(strings.Repeat("x", 40), "newpassword1")
	wantCode(t, err, cognito.NotAuthorized, "Invalid session for the user, session is expired.")
	_, err = respond(r.Session.Reveal(), "nonumbers!!")
	wantCode(t, err, cognito.InvalidPassword, "")
	done, err := respond(r.Session.Reveal(), "newpassword1")
	if err != nil || done.Tokens == nil {
		t.Fatalf("respond: %v", err)
	}
	_, err = respond(r.Session.Reveal(), "newpassword2")
	wantCode(t, err, cognito.NotAuthorized, "Invalid session for the user, session is expired.")
	got, _ := f.svc.AdminGetUser(ctx, p.ID, "carol")
	if got.Status != cognito.StatusConfirmed {
		t.Errorf("status %s", got.Status)
	}
	if err := f.svc.AdminSetUserEnabled(ctx, p.ID, "carol", false); err != nil {
		t.Fatal(err)
	}
	_, err = admin(map[string]string{"USERNAME": "carol", "PASSWORD": "newpassword1", "SECRET_HASH": hash("carol")})
	wantCode(t, err, cognito.NotAuthorized, "User is disabled.")
}

func TestEmailAsUsernameAndPreventExistenceErrors(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	p, _ := f.svc.CreatePool(ctx, cognito.Pool{Name: "emails", UsernameAttributes: []string{"email"}})
	c, _, _ := f.svc.CreateClient(ctx, cognito.ClientInput{Client: cognito.Client{PoolID: p.ID, Name: "web",
		ExplicitAuthFlows: []string{"USER_PASSWORD_AUTH"}, PreventUserExistenceErrors: "ENABLED"}})
	_, err := f.svc.SignUp(ctx, cognito.SignUpInput{ClientID: c.ID, Username: "dave", Password: "Passw0rd!"})
	wantCode(t, err, cognito.InvalidParameter, "Username should be either an email or a phone number.")
	res, err := f.svc.SignUp(ctx, cognito.SignUpInput{ClientID: c.ID, Username: "dave@example.com", Password: "Passw0rd!"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = f.svc.SignUp(ctx, cognito.SignUpInput{ClientID: c.ID, Username: "Dave@example.com", Password: "Passw0rd!"})
	wantCode(t, err, cognito.UsernameExists, "An account with the given email already exists.")
	if err := f.svc.AdminConfirmSignUp(ctx, p.ID, "dave@example.com"); err != nil {
		t.Fatal(err)
	}
	u, err := f.svc.AdminGetUser(ctx, p.ID, res.UserSub)
	if err != nil || u.Username != res.UserSub || u.Attributes["email"] != "dave@example.com" {
		t.Fatalf("user %+v %v", u, err)
	}
	r, err := f.svc.InitiateAuth(ctx, cognito.AuthInput{ClientID: c.ID, Flow: "USER_PASSWORD_AUTH",
		Params: map[string]string{"USERNAME": "dave@example.com", "PASSWORD": "Passw0rd!"}})
	if err != nil || r.Tokens == nil {
		t.Fatalf("auth: %v", err)
	}
	_, err = f.svc.InitiateAuth(ctx, cognito.AuthInput{ClientID: c.ID, Flow: "USER_PASSWORD_AUTH",
		Params: map[string]string{"USERNAME": "nobody@example.com", "PASSWORD": "Passw0rd!"}})
	wantCode(t, err, cognito.NotAuthorized, "Incorrect username or password.")
	f1, err := cognito.ParseFilter(`email ^= "dave"`)
	if err != nil || !f1.Match(u) {
		t.Errorf("filter: %v", err)
	}
	if _, err := cognito.ParseFilter(`email = dave`); err == nil {
		t.Error("unquoted filter parsed")
	}
}

func TestPasswordPolicyOrder(t *testing.T) {
	p := cognito.DefaultPasswordPolicy
	for pw, want := range map[string]string{
		"Ab1!":      "Password not long enough",
		"ABCDEFG1!": "Password must have lowercase characters",
		"abcdefg1!": "Password must have uppercase characters",
		"Abcdefgh!": "Password must have numeric characters",
		"Abcdefgh1": "Password must have symbol characters",
		"Abcdefg1^": "",
	} {
		err := p.Check(pw)
		if want == "" {
			if err != nil {
				t.Errorf("%q: %v", pw, err)
			}
			continue
		}
		wantCode(t, err, cognito.InvalidPassword, "Password did not conform with password policy: "+want)
	}
}

// Five wrong passwords lock a user out for a second, doubling after, and
// the right password is refused meanwhile; five wrong codes void a code.
func TestLockouts(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	p, _ := f.svc.CreatePool(ctx, cognito.Pool{Name: "lock", AutoVerifiedAttributes: []string{"email"}})
	c, _, _ := f.svc.CreateClient(ctx, cognito.ClientInput{Client: cognito.Client{PoolID: p.ID, Name: "web",
		ExplicitAuthFlows: []string{"ALLOW_USER_PASSWORD_AUTH"}}})
	if _, err := f.svc.AdminCreateUser(ctx, cognito.AdminCreateUserInput{PoolID: p.ID, Username: "eve", MessageAction: "SUPPRESS", TemporaryPassword: "Passw0rd!"}); err != nil {
		t.Fatal(err)
	}
	if err := f.svc.AdminSetUserPassword(ctx, p.ID, "eve", "Passw0rd!", true); err != nil {
		t.Fatal(err)
	}
	auth := func(pw string) error {
		_, err := f.svc.InitiateAuth(ctx, cognito.AuthInput{ClientID: c.ID, Flow: "USER_PASSWORD_AUTH",
			Params: map[string]string{"USERNAME": "eve", "PASSWORD": pw}})
		return err
	}
	for range 5 {
		wantCode(t, auth("wrong"), cognito.NotAuthorized, "Incorrect username or password.")
	}
	wantCode(t, auth("Passw0rd!"), cognito.NotAuthorized, "Password attempts exceeded")
	f.clk.Add(1100 * time.Millisecond)
	wantCode(t, auth("wrong"), cognito.NotAuthorized, "Incorrect username or password.")
	f.clk.Add(1100 * time.Millisecond)
	wantCode(t, auth("Passw0rd!"), cognito.NotAuthorized, "Password attempts exceeded") // now 2 s
	f.clk.Add(time.Second)
	if err := auth("Passw0rd!"); err != nil {
		t.Fatalf("after the lockout: %v", err)
	}
	for range 5 { // the success cleared the count
		wantCode(t, auth("wrong"), cognito.NotAuthorized, "Incorrect username or password.")
	}

	if _, err := f.svc.SignUp(ctx, cognito.SignUpInput{ClientID: c.ID, Username: "frank", Password: "Passw0rd!",
		Attributes: map[string]string{"email": "f@example.com"}}); err != nil {
		t.Fatal(err)
	}
	code := f.lastSecret(t)
	for range 5 {
		wantCode(t, f.svc.ConfirmSignUp(ctx, c.ID, "frank", "x", ""), cognito.CodeMismatch, "")
	}
	wantCode(t, f.svc.ConfirmSignUp(ctx, c.ID, "frank", code, ""), cognito.LimitExceeded, "Attempt limit exceeded, please try after some time.")
}

func FuzzParseFilter(f *testing.F) {
	for _, s := range []string{`email = "a@b.c"`, `username ^= "al"`, `status = "Enabled"`, `cognito:user_status = "CONFIRMED"`,
		`email=""`, `email = "x`, `= "x"`, `family_name ^= "\"q"`, ``, `sub = "1" and x`} {
		f.Add(s)
	}
	u := cognito.User{Username: "alice", Sub: "s", Attributes: map[string]string{"email": "a@b.c"}, Status: "CONFIRMED", Enabled: true}
	f.Fuzz(func(t *testing.T, s string) {
		flt, err := cognito.ParseFilter(s)
		if err != nil {
			if e := awserr.As(err); e.Code != cognito.InvalidParameter {
				t.Fatalf("error %v is not InvalidParameterException", err)
			}
			return
		}
		flt.Match(u) // must not panic
		if flt.Attribute != "" && strings.Contains(flt.Value, `"`) {
			t.Fatalf("value %q holds a quote", flt.Value)
		}
	})
}
