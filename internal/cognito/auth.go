package cognito

import (
	"context"
	"encoding/json"
	"strings"
	"time"

	"github.com/iamgate/iamgate/internal/awserr"
	"github.com/iamgate/iamgate/internal/seal"
	"github.com/iamgate/iamgate/internal/store"
	"github.com/iamgate/iamgate/internal/store/record"
)

// AuthInput is InitiateAuth's (and AdminInitiateAuth's) input.
type AuthInput struct {
	PoolID   string // AdminInitiateAuth only
	ClientID string
	Flow     string
	Params   map[string]string
	Admin    bool
}

// AuthResult is a sign-in step's answer: tokens, or a challenge.
type AuthResult struct {
	Tokens        *Tokens
	ChallengeName string
	Session       seal.Secret
	Parameters    map[string]string
}

// session is a pending challenge, stored under the SHA-256 of the
// Session string.
type session struct {
	PoolID    string    `json:"poolId"`
	ClientID  string    `json:"clientId"`
	UserKey   string    `json:"userKey"`
	Username  string    `json:"username"`
	Challenge string    `json:"challenge"`
	Expires   time.Time `json:"expires"`
}

// flowsOf are the flows each operation accepts.
var (
	publicFlows = map[string]bool{"USER_PASSWORD_AUTH": true, "REFRESH_TOKEN_AUTH": true, "REFRESH_TOKEN": true,
		"USER_SRP_AUTH": true, "CUSTOM_AUTH": true, "USER_AUTH": true}
	adminFlows = map[string]bool{"ADMIN_USER_PASSWORD_AUTH": true, "ADMIN_NO_SRP_AUTH": true, "REFRESH_TOKEN_AUTH": true,
		"REFRESH_TOKEN": true, "USER_SRP_AUTH": true, "CUSTOM_AUTH": true, "USER_AUTH": true}
)

// InitiateAuth runs the first step of a sign-in.
func (s *Service) InitiateAuth(ctx context.Context, in AuthInput) (AuthResult, error) {
	fields := []Field{ClientIDField(in.ClientID)}
	if in.Admin {
		fields = append(fields, PoolIDField(in.PoolID))
	}
	if err := Check(fields...); err != nil {
		return AuthResult{}, err
	}
	flows := publicFlows
	if in.Admin {
		flows = adminFlows
	}
	if in.Flow == "" {
		return AuthResult{}, awserr.New(InvalidParameter, "1 validation error detected: Value null at 'authFlow' failed to satisfy constraint: Member must not be null")
	}
	if !flows[in.Flow] {
		return AuthResult{}, awserr.New(InvalidParameter, "Initiate Auth method not supported.")
	}
	c, err := s.client(ctx, s.st, in.ClientID)
	if err != nil {
		return AuthResult{}, err
	}
	if in.Admin && c.PoolID != in.PoolID {
		return AuthResult{}, awserr.New(ResourceNotFound, "User pool client %s does not exist.", in.ClientID)
	}
	p, err := s.pool(ctx, s.st, c.PoolID)
	if err != nil {
		return AuthResult{}, err
	}
	flow := in.Flow
	if flow == "REFRESH_TOKEN" {
		flow = "REFRESH_TOKEN_AUTH"
	}
	switch flow {
	case "USER_SRP_AUTH", "CUSTOM_AUTH", "USER_AUTH":
		// Accepted by Cognito, not emulated: say so rather than pretend.
		return AuthResult{}, awserr.New(InvalidParameter, "%s flow is not supported by iamgate; use USER_PASSWORD_AUTH or ADMIN_USER_PASSWORD_AUTH", in.Flow)
	}
	if !c.allows(flow) {
		return AuthResult{}, awserr.New(InvalidParameter, "%s flow not enabled for this client", flow)
	}
	if flow == "REFRESH_TOKEN_AUTH" {
		return s.refresh(ctx, p, c, in.Params)
	}
	return s.passwordAuth(ctx, p, c, in.Params)
}

func (s *Service) passwordAuth(ctx context.Context, p Pool, c Client, params map[string]string) (AuthResult, error) {
	name, pw := params["USERNAME"], params["PASSWORD"]
	if name == "" {
		return AuthResult{}, awserr.New(InvalidParameter, "Missing required parameter USERNAME")
	}
	if err := s.checkSecretHash(c, name, params["SECRET_HASH"]); err != nil {
		return AuthResult{}, err
	}
	if pw == "" {
		return AuthResult{}, awserr.New(InvalidParameter, "Missing required parameter PASSWORD")
	}
	wrong := awserr.New(NotAuthorized, "Incorrect username or password.")
	u, key, err := s.findUser(ctx, s.st, p, name)
	if awserr.Is(err, UserNotFound) && c.PreventUserExistenceErrors == "ENABLED" {
		// Spend the hashing time a real user would, so timing does not
		// tell who exists.
		_, _ = s.check(dummyHash, pw)
		return AuthResult{}, wrong
	}
	if err != nil {
		return AuthResult{}, err
	}
	now := s.o.Now()
	if now.Before(u.LockedUntil) {
		return AuthResult{}, awserr.New(NotAuthorized, "Password attempts exceeded")
	}
	ok, err := s.check(u.PasswordHash, pw)
	if err != nil && u.PasswordHash != "" {
		return AuthResult{}, err
	}
	if !ok || u.FailedSignIns > 0 {
		if err := s.countSignIn(ctx, p, key, ok); err != nil {
			return AuthResult{}, err
		}
	}
	if !ok {
		return AuthResult{}, wrong
	}
	if !u.Enabled {
		return AuthResult{}, awserr.New(NotAuthorized, "User is disabled.")
	}
	switch u.Status {
	case StatusUnconfirmed:
		return AuthResult{}, awserr.New(UserNotConfirmed, "User is not confirmed.")
	case StatusForceChangePassword:
		if !u.TempExpires.IsZero() && s.o.Now().After(u.TempExpires) {
			return AuthResult{}, awserr.New(NotAuthorized, "Temporary password has expired and must be reset by an administrator.")
		}
		return s.challenge(ctx, p, c, u, key)
	}
	t, err := s.issue(ctx, p, c, u, key, "", 0)
	if err != nil {
		return AuthResult{}, err
	}
	return AuthResult{Tokens: &t}, nil
}

// dummyHash is checked against when a user does not exist.
var dummyHash = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$" + strings.Repeat("A", 43)

// challenge starts NEW_PASSWORD_REQUIRED for a user with a temporary
// password.
func (s *Service) challenge(ctx context.Context, p Pool, c Client, u User, key string) (AuthResult, error) {
	tok, err := opaque(s.o.Rand, 96)
	if err != nil {
		return AuthResult{}, err
	}
	minutes := c.AuthSessionValidity
	if minutes == 0 {
		minutes = 3
	}
	rec := session{PoolID: p.ID, ClientID: c.ID, UserKey: key, Username: u.Username, Challenge: "NEW_PASSWORD_REQUIRED",
		Expires: s.o.Now().UTC().Add(time.Duration(minutes) * time.Minute)}
	if err := record.Put(ctx, s.st, kindSession, tokenHash(tok), rec); err != nil {
		return AuthResult{}, err
	}
	attrs := map[string]string{}
	for k, v := range u.Attributes {
		if k != "email_verified" && k != "phone_number_verified" {
			attrs[k] = v
		}
	}
	ab, _ := json.Marshal(attrs)
	return AuthResult{ChallengeName: "NEW_PASSWORD_REQUIRED", Session: seal.Secret(tok), Parameters: map[string]string{
		"USER_ID_FOR_SRP": u.Username, "requiredAttributes": "[]", "userAttributes": string(ab)}}, nil
}

// ChallengeInput is RespondToAuthChallenge's input.
type ChallengeInput struct {
	PoolID, ClientID, ChallengeName string
	Session                         string
	Responses                       map[string]string
	Admin                           bool
}

// RespondToAuthChallenge answers NEW_PASSWORD_REQUIRED: the new password
// replaces the temporary one, the user becomes CONFIRMED and gets tokens.
func (s *Service) RespondToAuthChallenge(ctx context.Context, in ChallengeInput) (AuthResult, error) {
	if err := Check(ClientIDField(in.ClientID)); err != nil {
		return AuthResult{}, err
	}
	if in.ChallengeName == "" {
		return AuthResult{}, awserr.New(InvalidParameter, "1 validation error detected: Value null at 'challengeName' failed to satisfy constraint: Member must not be null")
	}
	c, err := s.client(ctx, s.st, in.ClientID)
	if err != nil {
		return AuthResult{}, err
	}
	if in.Admin && c.PoolID != in.PoolID {
		return AuthResult{}, awserr.New(ResourceNotFound, "User pool client %s does not exist.", in.ClientID)
	}
	if in.ChallengeName != "NEW_PASSWORD_REQUIRED" {
		return AuthResult{}, awserr.New(InvalidParameter, "Challenge %s is not supported by iamgate; only NEW_PASSWORD_REQUIRED is", in.ChallengeName)
	}
	expired := awserr.New(NotAuthorized, "Invalid session for the user, session is expired.")
	if len(in.Session) < 20 {
		return AuthResult{}, expired
	}
	sess, err := get[session](ctx, s.st, kindSession, tokenHash(in.Session))
	if notFound(err) || err == nil && (sess.ClientID != c.ID || s.o.Now().After(sess.Expires)) {
		return AuthResult{}, expired
	}
	if err != nil {
		return AuthResult{}, err
	}
	name := in.Responses["USERNAME"]
	if name == "" {
		return AuthResult{}, awserr.New(InvalidParameter, "Missing required parameter USERNAME")
	}
	if err := s.checkSecretHash(c, name, in.Responses["SECRET_HASH"]); err != nil {
		return AuthResult{}, err
	}
	pw := in.Responses["NEW_PASSWORD"]
	if pw == "" {
		return AuthResult{}, awserr.New(InvalidParameter, "Missing required parameter NEW_PASSWORD")
	}
	p, err := s.pool(ctx, s.st, c.PoolID)
	if err != nil {
		return AuthResult{}, err
	}
	if err := p.PasswordPolicy.Check(pw); err != nil {
		return AuthResult{}, err
	}
	attrs := map[string]string{}
	for k, v := range in.Responses {
		if a, ok := strings.CutPrefix(k, "userAttributes."); ok {
			attrs[a] = v
		}
	}
	if err := checkAttributes(p, attrs); err != nil {
		return AuthResult{}, err
	}
	hash, err := s.hash(pw)
	if err != nil {
		return AuthResult{}, err
	}
	var u User
	err = s.st.Update(ctx, func(tx store.Tx) error {
		var err error
		if u, err = get[User](ctx, tx, kindUser, sess.UserKey); err != nil {
			return expired
		}
		if u.Username != sess.Username || (name != u.Username && !s.namesUser(p, u, name)) {
			return awserr.New(NotAuthorized, "Incorrect username or password.")
		}
		u.PasswordHash, u.Status, u.TempExpires = hash, StatusConfirmed, time.Time{}
		for k, v := range attrs {
			u.Attributes[k] = v
		}
		u.Modified = s.o.Now().UTC()
		if err := record.Put(ctx, tx, kindUser, sess.UserKey, u); err != nil {
			return err
		}
		return tx.Delete(ctx, kindSession, tokenHash(in.Session))
	})
	if err != nil {
		return AuthResult{}, err
	}
	t, err := s.issue(ctx, p, c, u, sess.UserKey, "", 0)
	if err != nil {
		return AuthResult{}, err
	}
	return AuthResult{Tokens: &t}, nil
}

// namesUser reports whether what a caller typed names u: its username
// (case-folded when the pool is case-insensitive) or a sign-in attribute.
func (s *Service) namesUser(p Pool, u User, name string) bool {
	if p.CaseInsensitive && strings.EqualFold(name, u.Username) {
		return true
	}
	for _, a := range p.UsernameAttributes {
		if v := u.Attributes[a]; v != "" && strings.EqualFold(v, name) {
			return true
		}
	}
	return false
}

// refresh runs REFRESH_TOKEN_AUTH: new id and access tokens of the same
// session, no new refresh token.
func (s *Service) refresh(ctx context.Context, p Pool, c Client, params map[string]string) (AuthResult, error) {
	tok := params["REFRESH_TOKEN"]
	if tok == "" {
		return AuthResult{}, awserr.New(InvalidParameter, "Missing required parameter REFRESH_TOKEN")
	}
	invalid := awserr.New(NotAuthorized, "Invalid Refresh Token")
	rec, err := get[refreshRecord](ctx, s.st, kindRefresh, tokenHash(tok))
	if notFound(err) || err == nil && (rec.ClientID != c.ID || rec.PoolID != p.ID) {
		return AuthResult{}, invalid
	}
	if err != nil {
		return AuthResult{}, err
	}
	if s.o.Now().After(rec.Expires) {
		return AuthResult{}, awserr.New(NotAuthorized, "Refresh Token has expired")
	}
	if b, _ := s.st.Get(ctx, kindRevoked, rec.OriginJTI); b != nil {
		return AuthResult{}, awserr.New(NotAuthorized, "Refresh Token has been revoked")
	}
	u, err := get[User](ctx, s.st, kindUser, rec.UserKey)
	if err != nil {
		return AuthResult{}, invalid
	}
	if len(c.SealedSecret) > 0 {
		name := params["USERNAME"]
		if name == "" {
			name = u.Username
		}
		if err := s.checkSecretHash(c, name, params["SECRET_HASH"]); err != nil {
			if err2 := s.checkSecretHash(c, u.Sub, params["SECRET_HASH"]); err2 != nil {
				return AuthResult{}, err
			}
		}
	}
	if !u.Enabled {
		return AuthResult{}, awserr.New(NotAuthorized, "User is disabled.")
	}
	t, err := s.issue(ctx, p, c, u, rec.UserKey, rec.OriginJTI, rec.AuthTime)
	if err != nil {
		return AuthResult{}, err
	}
	return AuthResult{Tokens: &t}, nil
}

// Lockout after repeated wrong passwords, as Cognito applies it: after five
// failures in a row a user is locked out for a second, doubling with each
// further failure up to about 15 minutes
// (https://docs.aws.amazon.com/cognito/latest/developerguide/authentication.html#authentication-flow-lockout-behavior).
const (
	freeFailures = 5
	maxLockout   = 15 * time.Minute
)

// countSignIn records a sign-in's outcome: a failure counts toward the
// lockout, a success clears it.
func (s *Service) countSignIn(ctx context.Context, p Pool, key string, ok bool) error {
	return s.st.Update(ctx, func(tx store.Tx) error {
		u, err := get[User](ctx, tx, kindUser, key)
		if err != nil {
			return err
		}
		if ok {
			u.FailedSignIns, u.LockedUntil = 0, time.Time{}
			return record.Put(ctx, tx, kindUser, key, u)
		}
		u.FailedSignIns++
		if n := u.FailedSignIns - freeFailures; n >= 0 {
			d := maxLockout
			if n < 20 {
				d = min(time.Duration(1<<n)*time.Second, maxLockout)
			}
			u.LockedUntil = s.o.Now().UTC().Add(d)
		}
		return record.Put(ctx, tx, kindUser, key, u)
	})
}
