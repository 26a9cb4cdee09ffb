package server

import (
	"context"
	"time"

	"github.com/iamgate/iamgate/internal/controlplane"
	"github.com/iamgate/iamgate/internal/iam"
)

// iamAPI presents the IAM domain in the control plane's shapes.
type iamAPI struct{ *iam.Service }

var _ controlplane.IAM = iamAPI{}

func cpUser(u iam.User) controlplane.User {
	return controlplane.User{Path: u.Path, UserName: u.Name, UserID: u.UserID, ARN: u.ARN, CreateDate: u.Created, Tags: u.Tags}
}

func (a iamAPI) CreateUser(ctx context.Context, name, path string, tags map[string]string) (controlplane.User, error) {
	u, err := a.Service.CreateUser(ctx, name, path, tags)
	return cpUser(u), err
}

func (a iamAPI) GetUser(ctx context.Context, name string) (controlplane.User, error) {
	u, err := a.Service.GetUser(ctx, name)
	return cpUser(u), err
}

func (a iamAPI) ListUsers(ctx context.Context, prefix string) ([]controlplane.User, error) {
	us, err := a.Service.ListUsers(ctx, prefix)
	out := make([]controlplane.User, len(us))
	for i, u := range us {
		out[i] = cpUser(u)
	}
	return out, err
}

func (a iamAPI) CreateAccessKey(ctx context.Context, user string) (controlplane.AccessKey, error) {
	k, err := a.Service.CreateAccessKey(ctx, user)
	return controlplane.AccessKey{UserName: k.UserName, AccessKeyID: k.AccessKeyID, SecretAccessKey: k.Secret.Reveal(),
		Status: k.Status, CreateDate: k.Created}, err
}

func (a iamAPI) ListAccessKeys(ctx context.Context, user string) ([]controlplane.AccessKeyMeta, error) {
	ks, err := a.Service.ListAccessKeys(ctx, user)
	out := make([]controlplane.AccessKeyMeta, len(ks))
	for i, k := range ks {
		out[i] = controlplane.AccessKeyMeta{UserName: k.UserName, AccessKeyID: k.AccessKeyID, Status: k.Status, CreateDate: k.Created}
	}
	return out, err
}

func cpRole(r iam.Role) controlplane.Role {
	return controlplane.Role{Path: r.Path, RoleName: r.Name, RoleID: r.RoleID, ARN: r.ARN, AssumeRolePolicyDocument: r.AssumeRolePolicy,
		Description: r.Description, MaxSessionDuration: int(r.MaxSessionDuration / time.Second), CreateDate: r.Created, Tags: r.Tags}
}

func (a iamAPI) GetRole(ctx context.Context, name string) (controlplane.Role, error) {
	r, err := a.Service.GetRole(ctx, name)
	return cpRole(r), err
}

func cpSession(s iam.Session) controlplane.Session {
	return controlplane.Session{AccessKeyID: s.AccessKeyID, SecretAccessKey: s.Secret.Reveal(), SessionToken: s.SessionToken.Reveal(),
		Expiration: s.Expires, AssumedRoleID: s.AssumedRoleID, ARN: s.AssumedRoleARN}
}

func (a iamAPI) CreateSession(ctx context.Context, roleARN, name string, d time.Duration, policy string) (controlplane.Session, error) {
	s, err := a.Service.CreateSession(ctx, roleARN, name, d, policy)
	return cpSession(s), err
}

func (a iamAPI) GetSessionToken(ctx context.Context, id string, d time.Duration) (controlplane.Session, error) {
	s, err := a.Service.GetSessionToken(ctx, id, d)
	return cpSession(s), err
}
