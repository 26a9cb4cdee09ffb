// Package iam is iamgate's IAM identity domain: users, groups, roles, access
// keys, inline and managed policies (with versions and a small embedded set of
// AWS managed policies), permissions boundaries, tags, the account root key,
// and STS session credentials. It stores everything through a store.Store and
// seals every secret (access-key secrets, session secrets and tokens) with a
// seal.Sealer, using the access key id as associated data; the plaintext
// secret leaves this package only through CreateAccessKey, EnsureRootKey,
// CreateSession, GetSessionToken and LookupKey.
//
// Errors are *awserr.Error values with IAM's own codes and messages
// (NoSuchEntity, EntityAlreadyExists, DeleteConflict, LimitExceeded,
// ValidationError, MalformedPolicyDocument), as documented in
// https://docs.aws.amazon.com/IAM/latest/APIReference/CommonErrors.html and
// each action's page; names are unique case-insensitively, as IAM's
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html
// says. Every change that touches more than one record runs in one store
// transaction.
//
// It does not evaluate policies (package iampolicy does, through Principal's
// documents), does not verify signatures (sigv4 asks LookupKey), and does not
// speak any wire protocol (controlplane does). It does not decide who may call
// sts:AssumeRole: the caller evaluates the role's trust policy (GetRole) before
// CreateSession.
package iam
