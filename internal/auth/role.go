package auth

import (
	"context"

	"github.com/iamgate/iamgate/internal/iam"
)

// serviceType is the Caller.Type of an AWS service principal.
const serviceType = "Service"

// RoleCaller is the caller a service acting as roleARN presents, for
// example CloudFormation with a stack's service role: a session of the role
// named sessionName, arn:aws:sts::ACCOUNT:assumed-role/NAME/SESSION.
// Authorize on it evaluates the role's policies and permissions boundary as
// for any session of that role. It issues no credentials, and checks
// neither iam:PassRole nor the trust policy: ServiceRole checks the trust
// policy; the service that takes the role checks iam:PassRole.
func (s *Service) RoleCaller(ctx context.Context, roleARN, sessionName string) (*Caller, error) {
	p, err := s.ids.RoleSessionPrincipal(ctx, roleARN, sessionName)
	if err != nil {
		return nil, err
	}
	return callerOfPrincipal(p, ""), nil
}

// ServiceCaller is an AWS service principal ("apigateway.amazonaws.com",
// "lambda.amazonaws.com") as a caller: it has no identity policies, so only
// a resource-based policy that names the service (a function policy, a
// role's trust policy) can allow it.
func ServiceCaller(service string) *Caller {
	return &Caller{ARN: service, Type: serviceType, identity: &iam.Principal{ARN: service, Type: serviceType}}
}

// ServiceRole is the caller service becomes by assuming roleARN for a
// session named sessionName: the role's trust policy must allow service
// sts:AssumeRole. The Decision is that trust check; when it does not allow,
// the Caller is nil. An unknown role is an error (iam's NoSuchEntity).
func (s *Service) ServiceRole(ctx context.Context, service, roleARN, sessionName string) (*Caller, Decision, error) {
	p, err := s.ids.RoleSessionPrincipal(ctx, roleARN, sessionName)
	if err != nil {
		return nil, Decision{}, err
	}
	d, err := s.Authorize(ctx, ServiceCaller(service), TrustRequest(roleARN, p.Trust))
	if err != nil || !d.Allowed {
		return nil, d, err
	}
	return callerOfPrincipal(p, ""), d, nil
}

// TrustRequest is the question "may the caller assume roleARN", answered by
// the role's trust policy trustPolicy: a resource-based policy that must
// itself allow the caller. Ask it with Authorize, for an IAM caller or for
// ServiceCaller(service) when a service takes a role it is passed (Lambda
// for an execution role, CloudFormation for a service role).
// https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_terms-and-concepts.html#iam-term-trust-policy
func TrustRequest(roleARN, trustPolicy string) Request {
	return Request{Action: "sts:AssumeRole", Resource: roleARN,
		ResourcePolicies: []Policy{{Name: "trust policy of " + roleARN, Document: trustPolicy}}, ResourceMustAllow: true}
}

// callerOfPrincipal is the Caller of a resolved principal.
func callerOfPrincipal(p iam.Principal, accessKeyID string) *Caller {
	// One allocation for the caller and the principal it keeps.
	both := &struct {
		c Caller
		p iam.Principal
	}{p: p}
	both.c = newCaller(&both.p, accessKeyID)
	return &both.c
}

// newCaller is the Caller of p, which it keeps.
func newCaller(p *iam.Principal, accessKeyID string) Caller {
	return Caller{AccessKeyID: accessKeyID, ARN: p.ARN, AccountID: p.AccountID, UserID: p.UserID,
		Username: p.Username, Type: p.Type, identity: p}
}
