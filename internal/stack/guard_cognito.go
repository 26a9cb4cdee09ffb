package stack

import (
	"context"

	"github.com/iamgate/iamgate/internal/cognito"
	"github.com/iamgate/iamgate/internal/seal"
)

// CognitoPools is what the AWS::Cognito::* providers need; *cognito.Service
// satisfies it.
type CognitoPools interface {
	CreatePool(ctx context.Context, p cognito.Pool) (cognito.Pool, error)
	UpdatePool(ctx context.Context, id string, fn func(*cognito.Pool) error) (cognito.Pool, error)
	DeletePool(ctx context.Context, id string) error
	PoolARN(id string) string
	Issuer(id string) string
	CreateClient(ctx context.Context, in cognito.ClientInput) (cognito.Client, seal.Secret, error)
	UpdateClient(ctx context.Context, poolID, clientID string, fn func(*cognito.Client)) (cognito.Client, error)
	ClientSecret(c cognito.Client) (seal.Secret, error)
	DeleteClient(ctx context.Context, poolID, clientID string) error
	CreateGroup(ctx context.Context, g cognito.Group) (cognito.Group, error)
	UpdateGroup(ctx context.Context, g cognito.Group) (cognito.Group, error)
	DeleteGroup(ctx context.Context, poolID, name string) error
	AdminCreateUser(ctx context.Context, in cognito.AdminCreateUserInput) (cognito.User, error)
	AdminDeleteUser(ctx context.Context, poolID, username string) error
	AdminAddUserToGroup(ctx context.Context, poolID, username, group string) error
	AdminRemoveUserFromGroup(ctx context.Context, poolID, username, group string) error
}

var _ CognitoPools = (*cognito.Service)(nil)

// cognitoGuard authorizes each call as cognito-idp:ACTION on the pool ARN
// (CreateUserPool on "*", as the service authorization reference lists it).
type cognitoGuard struct{ in CognitoPools }

var _ CognitoPools = (*cognitoGuard)(nil)

func (g *cognitoGuard) on(ctx context.Context, action, poolID string) error {
	resource := "*"
	if poolID != "" {
		resource = g.in.PoolARN(poolID)
	}
	return allow(ctx, svcCognito, "cognito-idp:"+action, resource, "", nil)
}

func (g *cognitoGuard) CreatePool(ctx context.Context, p cognito.Pool) (cognito.Pool, error) {
	if err := g.on(ctx, "CreateUserPool", ""); err != nil {
		return cognito.Pool{}, err
	}
	return g.in.CreatePool(ctx, p)
}

func (g *cognitoGuard) UpdatePool(ctx context.Context, id string, fn func(*cognito.Pool) error) (cognito.Pool, error) {
	if err := g.on(ctx, "UpdateUserPool", id); err != nil {
		return cognito.Pool{}, err
	}
	return g.in.UpdatePool(ctx, id, fn)
}

func (g *cognitoGuard) DeletePool(ctx context.Context, id string) error {
	if err := g.on(ctx, "DeleteUserPool", id); err != nil {
		return err
	}
	return g.in.DeletePool(ctx, id)
}

func (g *cognitoGuard) PoolARN(id string) string { return g.in.PoolARN(id) }
func (g *cognitoGuard) Issuer(id string) string  { return g.in.Issuer(id) }

func (g *cognitoGuard) CreateClient(ctx context.Context, in cognito.ClientInput) (cognito.Client, seal.Secret, error) {
	if err := g.on(ctx, "CreateUserPoolClient", in.PoolID); err != nil {
		return cognito.Client{}, "", err
	}
	return g.in.CreateClient(ctx, in)
}

func (g *cognitoGuard) UpdateClient(ctx context.Context, poolID, clientID string, fn func(*cognito.Client)) (cognito.Client, error) {
	if err := g.on(ctx, "UpdateUserPoolClient", poolID); err != nil {
		return cognito.Client{}, err
	}
	return g.in.UpdateClient(ctx, poolID, clientID, fn)
}

func (g *cognitoGuard) ClientSecret(c cognito.Client) (seal.Secret, error) {
	return g.in.ClientSecret(c)
}

func (g *cognitoGuard) DeleteClient(ctx context.Context, poolID, clientID string) error {
	if err := g.on(ctx, "DeleteUserPoolClient", poolID); err != nil {
		return err
	}
	return g.in.DeleteClient(ctx, poolID, clientID)
}

func (g *cognitoGuard) CreateGroup(ctx context.Context, gr cognito.Group) (cognito.Group, error) {
	if err := g.on(ctx, "CreateGroup", gr.PoolID); err != nil {
		return cognito.Group{}, err
	}
	return g.in.CreateGroup(ctx, gr)
}

func (g *cognitoGuard) UpdateGroup(ctx context.Context, gr cognito.Group) (cognito.Group, error) {
	if err := g.on(ctx, "UpdateGroup", gr.PoolID); err != nil {
		return cognito.Group{}, err
	}
	return g.in.UpdateGroup(ctx, gr)
}

func (g *cognitoGuard) DeleteGroup(ctx context.Context, poolID, name string) error {
	if err := g.on(ctx, "DeleteGroup", poolID); err != nil {
		return err
	}
	return g.in.DeleteGroup(ctx, poolID, name)
}

func (g *cognitoGuard) AdminCreateUser(ctx context.Context, in cognito.AdminCreateUserInput) (cognito.User, error) {
	if err := g.on(ctx, "AdminCreateUser", in.PoolID); err != nil {
		return cognito.User{}, err
	}
	return g.in.AdminCreateUser(ctx, in)
}

func (g *cognitoGuard) AdminDeleteUser(ctx context.Context, poolID, username string) error {
	if err := g.on(ctx, "AdminDeleteUser", poolID); err != nil {
		return err
	}
	return g.in.AdminDeleteUser(ctx, poolID, username)
}

func (g *cognitoGuard) AdminAddUserToGroup(ctx context.Context, poolID, username, group string) error {
	if err := g.on(ctx, "AdminAddUserToGroup", poolID); err != nil {
		return err
	}
	return g.in.AdminAddUserToGroup(ctx, poolID, username, group)
}

func (g *cognitoGuard) AdminRemoveUserFromGroup(ctx context.Context, poolID, username, group string) error {
	if err := g.on(ctx, "AdminRemoveUserFromGroup", poolID); err != nil {
		return err
	}
	return g.in.AdminRemoveUserFromGroup(ctx, poolID, username, group)
}
