package controlplane

import (
	"context"
	"time"
)

// IAM is what the IAM and STS handlers need of the identity domain (package
// iam's Service). Every error is an *awserr.Error (NoSuchEntity,
// EntityAlreadyExists, LimitExceeded, ...), written to the client as is.
//
// The types below mirror package iam's planned ones; when iam lands they
// become aliases of its types.
type IAM interface {
	CreateUser(ctx context.Context, name, path string, tags map[string]string) (User, error)
	GetUser(ctx context.Context, name string) (User, error)
	ListUsers(ctx context.Context, pathPrefix string) ([]User, error)
	DeleteUser(ctx context.Context, name string) error
	CreateAccessKey(ctx context.Context, user string) (AccessKey, error)
	ListAccessKeys(ctx context.Context, user string) ([]AccessKeyMeta, error)
	UpdateAccessKey(ctx context.Context, user, accessKeyID, status string) error
	DeleteAccessKey(ctx context.Context, user, accessKeyID string) error
	GetRole(ctx context.Context, name string) (Role, error)
	CreateSession(ctx context.Context, roleARN, sessionName string, d time.Duration, sessionPolicy string) (Session, error)
	GetSessionToken(ctx context.Context, accessKeyID string, d time.Duration) (Session, error)
}

// User is an IAM user.
type User struct {
	Path       string
	UserName   string
	UserID     string
	ARN        string
	CreateDate time.Time
	Tags       map[string]string
}

// AccessKey is a new access key with its secret (CreateAccessKey only).
type AccessKey struct {
	UserName        string
	AccessKeyID     string
	SecretAccessKey string
	Status          string
	CreateDate      time.Time
}

// AccessKeyMeta is an access key without its secret.
type AccessKeyMeta struct {
	UserName    string
	AccessKeyID string
	Status      string
	CreateDate  time.Time
}

// Role is an IAM role.
type Role struct {
	Path                     string
	RoleName                 string
	RoleID                   string
	ARN                      string
	AssumeRolePolicyDocument string
	Description              string
	MaxSessionDuration       int // seconds
	CreateDate               time.Time
	Tags                     map[string]string
}

// Session is a set of temporary credentials (AssumeRole, GetSessionToken).
type Session struct {
	AccessKeyID     string
	SecretAccessKey string
	SessionToken    string
	Expiration      time.Time
	AssumedRoleID   string // AROA…:session; empty for GetSessionToken
	ARN             string // arn:aws:sts::A:assumed-role/R/S
}
