package cognito

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"io"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/google/uuid"
	"github.com/iamgate/iamgate/internal/awserr"
	"github.com/iamgate/iamgate/internal/seal"
	"github.com/iamgate/iamgate/internal/store"
	"github.com/iamgate/iamgate/internal/store/record"
)

// AdminScope is the scope of access tokens from the API sign-in flows.
const AdminScope = "aws.cognito.signin.user.admin"

// Tokens is an AuthenticationResult.
type Tokens struct {
	AccessToken  seal.Secret
	IDToken      seal.Secret
	RefreshToken seal.Secret // empty after REFRESH_TOKEN_AUTH
	ExpiresIn    int         // seconds the access token lives
	TokenType    string      // "Bearer"
}

// refreshRecord is what a refresh token stands for, stored under the
// SHA-256 of the token.
type refreshRecord struct {
	PoolID    string    `json:"poolId"`
	ClientID  string    `json:"clientId"`
	UserKey   string    `json:"userKey"`
	OriginJTI string    `json:"originJti"`
	AuthTime  int64     `json:"authTime"`
	Expires   time.Time `json:"expires"`
}

func tokenHash(tok string) string {
	sum := sha256.Sum256([]byte(tok))
	return hex.EncodeToString(sum[:])
}

// opaque returns a random URL-safe token of n random bytes.
func opaque(r io.Reader, n int) (string, error) {
	b := make([]byte, n)
	if _, err := io.ReadFull(r, b); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// issue signs an id and an access token for u through client c. A zero
// originJTI starts a new session (and a refresh token); otherwise the
// session's origin_jti and auth_time are kept, as a refresh does.
func (s *Service) issue(ctx context.Context, p Pool, c Client, u User, userKey, originJTI string, authTime int64) (Tokens, error) {
	key, err := s.signingKey(ctx, p)
	if err != nil {
		return Tokens{}, err
	}
	now := s.o.Now().UTC()
	fresh := originJTI == ""
	if fresh {
		originJTI, authTime = s.uuid(), now.Unix()
	}
	groups := s.tokenGroups(ctx, u)
	accessLife := validity(c.AccessTokenValidity, c.Units.AccessToken)
	idLife := validity(c.IDTokenValidity, c.Units.IDToken)
	access := jwt.MapClaims{
		"sub": u.Sub, "iss": s.Issuer(p.ID), "client_id": c.ID, "origin_jti": originJTI, "event_id": s.uuid(),
		"token_use": "access", "scope": AdminScope, "auth_time": authTime, "exp": now.Add(accessLife).Unix(),
		"iat": now.Unix(), "jti": s.uuid(), "username": u.Username,
	}
	id := jwt.MapClaims{
		"sub": u.Sub, "iss": s.Issuer(p.ID), "cognito:username": u.Username, "origin_jti": originJTI, "aud": c.ID,
		"event_id": s.uuid(), "token_use": "id", "auth_time": authTime, "exp": now.Add(idLife).Unix(),
		"iat": now.Unix(), "jti": s.uuid(),
	}
	if len(groups) > 0 {
		access["cognito:groups"], id["cognito:groups"] = groups, groups
	}
	for name, v := range u.Attributes {
		if name == "email_verified" || name == "phone_number_verified" {
			id[name] = v == "true"
			continue
		}
		id[name] = v
	}
	at, err := sign(access, p.KeyID, key)
	if err != nil {
		return Tokens{}, err
	}
	it, err := sign(id, p.KeyID, key)
	if err != nil {
		return Tokens{}, err
	}
	out := Tokens{AccessToken: seal.Secret(at), IDToken: seal.Secret(it), ExpiresIn: int(accessLife / time.Second), TokenType: "Bearer"}
	if !fresh {
		return out, nil
	}
	rt, err := opaque(s.o.Rand, 48)
	if err != nil {
		return Tokens{}, err
	}
	rec := refreshRecord{PoolID: p.ID, ClientID: c.ID, UserKey: userKey, OriginJTI: originJTI, AuthTime: authTime,
		Expires: now.Add(validity(c.RefreshTokenValidity, c.Units.RefreshToken))}
	if err := record.Put(ctx, s.st, kindRefresh, tokenHash(rt), rec); err != nil {
		return Tokens{}, err
	}
	out.RefreshToken = seal.Secret(rt)
	return out, nil
}

func (s *Service) uuid() string {
	id, err := uuid.NewRandomFromReader(s.o.Rand)
	if err != nil {
		return uuid.NewString()
	}
	return id.String()
}

// sign writes a JWS with Cognito's header: kid and alg only.
func sign(claims jwt.MapClaims, kid string, key any) (string, error) {
	t := jwt.NewWithClaims(jwt.SigningMethodRS256, claims)
	t.Header = map[string]any{"kid": kid, "alg": "RS256"}
	return t.SignedString(key)
}

// AccessClaims are the claims of a verified access token.
type AccessClaims struct {
	PoolID, ClientID, Username, Sub string
	Scopes                          []string
	OriginJTI                       string
}

// VerifyAccessToken checks an access token of one of this service's pools
// as GetUser does: signature by the pool's key, token_use access, expiry.
func (s *Service) VerifyAccessToken(ctx context.Context, tok string) (AccessClaims, error) {
	invalid := awserr.New(NotAuthorized, "Invalid Access Token")
	var claims jwt.MapClaims
	parsed, err := jwt.ParseWithClaims(tok, &claims, func(t *jwt.Token) (any, error) {
		iss, _ := claims["iss"].(string)
		poolID, ok := s.PoolOfIssuer(iss)
		if !ok {
			return nil, errors.New("issuer of another region or service")
		}
		keys, err := s.PublicKeys(ctx, poolID)
		if err != nil {
			return nil, err
		}
		kid, _ := t.Header["kid"].(string)
		if k := keys[kid]; k != nil {
			return k, nil
		}
		return nil, errors.New("unknown kid")
	}, jwt.WithValidMethods([]string{"RS256"}), jwt.WithTimeFunc(s.o.Now), jwt.WithExpirationRequired())
	if errors.Is(err, jwt.ErrTokenExpired) {
		return AccessClaims{}, awserr.New(NotAuthorized, "Access Token has expired")
	}
	if err != nil || !parsed.Valid || claims["token_use"] != "access" {
		return AccessClaims{}, invalid
	}
	iss, _ := claims["iss"].(string)
	poolID, _ := s.PoolOfIssuer(iss)
	out := AccessClaims{PoolID: poolID}
	out.ClientID, _ = claims["client_id"].(string)
	out.Username, _ = claims["username"].(string)
	out.Sub, _ = claims["sub"].(string)
	out.OriginJTI, _ = claims["origin_jti"].(string)
	if sc, _ := claims["scope"].(string); sc != "" {
		out.Scopes = strings.Fields(sc)
	}
	if revoked, _ := s.st.Get(ctx, kindRevoked, out.OriginJTI); revoked != nil {
		return AccessClaims{}, awserr.New(NotAuthorized, "Access Token has been revoked")
	}
	return out, nil
}

const kindRevoked = "cognito/revoked"

// GetUser returns the user an access token names.
func (s *Service) GetUser(ctx context.Context, accessToken string) (User, error) {
	ac, err := s.VerifyAccessToken(ctx, accessToken)
	if err != nil {
		return User{}, err
	}
	p, err := s.pool(ctx, s.st, ac.PoolID)
	if err != nil {
		return User{}, awserr.New(NotAuthorized, "Invalid Access Token")
	}
	u, _, err := s.findUser(ctx, s.st, p, ac.Username)
	if err != nil || u.Sub != ac.Sub {
		return User{}, awserr.New(NotAuthorized, "User does not exist.")
	}
	return u, nil
}

// GlobalSignOut revokes the session of an access token: its refresh token
// and every token of the session (same origin_jti) stop working.
func (s *Service) GlobalSignOut(ctx context.Context, accessToken string) error {
	ac, err := s.VerifyAccessToken(ctx, accessToken)
	if err != nil {
		return err
	}
	return s.st.Update(ctx, func(tx store.Tx) error {
		return tx.Put(ctx, kindRevoked, ac.OriginJTI, []byte(`{}`))
	})
}
