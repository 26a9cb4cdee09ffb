package cognitoapi

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"

	"github.com/iamgate/iamgate/internal/auth"
	"github.com/iamgate/iamgate/internal/awserr"
	"github.com/iamgate/iamgate/internal/cognito"
	"github.com/iamgate/iamgate/internal/controlplane/jsonproto"
	"github.com/iamgate/iamgate/internal/controlplane/mount"
	"github.com/iamgate/iamgate/internal/seal"
	"github.com/iamgate/iamgate/internal/sigv4"
)

// Pools is what the handler needs from package cognito; *cognito.Service
// satisfies it.
type Pools interface {
	CreatePool(ctx context.Context, p cognito.Pool) (cognito.Pool, error)
	Pool(ctx context.Context, id string) (cognito.Pool, error)
	UpdatePool(ctx context.Context, id string, fn func(*cognito.Pool) error) (cognito.Pool, error)
	ListPools(ctx context.Context) ([]cognito.Pool, error)
	DeletePool(ctx context.Context, id string) error
	PoolARN(id string) string
	Issuer(id string) string
	JWKS(ctx context.Context, poolID string) ([]cognito.JWK, error)

	CreateClient(ctx context.Context, in cognito.ClientInput) (cognito.Client, seal.Secret, error)
	Client(ctx context.Context, poolID, clientID string) (cognito.Client, error)
	ClientSecret(c cognito.Client) (seal.Secret, error)
	ListClients(ctx context.Context, poolID string) ([]cognito.Client, error)
	UpdateClient(ctx context.Context, poolID, clientID string, fn func(*cognito.Client)) (cognito.Client, error)
	DeleteClient(ctx context.Context, poolID, clientID string) error

	CreateGroup(ctx context.Context, g cognito.Group) (cognito.Group, error)
	Group(ctx context.Context, poolID, name string) (cognito.Group, error)
	Groups(ctx context.Context, poolID string) ([]cognito.Group, error)
	DeleteGroup(ctx context.Context, poolID, name string) error

	SignUp(ctx context.Context, in cognito.SignUpInput) (cognito.SignUpResult, error)
	ConfirmSignUp(ctx context.Context, clientID, username, code, secretHash string) error
	AdminConfirmSignUp(ctx context.Context, poolID, username string) error
	AdminCreateUser(ctx context.Context, in cognito.AdminCreateUserInput) (cognito.User, error)
	AdminSetUserPassword(ctx context.Context, poolID, username, password string, permanent bool) error
	AdminGetUser(ctx context.Context, poolID, username string) (cognito.User, error)
	AdminSetUserEnabled(ctx context.Context, poolID, username string, enabled bool) error
	AdminUpdateUserAttributes(ctx context.Context, poolID, username string, attrs map[string]string) error
	AdminDeleteUser(ctx context.Context, poolID, username string) error
	AdminAddUserToGroup(ctx context.Context, poolID, username, group string) error
	AdminRemoveUserFromGroup(ctx context.Context, poolID, username, group string) error
	Users(ctx context.Context, poolID string) ([]cognito.User, error)

	InitiateAuth(ctx context.Context, in cognito.AuthInput) (cognito.AuthResult, error)
	RespondToAuthChallenge(ctx context.Context, in cognito.ChallengeInput) (cognito.AuthResult, error)
	GetUser(ctx context.Context, accessToken string) (cognito.User, error)
	GlobalSignOut(ctx context.Context, accessToken string) error
	ChangePassword(ctx context.Context, accessToken, previous, proposed string) error
	ForgotPassword(ctx context.Context, clientID, username, secretHash string) (*cognito.Delivery, error)
	ConfirmForgotPassword(ctx context.Context, clientID, username, code, password, secretHash string) error
	ResendConfirmationCode(ctx context.Context, clientID, username, secretHash string) (*cognito.Delivery, error)
}

var _ Pools = (*cognito.Service)(nil)

// Options configures a Handler. Pools and Authz are required.
type Options struct {
	Pools Pools
	Authz auth.Authorizer
	mount.Options
}

// Handler serves the Cognito Identity Provider API. Mount it in
// controlplane.Options.Services["cognito-idp"] with Anonymous set.
type Handler struct {
	o   Options
	log *slog.Logger
	ep  *jsonproto.Endpoint
}

// New returns a Handler.
func New(o Options) *Handler {
	o.Options = o.Options.Filled()
	log := o.Logger.With("component", "cognitoapi")
	return &Handler{o: o, log: log, ep: &jsonproto.Endpoint{Name: "cognito", TargetPrefix: TargetPrefix, ContentType: contentType,
		MaxBody: maxBody, Errors: awserr.Cognito, Log: log,
		TooLarge: func(int) error { return awserr.New(cognito.InvalidParameter, "Request body is over %d bytes", maxBody) }}}
}

const (
	// TargetPrefix starts the X-Amz-Target of every operation.
	TargetPrefix = "AWSCognitoIdentityProviderService."
	contentType  = "application/x-amz-json-1.1"
	maxBody      = 1 << 20
)

type call struct {
	h      *Handler
	ctx    context.Context
	caller *auth.Caller
	op     string // the operation being served, as X-Amz-Target names it
}

type operation struct {
	run func(c *call, body []byte) (any, error)
	// public operations are unsigned: the client id or access token in
	// the body authorizes them.
	public bool
}

// ServeHTTP decodes X-Amz-Target and runs the operation.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if poolID, doc, ok := WellKnown(r); ok {
		h.serveWellKnown(w, r, poolID, doc)
		return
	}
	caller, reqID := h.o.Request(r.Context())
	h.ep.Serve(w, r, reqID, caller.ARN, func(name string) (jsonproto.Op, error) {
		op, found := ops[name]
		if !found {
			return nil, nil
		}
		if !op.public && caller.Type == auth.Anonymous.Type {
			return nil, awserr.FromSigV4(&sigv4.Error{Reason: sigv4.MissingAuthentication}, awserr.JSON)
		}
		c := &call{h: h, ctx: r.Context(), caller: caller, op: name}
		return func(body []byte) (any, error) { return op.run(c, body) }, nil
	})
}

// decode reads an operation's input; a body that is not a JSON object of
// the right shape is SerializationException, as the JSON protocol answers.
func decode(body []byte, v any) error {
	if len(bytes.TrimSpace(body)) == 0 {
		return nil
	}
	if err := json.Unmarshal(body, v); err != nil {
		return awserr.New(awserr.SerializationException, "")
	}
	return nil
}

// authorize asks IAM whether the caller may run action on resource.
func (c *call) authorize(action, resource string) error {
	return mount.Authorize(c.ctx, c.h.o.Authz, c.caller, auth.Request{Action: "cognito-idp:" + action, Resource: resource},
		awserr.AccessDeniedException)
}

// pooled makes fn, an operation on one user pool, an operation: the input
// is decoded, the operation being served is authorized on the pool it
// names, then checks run on the input (in order), then fn.
func pooled[In any, P interface {
	*In
	pool() string
}](fn func(c *call, in *In) (any, error), checks ...func(*In) error) func(*call, []byte) (any, error) {
	return func(c *call, body []byte) (any, error) {
		in := new(In)
		if err := decode(body, in); err != nil {
			return nil, err
		}
		if err := c.onPool(c.op, P(in).pool()); err != nil {
			return nil, err
		}
		for _, check := range checks {
			if err := check(in); err != nil {
				return nil, err
			}
		}
		return fn(c, in)
	}
}

// pool is the UserPoolId each pooled operation's input names.
func (in *adminUserInput) pool() string { return in.UserPoolID }
func (in *authInput) pool() string      { return in.UserPoolID }
func (in *challengeInput) pool() string { return in.UserPoolID }
func (in *clientInput) pool() string    { return in.UserPoolID }
func (in *groupInput) pool() string     { return in.UserPoolID }
func (in *listInput) pool() string      { return in.UserPoolID }
func (in *poolIDInput) pool() string    { return in.UserPoolID }
func (in *poolInput) pool() string      { return in.UserPoolID }

// onPool authorizes action on a pool's ARN.
func (c *call) onPool(action, poolID string) error {
	if err := cognito.Check(cognito.PoolIDField(poolID)); err != nil {
		return err
	}
	return c.authorize(action, c.h.o.Pools.PoolARN(poolID))
}
