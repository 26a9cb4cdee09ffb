package cognito

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"strings"
	"time"

	"github.com/iamgate/iamgate/internal/awserr"
	"github.com/iamgate/iamgate/internal/seal"
	"github.com/iamgate/iamgate/internal/store"
	"github.com/iamgate/iamgate/internal/store/record"
)

// Client is an app client of a pool.
type Client struct {
	ID                string    `json:"id"`
	PoolID            string    `json:"poolId"`
	Name              string    `json:"name"`
	CreationDate      time.Time `json:"creationDate"`
	LastModifiedDate  time.Time `json:"lastModifiedDate"`
	ExplicitAuthFlows []string  `json:"explicitAuthFlows,omitempty"`
	// SealedSecret is the client secret sealed with the client id as
	// associated data; empty when the client has none.
	SealedSecret []byte `json:"sealedSecret,omitempty"`
	// Token lifetimes, in the TokenValidityUnits given (defaults: 60
	// minutes for access and id tokens, 30 days for refresh tokens).
	AccessTokenValidity  int           `json:"accessTokenValidity,omitempty"`
	IDTokenValidity      int           `json:"idTokenValidity,omitempty"`
	RefreshTokenValidity int           `json:"refreshTokenValidity,omitempty"`
	Units                ValidityUnits `json:"units"`
	// PreventUserExistenceErrors is ENABLED or LEGACY.
	PreventUserExistenceErrors string   `json:"preventUserExistenceErrors,omitempty"`
	AllowedOAuthFlows          []string `json:"allowedOAuthFlows,omitempty"`
	AllowedOAuthScopes         []string `json:"allowedOAuthScopes,omitempty"`
	AllowedOAuthFlowsUserPool  bool     `json:"allowedOAuthFlowsUserPoolClient,omitempty"`
	CallbackURLs               []string `json:"callbackURLs,omitempty"`
	LogoutURLs                 []string `json:"logoutURLs,omitempty"`
	SupportedIdentityProviders []string `json:"supportedIdentityProviders,omitempty"`
	ReadAttributes             []string `json:"readAttributes,omitempty"`
	WriteAttributes            []string `json:"writeAttributes,omitempty"`
	EnableTokenRevocation      bool     `json:"enableTokenRevocation"`
	AuthSessionValidity        int      `json:"authSessionValidity,omitempty"`
}

// ValidityUnits is TokenValidityUnits: seconds, minutes, hours or days.
type ValidityUnits struct {
	AccessToken  string `json:"accessToken,omitempty"`
	IDToken      string `json:"idToken,omitempty"`
	RefreshToken string `json:"refreshToken,omitempty"`
}

// ClientInput is what CreateUserPoolClient takes.
type ClientInput struct {
	Client
	GenerateSecret bool
}

// authFlows are ExplicitAuthFlowsType's values.
var authFlows = map[string]bool{"ADMIN_NO_SRP_AUTH": true, "CUSTOM_AUTH_FLOW_ONLY": true, "USER_PASSWORD_AUTH": true,
	"ALLOW_ADMIN_USER_PASSWORD_AUTH": true, "ALLOW_CUSTOM_AUTH": true, "ALLOW_USER_PASSWORD_AUTH": true,
	"ALLOW_USER_SRP_AUTH": true, "ALLOW_REFRESH_TOKEN_AUTH": true, "ALLOW_USER_AUTH": true}

// CreateClient creates an app client of a pool.
func (s *Service) CreateClient(ctx context.Context, in ClientInput) (Client, seal.Secret, error) {
	c := in.Client
	if err := Check(PoolIDField(c.PoolID), ClientNameField(c.Name)); err != nil {
		return Client{}, "", err
	}
	if err := checkClient(&c); err != nil {
		return Client{}, "", err
	}
	id, err := randomString(s.o.Rand, lowernum, 26)
	if err != nil {
		return Client{}, "", err
	}
	c.ID = id
	c.CreationDate = s.o.Now().UTC()
	c.LastModifiedDate = c.CreationDate
	var secret seal.Secret
	if in.GenerateSecret {
		raw, err := randomString(s.o.Rand, lowernum, 52)
		if err != nil {
			return Client{}, "", err
		}
		secret = seal.Secret(raw)
		if c.SealedSecret, err = s.o.Sealer.Seal([]byte(raw), []byte(c.ID)); err != nil {
			return Client{}, "", err
		}
	}
	err = s.st.Update(ctx, func(tx store.Tx) error {
		if _, err := s.pool(ctx, tx, c.PoolID); err != nil {
			return err
		}
		return record.Create(ctx, tx, kindClient, c.ID, c)
	})
	return c, secret, err
}

// checkClient validates a client's settings and fills defaults.
func checkClient(c *Client) error {
	for _, f := range c.ExplicitAuthFlows {
		if !authFlows[f] {
			return awserr.New(InvalidParameter, "1 validation error detected: Value '[%s]' at 'explicitAuthFlows' failed to satisfy constraint: Member must satisfy constraint: [Member must satisfy enum value set: [ADMIN_NO_SRP_AUTH, CUSTOM_AUTH_FLOW_ONLY, USER_PASSWORD_AUTH, ALLOW_ADMIN_USER_PASSWORD_AUTH, ALLOW_CUSTOM_AUTH, ALLOW_USER_PASSWORD_AUTH, ALLOW_USER_SRP_AUTH, ALLOW_REFRESH_TOKEN_AUTH, ALLOW_USER_AUTH]]", strings.Join(c.ExplicitAuthFlows, ", "))
		}
	}
	legacy, modern := false, false
	for _, f := range c.ExplicitAuthFlows {
		if strings.HasPrefix(f, "ALLOW_") {
			modern = true
		} else {
			legacy = true
		}
	}
	if legacy && modern {
		return awserr.New(InvalidParameter, "The combination of ExplicitAuthFlows is not allowed. Legacy values and ALLOW_ prefixed values cannot be combined.")
	}
	if len(c.ExplicitAuthFlows) == 0 {
		// Cognito's default for a client created without flows.
		c.ExplicitAuthFlows = []string{"ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_CUSTOM_AUTH"}
	}
	if c.PreventUserExistenceErrors == "" {
		c.PreventUserExistenceErrors = "LEGACY"
	}
	if c.PreventUserExistenceErrors != "LEGACY" && c.PreventUserExistenceErrors != "ENABLED" {
		return awserr.New(InvalidParameter, "1 validation error detected: Value '%s' at 'preventUserExistenceErrors' failed to satisfy constraint: Member must satisfy enum value set: [LEGACY, ENABLED]", c.PreventUserExistenceErrors)
	}
	for _, u := range []string{c.Units.AccessToken, c.Units.IDToken, c.Units.RefreshToken} {
		switch u {
		case "", "seconds", "minutes", "hours", "days":
		default:
			return awserr.New(InvalidParameter, "1 validation error detected: Value '%s' at 'tokenValidityUnits' failed to satisfy constraint: Member must satisfy enum value set: [seconds, minutes, hours, days]", u)
		}
	}
	if c.AccessTokenValidity == 0 {
		c.AccessTokenValidity, c.Units.AccessToken = 60, "minutes"
	}
	if c.IDTokenValidity == 0 {
		c.IDTokenValidity, c.Units.IDToken = 60, "minutes"
	}
	if c.RefreshTokenValidity == 0 {
		c.RefreshTokenValidity, c.Units.RefreshToken = 30, "days"
	}
	if c.Units.AccessToken == "" {
		c.Units.AccessToken = "hours"
	}
	if c.Units.IDToken == "" {
		c.Units.IDToken = "hours"
	}
	if c.Units.RefreshToken == "" {
		c.Units.RefreshToken = "days"
	}
	at, it, rt := validity(c.AccessTokenValidity, c.Units.AccessToken), validity(c.IDTokenValidity, c.Units.IDToken), validity(c.RefreshTokenValidity, c.Units.RefreshToken)
	switch {
	case at < 5*time.Minute || at > 24*time.Hour:
		return awserr.New(InvalidParameter, "Invalid range for token validity.")
	case it < 5*time.Minute || it > 24*time.Hour:
		return awserr.New(InvalidParameter, "Invalid range for token validity.")
	case rt < time.Hour || rt > 3650*24*time.Hour:
		return awserr.New(InvalidParameter, "Invalid range for token validity.")
	}
	if c.AuthSessionValidity == 0 {
		c.AuthSessionValidity = 3
	}
	return nil
}

func validity(n int, unit string) time.Duration {
	d := map[string]time.Duration{"seconds": time.Second, "minutes": time.Minute, "hours": time.Hour, "days": 24 * time.Hour}[unit]
	return time.Duration(n) * d
}

// Client returns an app client of a pool.
func (s *Service) Client(ctx context.Context, poolID, clientID string) (Client, error) {
	if err := Check(PoolIDField(poolID), ClientIDField(clientID)); err != nil {
		return Client{}, err
	}
	c, err := s.client(ctx, s.st, clientID)
	if err == nil && c.PoolID != poolID {
		return Client{}, awserr.New(ResourceNotFound, "User pool client %s does not exist.", clientID)
	}
	return c, err
}

func (s *Service) client(ctx context.Context, r store.Reader, id string) (Client, error) {
	c, err := get[Client](ctx, r, kindClient, id)
	if notFound(err) {
		return Client{}, awserr.New(ResourceNotFound, "User pool client %s does not exist.", id)
	}
	return c, err
}

// ClientSecret opens a client's secret ("" when it has none).
func (s *Service) ClientSecret(c Client) (seal.Secret, error) {
	if len(c.SealedSecret) == 0 {
		return "", nil
	}
	b, err := s.o.Sealer.Open(c.SealedSecret, []byte(c.ID))
	if err != nil {
		return "", err
	}
	return seal.Secret(b), nil
}

// ListClients returns a pool's clients.
func (s *Service) ListClients(ctx context.Context, poolID string) ([]Client, error) {
	if _, err := s.Pool(ctx, poolID); err != nil {
		return nil, err
	}
	return s.clients(ctx, s.st, poolID)
}

func (s *Service) clients(ctx context.Context, r store.Reader, poolID string) ([]Client, error) {
	all, err := record.List[Client](ctx, r, kindClient, "")
	if err != nil {
		return nil, err
	}
	var out []Client
	for _, c := range all {
		if c.PoolID == poolID {
			out = append(out, c)
		}
	}
	return out, nil
}

// UpdateClient changes a client's settings (its id, pool and secret stay).
func (s *Service) UpdateClient(ctx context.Context, poolID, clientID string, fn func(*Client)) (Client, error) {
	var out Client
	err := s.st.Update(ctx, func(tx store.Tx) error {
		c, err := s.client(ctx, tx, clientID)
		if err != nil {
			return err
		}
		if c.PoolID != poolID {
			return awserr.New(ResourceNotFound, "User pool client %s does not exist.", clientID)
		}
		keep := c
		fn(&c)
		c.ID, c.PoolID, c.SealedSecret, c.CreationDate = keep.ID, keep.PoolID, keep.SealedSecret, keep.CreationDate
		if err := checkClient(&c); err != nil {
			return err
		}
		c.LastModifiedDate = s.o.Now().UTC()
		out = c
		return record.Put(ctx, tx, kindClient, c.ID, c)
	})
	return out, err
}

// DeleteClient deletes a client.
func (s *Service) DeleteClient(ctx context.Context, poolID, clientID string) error {
	return s.st.Update(ctx, func(tx store.Tx) error {
		c, err := s.client(ctx, tx, clientID)
		if err != nil {
			return err
		}
		if c.PoolID != poolID {
			return awserr.New(ResourceNotFound, "User pool client %s does not exist.", clientID)
		}
		return tx.Delete(ctx, kindClient, clientID)
	})
}

// checkSecretHash enforces SECRET_HASH for a client with a secret:
// Base64(HMAC-SHA256(secret, username + clientId)), compared in constant
// time (https://docs.aws.amazon.com/cognito/latest/developerguide/signing-up-users-in-your-app.html#cognito-user-pools-computing-secret-hash).
func (s *Service) checkSecretHash(c Client, username, got string) error {
	if len(c.SealedSecret) == 0 {
		return nil
	}
	if got == "" {
		return awserr.New(NotAuthorized, "Client %s is configured for secret but secret was not received", c.ID)
	}
	secret, err := s.ClientSecret(c)
	if err != nil {
		return err
	}
	m := hmac.New(sha256.New, []byte(secret.Reveal()))
	m.Write([]byte(username + c.ID))
	want := base64.StdEncoding.EncodeToString(m.Sum(nil))
	if !hmac.Equal([]byte(want), []byte(got)) {
		return awserr.New(NotAuthorized, "Unable to verify secret hash for client %s", c.ID)
	}
	return nil
}

// allows reports whether a client enables an auth flow, legacy names
// included.
func (c Client) allows(flow string) bool {
	want := map[string][]string{
		"USER_PASSWORD_AUTH":       {"ALLOW_USER_PASSWORD_AUTH", "USER_PASSWORD_AUTH"},
		"ADMIN_USER_PASSWORD_AUTH": {"ALLOW_ADMIN_USER_PASSWORD_AUTH", "ADMIN_NO_SRP_AUTH"},
		"ADMIN_NO_SRP_AUTH":        {"ALLOW_ADMIN_USER_PASSWORD_AUTH", "ADMIN_NO_SRP_AUTH"},
		"REFRESH_TOKEN_AUTH":       {"ALLOW_REFRESH_TOKEN_AUTH"},
	}[flow]
	for _, f := range c.ExplicitAuthFlows {
		if hasString(want, f) {
			return true
		}
	}
	// Clients on legacy flow names always allow refresh.
	if flow == "REFRESH_TOKEN_AUTH" {
		for _, f := range c.ExplicitAuthFlows {
			if !strings.HasPrefix(f, "ALLOW_") {
				return true
			}
		}
	}
	return false
}
