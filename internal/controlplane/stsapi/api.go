package stsapi

import (
	"context"
	"time"

	"github.com/iamgate/iamgate/internal/auth"
	"github.com/iamgate/iamgate/internal/awserr"
	"github.com/iamgate/iamgate/internal/controlplane/mount"
	"github.com/iamgate/iamgate/internal/controlplane/query"
	"github.com/iamgate/iamgate/internal/iam"
)

// Sessions is what STS needs of the identity domain; *iam.Service
// satisfies it.
type Sessions interface {
	GetRole(ctx context.Context, name string) (iam.Role, error)
	CreateSession(ctx context.Context, roleARN, sessionName string, d time.Duration, sessionPolicy string) (iam.Session, error)
	GetSessionToken(ctx context.Context, accessKeyID string, d time.Duration) (iam.Session, error)
}

var _ Sessions = (*iam.Service)(nil)

// Options configure the STS service. Authz is required; a nil IAM answers
// every operation that needs it with ServiceFailure.
type Options struct {
	IAM   Sessions
	Authz auth.Authorizer
	Now   func() time.Time
	mount.Options
}

// call is one request to an operation of this service.
type call struct {
	*query.Call
	o *Options
}

type op func(c *call) (any, error)

// New returns STS (version 2011-06-15) as a query service to mount under
// the signing name "sts".
func New(o Options) *query.Service {
	if o.Now == nil {
		o.Now = time.Now
	}
	o.Options = o.Options.Filled()
	svc := &query.Service{Name: "sts", Namespace: awserr.STSNamespace, Errors: awserr.STS, Version: "2011-06-15", Global: true,
		Authz: o.Authz, Now: o.Now, Options: o.Options,
		Ops: query.Bind(ops, func(qc *query.Call) *call { return &call{Call: qc, o: &o} })}
	return svc
}

func (c *call) iam() (Sessions, error) {
	if c.o.IAM == nil {
		return nil, awserr.New(awserr.ServiceFailure, "IAM is not available")
	}
	return c.o.IAM, nil
}
