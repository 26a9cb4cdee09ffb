package cfnapi

import (
	"time"

	"github.com/iamgate/iamgate/internal/auth"
	"github.com/iamgate/iamgate/internal/awserr"
	"github.com/iamgate/iamgate/internal/controlplane/mount"
	"github.com/iamgate/iamgate/internal/controlplane/query"
	"github.com/iamgate/iamgate/internal/stack"
)

// Options configure the CloudFormation service. Authz is required; a nil
// Stacks answers every operation with InternalFailure. Region (in
// mount.Options) is the server's: stack ARNs name it.
type Options struct {
	Stacks stack.Backend
	Authz  auth.Authorizer
	Now    func() time.Time
	mount.Options
}

// call is one request to an operation of this service.
type call struct {
	*query.Call
	o *Options
}

type op func(c *call) (any, error)

// New returns CloudFormation (version 2010-05-15) as a query service to
// mount under the signing name "cloudformation".
func New(o Options) *query.Service {
	if o.Now == nil {
		o.Now = time.Now
	}
	o.Options = o.Options.Filled()
	svc := &query.Service{Name: "cloudformation", Namespace: awserr.CloudFormationNamespace, Errors: awserr.CloudFormation, Version: "2010-05-15",
		Authz: o.Authz, Now: o.Now, Options: o.Options,
		Ops: query.Bind(ops, func(qc *query.Call) *call { return &call{Call: qc, o: &o} })}
	return svc
}
