package controlplane

import (
	"context"
	"time"

	"github.com/iamgate/iamgate/internal/iam"
)

// IAM is what the IAM and STS handlers need of the identity domain;
// *iam.Service satisfies it. Every error is an *awserr.Error (NoSuchEntity,
// EntityAlreadyExists, LimitExceeded, ...), written to the client as is.
type IAM interface {
	CreateUser(ctx context.Context, name, path string, tags map[string]string) (iam.User, error)
	GetUser(ctx context.Context, name string) (iam.User, error)
	ListUsers(ctx context.Context, pathPrefix string) ([]iam.User, error)
	DeleteUser(ctx context.Context, name string) error
	CreateAccessKey(ctx context.Context, user string) (iam.AccessKey, error)
	ListAccessKeys(ctx context.Context, user string) ([]iam.AccessKeyMeta, error)
	UpdateAccessKey(ctx context.Context, user, accessKeyID, status string) error
	DeleteAccessKey(ctx context.Context, user, accessKeyID string) error
	GetRole(ctx context.Context, name string) (iam.Role, error)
	CreateSession(ctx context.Context, roleARN, sessionName string, d time.Duration, sessionPolicy string) (iam.Session, error)
	GetSessionToken(ctx context.Context, accessKeyID string, d time.Duration) (iam.Session, error)
}

var _ IAM = (*iam.Service)(nil)

type (
	// User is iam's user.
	User = iam.User
	// Role is iam's role.
	Role = iam.Role
	// Session is iam's temporary credentials.
	Session = iam.Session
	// AccessKey is iam's new access key with its sealed secret.
	AccessKey = iam.AccessKey
	// AccessKeyMeta is iam's access key without the secret.
	AccessKeyMeta = iam.AccessKeyMeta
)
