package auth

import (
	"context"

	"github.com/iamgate/iamgate/internal/iam"
)

// RoleCaller is the caller a service acting as roleARN presents, for
// example CloudFormation with a stack's service role: a session of the role
// named sessionName, arn:aws:sts::ACCOUNT:assumed-role/NAME/SESSION.
// Authorize on it evaluates the role's policies and permissions boundary as
// for any session of that role. It issues no credentials, and checks
// neither iam:PassRole nor the trust policy: the service that takes the
// role decides those first.
func (s *Service) RoleCaller(ctx context.Context, roleARN, sessionName string) (*Caller, error) {
	p, err := s.ids.RoleSessionPrincipal(ctx, roleARN, sessionName)
	if err != nil {
		return nil, err
	}
	return callerOfPrincipal(p, ""), nil
}

// callerOfPrincipal is the Caller of a resolved principal.
func callerOfPrincipal(p iam.Principal, accessKeyID string) *Caller {
	return &Caller{AccessKeyID: accessKeyID, ARN: p.ARN, AccountID: p.AccountID, UserID: p.UserID,
		Username: p.Username, Type: p.Type, identity: &p}
}
