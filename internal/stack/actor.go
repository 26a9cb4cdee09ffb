package stack

import (
	"context"
	"errors"
	"strings"

	"github.com/iamgate/iamgate/internal/auth"
	"github.com/iamgate/iamgate/internal/awserr"
	"github.com/iamgate/iamgate/internal/iam"
)

// Whose authority a stack operation uses, as CloudFormation decides it
// (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-iam-servicerole.html):
// without a service role every resource call is made with the caller's own
// permissions (a forward access session); with one (RoleARN, kept with the
// stack and reused by later operations), the caller must be allowed
// iam:PassRole on it, its trust policy must let cloudformation.amazonaws.com
// assume it, and the calls are made as the session
// arn:aws:sts::ACCOUNT:assumed-role/ROLE/AWSCloudFormation.

const (
	cloudFormationPrincipal = "cloudformation.amazonaws.com"
	// serviceRoleSession is the session name CloudFormation uses with a
	// service role, as CloudTrail and denials show it
	// (https://github.com/aws-solutions/aws-waf-security-automations/issues/33).
	serviceRoleSession = "AWSCloudFormation"
)

// Authorizer decides whether a principal may make a call; *auth.Service
// satisfies it. The engine asks it before every call a provider makes.
type Authorizer interface {
	Authorize(ctx context.Context, c *auth.Caller, req auth.Request) (auth.Decision, error)
}

// RoleSessions gives the principal of a session of a role, as a service
// that takes the role acts; *auth.Service satisfies it.
type RoleSessions interface {
	RoleCaller(ctx context.Context, roleARN, sessionName string) (*auth.Caller, error)
}

// roleLookup reads a role (its trust policy); *iam.Service satisfies it.
type roleLookup interface {
	GetRole(ctx context.Context, name string) (iam.Role, error)
}

type callerKey struct{}

// WithCaller returns ctx carrying the verified caller a stack operation acts
// for. Every Backend method that reads or deploys a template needs one;
// without it the operation is refused.
func WithCaller(ctx context.Context, c *auth.Caller) context.Context {
	return context.WithValue(ctx, callerKey{}, c)
}

func callerFrom(ctx context.Context) *auth.Caller {
	c, _ := ctx.Value(callerKey{}).(*auth.Caller)
	return c
}

// principal is a caller as the engine records it with a stack operation, so
// that a deployment running after the API call returned (or resumed after a
// restart) still acts as whoever started it. It holds no secret: the access
// key id only names the caller's key or session for policy lookup.
type principal struct {
	ARN         string `json:"arn"`
	AccessKeyID string `json:"accessKeyId,omitempty"`
	AccountID   string `json:"accountId"`
	UserID      string `json:"userId,omitempty"`
	Username    string `json:"username,omitempty"`
	Type        string `json:"type"`
}

func principalOf(c *auth.Caller) *principal {
	if c == nil {
		return nil
	}
	return &principal{ARN: c.ARN, AccessKeyID: c.AccessKeyID, AccountID: c.AccountID, UserID: c.UserID,
		Username: c.Username, Type: c.Type}
}

func (p *principal) caller() *auth.Caller {
	return &auth.Caller{ARN: p.ARN, AccessKeyID: p.AccessKeyID, AccountID: p.AccountID, UserID: p.UserID,
		Username: p.Username, Type: p.Type}
}

// actor is who the providers' calls are authorized as.
type actor struct {
	caller *auth.Caller
	authz  Authorizer
}

type actorKey struct{}

func withActor(ctx context.Context, a *actor) context.Context {
	return context.WithValue(ctx, actorKey{}, a)
}

// errNoCaller refuses an operation that names nobody to act for.
var errNoCaller = errors.New("stack: no caller to act for")

// actAs returns ctx whose provider calls are authorized as the stack's
// service role when roleARN is set, else as p.
func (e *Engine) actAs(ctx context.Context, p *principal, roleARN string) (context.Context, error) {
	if e.authz == nil {
		return nil, errors.New("stack: no authorizer configured")
	}
	if roleARN != "" {
		if e.sessions == nil {
			return nil, awserr.New(awserr.ValidationError, "Role %s is invalid or cannot be assumed", roleARN)
		}
		c, err := e.sessions.RoleCaller(ctx, roleARN, serviceRoleSession)
		if err != nil {
			return nil, awserr.New(awserr.ValidationError, "Role %s is invalid or cannot be assumed", roleARN)
		}
		return withActor(ctx, &actor{caller: c, authz: e.authz}), nil
	}
	if p == nil {
		return nil, errNoCaller
	}
	return withActor(ctx, &actor{caller: p.caller(), authz: e.authz}), nil
}

// actAsCaller is actAs for the caller in ctx (an API call in progress).
func (e *Engine) actAsCaller(ctx context.Context, roleARN string) (context.Context, error) {
	return e.actAs(ctx, principalOf(callerFrom(ctx)), roleARN)
}

// checkServiceRole is what CloudFormation checks when a request names a
// service role (or uses the one kept with the stack): the caller may pass
// it, and CloudFormation may assume it.
func (e *Engine) checkServiceRole(ctx context.Context, roleARN string) error {
	if roleARN == "" {
		return nil
	}
	if len(roleARN) < 20 || len(roleARN) > 2048 {
		return awserr.New(awserr.ValidationError, "1 validation error detected: Value '%s' at 'roleARN' failed to satisfy constraint: Member must have length greater than or equal to 20", roleARN)
	}
	name, ok := roleName(roleARN)
	if !ok || !strings.HasPrefix(roleARN, "arn:aws:iam::"+e.account+":role/") {
		return awserr.New(awserr.ValidationError, "%s is not a valid RoleARN", roleARN)
	}
	c := callerFrom(ctx)
	if c == nil {
		return errNoCaller
	}
	if e.authz == nil {
		return errors.New("stack: no authorizer configured")
	}
	d, err := e.authz.Authorize(ctx, c, auth.Request{Action: "iam:PassRole", Resource: roleARN,
		Context: map[string][]string{"iam:PassedToService": {cloudFormationPrincipal}}})
	if err != nil {
		return err
	}
	if !d.Allowed {
		return &awserr.Error{Code: awserr.AccessDenied, Message: denialText(c, "iam:PassRole", roleARN, d)}
	}
	invalid := awserr.New(awserr.ValidationError, "Role %s is invalid or cannot be assumed", roleARN)
	if e.roles == nil {
		return invalid
	}
	role, err := e.roles.GetRole(ctx, name)
	if err != nil || role.ARN != roleARN || !e.serviceMayAssume(ctx, role, cloudFormationPrincipal) {
		return invalid
	}
	return nil
}

// serviceMayAssume asks the authorizer whether role's trust policy lets the
// service principal assume it; a policy that does not parse allows nothing.
func (e *Engine) serviceMayAssume(ctx context.Context, role iam.Role, service string) bool {
	d, err := e.authz.Authorize(ctx, auth.ServiceCaller(service), auth.TrustRequest(role.ARN, role.AssumeRolePolicy))
	return err == nil && d.Allowed
}

// roleName is the name part of a role ARN (after the last slash of its path).
func roleName(roleARN string) (string, bool) {
	i := strings.Index(roleARN, ":role/")
	if i < 0 {
		return "", false
	}
	name := roleARN[strings.LastIndexByte(roleARN, '/')+1:]
	return name, name != ""
}

// denialText is AWS's AccessDenied message for c denied action on resource
// (as the service names the resource in its message).
func denialText(c *auth.Caller, action, resource string, d auth.Decision) string {
	return "User: " + c.ARN + " is not authorized to perform: " + action + " on resource: " + resource + d.Because
}
