package gateway

import (
	"context"
	"crypto/sha256"
	"fmt"
	"strings"
	"sync"

	"github.com/iamgate/iamgate/internal/auth"
	"github.com/iamgate/iamgate/internal/iampolicy"
)

// How API Gateway may call a Lambda function, as AWS decides it
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/permissions.html
// and https://docs.aws.amazon.com/apigateway/latest/developerguide/integration-request-basic-setup.html):
//   - no integration credentials: the function's resource-based policy must
//     allow apigateway.amazonaws.com lambda:InvokeFunction for the calling
//     method (aws:SourceArn);
//   - credentials arn:aws:iam::*:user/* (SAM's CALLER_CREDENTIALS): API
//     Gateway calls Lambda with the caller's own credentials, so the caller
//     needs lambda:InvokeFunction too;
//   - a role ARN: API Gateway assumes the role, so its trust policy must let
//     apigateway.amazonaws.com sts:AssumeRole and the role must be allowed
//     lambda:InvokeFunction.
//
// Each failure is AWS's 500 {"message": "Internal server error"} to the
// client; the server log and the trace say why.

const (
	apigatewayPrincipal = "apigateway.amazonaws.com"
	invokeFunction      = "lambda:InvokeFunction"
	assumeRole          = "sts:AssumeRole"
	callerCredentials   = ":user/*"
)

// FunctionPolicies gives a Lambda function's resource-based policy document
// (what AWS::Lambda::Permission and AddPermission built); "" means the
// function has none. functionARN may carry a qualifier.
type FunctionPolicies interface {
	FunctionPolicy(ctx context.Context, functionARN string) (doc string, err error)
}

// Roles gives what API Gateway needs to assume an integration role.
type Roles interface {
	Role(ctx context.Context, roleARN string) (Role, error)
}

// Role is an IAM role as integration credentials see it.
type Role struct {
	ARN       string
	AccountID string
	RoleID    string // AROA…
	Trust     string // the trust policy document
	Policies  []auth.Policy
	Boundary  *auth.Policy
	Tags      map[string]string
}

// permissionError says why API Gateway may not call the function.
type permissionError struct{ why string }

func (e *permissionError) Error() string { return e.why }

// checkInvokePermission decides whether API Gateway may call fn for c and
// appends its reasoning to c.trace. It returns a *permissionError when the
// answer is no, any other error when it could not decide.
func (g *Gateway) checkInvokePermission(c *call, fn string) error {
	if g.o.FunctionPolicies == nil {
		c.trace.Integration = append(c.trace.Integration, "integration permissions are not checked (no function policies configured)")
		return nil
	}
	ctx := c.r.Context()
	fnPolicy, err := g.o.FunctionPolicies.FunctionPolicy(ctx, fn)
	if err != nil {
		return fmt.Errorf("function policy of %s: %w", fn, err)
	}
	cred := c.method.Integration.Credentials
	switch {
	case cred == "":
		return g.checkServicePrincipal(c, fn, fnPolicy)
	case strings.HasPrefix(cred, "arn:") && strings.HasSuffix(cred, callerCredentials) && strings.Contains(cred, ":iam::*:"):
		return g.checkCaller(c, fn, fnPolicy)
	default:
		return g.checkRole(c, fn, fnPolicy, cred)
	}
}

// checkServicePrincipal evaluates the function policy for the API Gateway
// service principal, with the calling method as aws:SourceArn.
func (g *Gateway) checkServicePrincipal(c *call, fn, fnPolicy string) error {
	note := func(s string) { c.trace.Integration = append(c.trace.Integration, s) }
	note("no integration credentials: the function's resource-based policy must allow " + apigatewayPrincipal + " " + invokeFunction)
	sourceARN := g.methodARN(c)
	req := &iampolicy.Request{
		Principal: iampolicy.Principal{Type: iampolicy.TypeService, ARN: apigatewayPrincipal},
		// A service principal belongs to no account: the function's
		// resource-based policy alone decides, so no cross-account rule applies.
		Action: invokeFunction, Resource: unqualified(fn),
		Context: map[string][]string{"aws:SourceArn": {sourceARN}, "aws:SourceAccount": {g.o.AccountID}},
	}
	note("aws:SourceArn = " + sourceARN)
	var set iampolicy.Set
	if fnPolicy != "" {
		p, err := g.policy(fnPolicy, iampolicy.ResourcePolicy)
		if err != nil {
			return fmt.Errorf("function policy of %s: %w", fn, err)
		}
		set.Resource = []iampolicy.Named{{Name: "resource policy of function " + unqualified(fn), Policy: p}}
	} else {
		note("the function has no resource-based policy")
	}
	return g.decide(c, req, set, "API Gateway ("+apigatewayPrincipal+") may not invoke "+fn+
		": no statement of the function's resource-based policy allows it for "+sourceARN)
}

// checkCaller asks the authorizer whether the verified caller may invoke
// the function (credentials arn:aws:iam::*:user/*).
func (g *Gateway) checkCaller(c *call, fn, fnPolicy string) error {
	note := func(s string) { c.trace.Integration = append(c.trace.Integration, s) }
	note("integration credentials " + c.method.Integration.Credentials + ": the caller's own credentials must allow " + invokeFunction)
	if c.caller == nil || c.caller.Type == "Anonymous" {
		return &permissionError{"integration uses the caller's credentials but the request is anonymous"}
	}
	req := auth.Request{Action: invokeFunction, Resource: unqualified(fn), ResourceAccount: g.o.AccountID}
	if fnPolicy != "" {
		req.ResourcePolicies = []auth.Policy{{Name: "resource policy of function " + unqualified(fn), Document: fnPolicy}}
	}
	d, err := g.o.Authz.Authorize(c.r.Context(), c.caller, req)
	if err != nil {
		return err
	}
	for _, s := range d.Trace {
		note("  " + s)
	}
	if d.Allowed {
		note(invokeFunction + " allowed for " + c.caller.ARN)
		return nil
	}
	return &permissionError{d.Message + d.Because}
}

// checkRole checks that API Gateway can assume roleARN and that the role
// may invoke the function.
func (g *Gateway) checkRole(c *call, fn, fnPolicy, roleARN string) error {
	note := func(s string) { c.trace.Integration = append(c.trace.Integration, s) }
	note("integration credentials " + roleARN + ": API Gateway assumes the role, which must allow " + invokeFunction)
	if g.o.Roles == nil {
		return &permissionError{"integration role " + roleARN + " cannot be assumed: no role lookup configured"}
	}
	role, err := g.o.Roles.Role(c.r.Context(), roleARN)
	if err != nil {
		return &permissionError{"integration role " + roleARN + " cannot be assumed: " + err.Error()}
	}
	trust, err := g.policy(role.Trust, iampolicy.TrustPolicy)
	if err != nil {
		return fmt.Errorf("trust policy of %s: %w", roleARN, err)
	}
	assume := &iampolicy.Request{
		Principal: iampolicy.Principal{Type: iampolicy.TypeService, ARN: apigatewayPrincipal},
		Action:    assumeRole, Resource: roleARN,
	}
	if err := g.decide(c, assume, iampolicy.Set{Resource: []iampolicy.Named{{Name: "trust policy of " + roleARN, Policy: trust}}},
		"API Gateway ("+apigatewayPrincipal+") may not assume "+roleARN+": its trust policy does not allow "+assumeRole); err != nil {
		return err
	}
	name := roleARN[strings.LastIndexByte(roleARN, '/')+1:]
	invoke := &iampolicy.Request{
		Principal: iampolicy.Principal{Type: iampolicy.TypeAssumedRole, ARN: "arn:aws:sts::" + role.AccountID + ":assumed-role/" + name + "/" + c.requestID,
			AccountID: role.AccountID, UserID: role.RoleID + ":" + c.requestID, Tags: role.Tags, SourceIdentityARN: roleARN},
		Action: invokeFunction, Resource: unqualified(fn), ResourceAccount: g.o.AccountID,
	}
	set, err := g.roleSet(role, fn, fnPolicy)
	if err != nil {
		return err
	}
	return g.decide(c, invoke, set, "role "+roleARN+" may not invoke "+fn)
}

func (g *Gateway) roleSet(role Role, fn, fnPolicy string) (iampolicy.Set, error) {
	var set iampolicy.Set
	for _, p := range role.Policies {
		pol, err := g.policy(p.Document, iampolicy.IdentityPolicy)
		if err != nil {
			return set, fmt.Errorf("%s: %w", p.Name, err)
		}
		set.Identity = append(set.Identity, iampolicy.Named{Name: p.Name, Policy: pol})
	}
	if role.Boundary != nil {
		pol, err := g.policy(role.Boundary.Document, iampolicy.PermissionsBoundary)
		if err != nil {
			return set, fmt.Errorf("%s: %w", role.Boundary.Name, err)
		}
		set.Boundary = &iampolicy.Named{Name: role.Boundary.Name, Policy: pol}
	}
	if fnPolicy != "" {
		pol, err := g.policy(fnPolicy, iampolicy.ResourcePolicy)
		if err != nil {
			return set, err
		}
		set.Resource = []iampolicy.Named{{Name: "resource policy of function " + unqualified(fn), Policy: pol}}
	}
	return set, nil
}

// decide evaluates req, records the steps, and turns a deny into a
// *permissionError saying denied.
func (g *Gateway) decide(c *call, req *iampolicy.Request, set iampolicy.Set, denied string) error {
	d := iampolicy.Evaluate(req, set)
	for _, st := range d.Trace {
		c.trace.Integration = append(c.trace.Integration, "  "+st.String())
	}
	c.trace.Integration = append(c.trace.Integration, req.Action+" on "+req.Resource+": "+d.Effect.String()+": "+d.Reason)
	if d.Effect == iampolicy.Allow {
		return nil
	}
	return &permissionError{denied}
}

// unqualified drops a version or alias qualifier from a function ARN: a
// function's policy statements name the unqualified ARN.
func unqualified(fn string) string {
	i := strings.Index(fn, ":function:")
	if i < 0 {
		return fn
	}
	rest := fn[i+len(":function:"):]
	if j := strings.IndexByte(rest, ':'); j >= 0 {
		return fn[:i+len(":function:")+j]
	}
	return fn
}

// policyCache keeps parsed documents by content; documents are immutable
// values, so a hash names one parse.
type policyCache struct {
	mu sync.Mutex
	m  map[[32]byte]*iampolicy.Policy
}

const policyCacheSize = 1024

func (g *Gateway) policy(doc string, kind iampolicy.Kind) (*iampolicy.Policy, error) {
	key := sha256.Sum256(append([]byte{byte(kind)}, doc...))
	g.policies.mu.Lock()
	p, ok := g.policies.m[key]
	g.policies.mu.Unlock()
	if ok {
		return p, nil
	}
	p, err := iampolicy.Parse([]byte(doc), kind)
	if err != nil {
		return nil, err
	}
	g.policies.mu.Lock()
	if len(g.policies.m) >= policyCacheSize {
		clear(g.policies.m)
	}
	g.policies.m[key] = p
	g.policies.mu.Unlock()
	return p, nil
}
