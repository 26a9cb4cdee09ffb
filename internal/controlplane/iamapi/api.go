package iamapi

import (
	"maps"
	"time"

	"github.com/iamgate/iamgate/internal/auth"
	"github.com/iamgate/iamgate/internal/awserr"
	"github.com/iamgate/iamgate/internal/controlplane/mount"
	"github.com/iamgate/iamgate/internal/controlplane/query"
)

// Options configure the IAM service. Authz is required; a nil IAM answers
// every operation with ServiceFailure.
type Options struct {
	IAM   IAM
	Authz auth.Authorizer
	// Evaluator answers the policy simulator with the engine Authz uses
	// (*auth.Service satisfies both); nil uses a fresh auth.Evaluator.
	Evaluator Evaluator
	Now       func() time.Time
	mount.Options
}

// call is one request to an operation of this service.
type call struct {
	*query.Call
	o *Options
}

type op func(c *call) (any, error)

// New returns IAM (version 2010-05-08) as a query service to mount under
// the signing name "iam".
func New(o Options) *query.Service {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Evaluator == nil {
		o.Evaluator = auth.NewEvaluator()
	}
	o.Options = o.Options.Filled()
	ops := map[string]op{}
	maps.Copy(ops, userOps)
	maps.Copy(ops, iamAdminOps) // groups, policies, roles, tags, simulation
	svc := &query.Service{Name: "iam", Namespace: awserr.IAMNamespace, Errors: awserr.IAM, Version: "2010-05-08", Global: true,
		Authz: o.Authz, Now: o.Now, Options: o.Options,
		Ops: query.Bind(ops, func(qc *query.Call) *call { return &call{Call: qc, o: &o} })}
	return svc
}
