package gateway

import (
	"context"
	"fmt"
	"strings"

	"github.com/iamgate/iamgate/internal/auth"
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
	callerCredentials   = ":user/*"
)

// FunctionPolicies gives a Lambda function's resource-based policy document
// (what AWS::Lambda::Permission and AddPermission built); "" means the
// function has none. functionARN may carry a qualifier.
type FunctionPolicies interface {
	FunctionPolicy(ctx context.Context, functionARN string) (doc string, err error)
}

// Roles lets API Gateway assume an integration role; *auth.Service
// satisfies it. The Decision is the trust policy's answer for the service;
// the Caller, when it allows, the role session to authorize as.
type Roles interface {
	ServiceRole(ctx context.Context, service, roleARN, sessionName string) (*auth.Caller, auth.Decision, error)
}

// permissionError says why API Gateway may not call the function.
type permissionError struct{ why string }

func (e *permissionError) Error() string { return e.why }

// checkInvokePermission decides whether API Gateway may call fn for c and
// appends its reasoning to c.trace. It returns a *permissionError when the
// answer is no, any other error when it could not decide.
func (g *Gateway) checkInvokePermission(c *call, fn string) error {
	return g.mayInvoke(c, fn, "integration", c.method.Integration.Credentials, g.methodARN(c))
}

// mayInvoke decides whether API Gateway may call fn for the integration or
// the authorizer (what) with credentials cred ("", the caller's, or a
// role) for sourceARN (the method ARN of an integration,
// .../authorizers/{id} of an authorizer).
func (g *Gateway) mayInvoke(c *call, fn, what, cred, sourceARN string) error {
	if g.o.FunctionPolicies == nil {
		c.trace.Integration = append(c.trace.Integration, "integration permissions are not checked (no function policies configured)")
		return nil
	}
	ctx := c.r.Context()
	fnPolicy, err := g.o.FunctionPolicies.FunctionPolicy(ctx, fn)
	if err != nil {
		return fmt.Errorf("function policy of %s: %w", fn, err)
	}
	switch {
	case cred == "":
		return g.checkServicePrincipal(c, fn, fnPolicy, what, sourceARN)
	case strings.HasPrefix(cred, "arn:") && strings.HasSuffix(cred, callerCredentials) && strings.Contains(cred, ":iam::*:"):
		return g.checkCaller(c, fn, fnPolicy, what+" credentials "+cred)
	default:
		return g.checkRole(c, fn, fnPolicy, what, cred)
	}
}

// invokeRequest is lambda:InvokeFunction on fn, with the function's
// resource-based policy. A qualified ARN (fn:live, fn:3) is the resource
// itself, with the alias's or version's own policy, as Lambda checks it: a
// permission on the function does not cover its aliases
// (https://docs.aws.amazon.com/lambda/latest/api/API_AddPermission.html,
// "If you use a qualifier, the invoker must use the full ARN of that
// version or alias").
func (g *Gateway) invokeRequest(fn, fnPolicy string) auth.Request {
	res := resourceARN(fn)
	req := auth.Request{Action: invokeFunction, Resource: res, ResourceAccount: g.o.AccountID}
	if fnPolicy != "" {
		req.ResourcePolicies = []auth.Policy{{Name: "resource policy of function " + res, Document: fnPolicy}}
	}
	return req
}

// resourceARN is the ARN IAM sees for an invocation of fn: unqualified for
// $LATEST, else the version or alias ARN.
func resourceARN(fn string) string {
	if strings.HasSuffix(fn, ":$LATEST") {
		return unqualified(fn)
	}
	return fn
}

// checkServicePrincipal evaluates the function policy for the API Gateway
// service principal, with the calling method as aws:SourceArn.
func (g *Gateway) checkServicePrincipal(c *call, fn, fnPolicy, what, sourceARN string) error {
	note := func(s string) { c.trace.Integration = append(c.trace.Integration, s) }
	note("no " + what + " credentials: the function's resource-based policy must allow " + apigatewayPrincipal + " " + invokeFunction)
	req := g.invokeRequest(fn, fnPolicy)
	// A service principal belongs to no account: the function's
	// resource-based policy alone decides, so no cross-account rule applies.
	req.ResourceAccount = ""
	req.Context = map[string][]string{"aws:SourceArn": {sourceARN}, "aws:SourceAccount": {g.o.AccountID}}
	note("aws:SourceArn = " + sourceARN)
	if fnPolicy == "" {
		note("the function has no resource-based policy")
	}
	return g.decide(c, auth.ServiceCaller(apigatewayPrincipal), req, "API Gateway ("+apigatewayPrincipal+") may not invoke "+fn+
		": no statement of the function's resource-based policy allows it for "+sourceARN)
}

// checkCaller asks the authorizer whether the verified caller may invoke
// the function (credentials arn:aws:iam::*:user/*).
func (g *Gateway) checkCaller(c *call, fn, fnPolicy, credentials string) error {
	c.trace.Integration = append(c.trace.Integration, credentials+
		": the caller's own credentials must allow "+invokeFunction)
	if c.caller == nil || c.caller.Type == "Anonymous" {
		return &permissionError{"integration uses the caller's credentials but the request is anonymous"}
	}
	d, err := g.record(c, c.caller, g.invokeRequest(fn, fnPolicy))
	if err != nil || d.Allowed {
		return err
	}
	return &permissionError{d.Message + d.Because}
}

// checkRole checks that API Gateway can assume roleARN and that the role
// may invoke the function.
func (g *Gateway) checkRole(c *call, fn, fnPolicy, what, roleARN string) error {
	c.trace.Integration = append(c.trace.Integration, what+" credentials "+roleARN+
		": API Gateway assumes the role, which must allow "+invokeFunction)
	if g.o.Roles == nil {
		return &permissionError{"integration role " + roleARN + " cannot be assumed: no role lookup configured"}
	}
	role, trust, err := g.o.Roles.ServiceRole(c.r.Context(), apigatewayPrincipal, roleARN, c.requestID)
	if err != nil {
		return &permissionError{"integration role " + roleARN + " cannot be assumed: " + err.Error()}
	}
	c.trace.Checks = append(c.trace.Checks, checkOf(apigatewayPrincipal, "sts:AssumeRole", roleARN, trust))
	if !trust.Allowed {
		return &permissionError{"API Gateway (" + apigatewayPrincipal + ") may not assume " + roleARN + ": its trust policy does not allow sts:AssumeRole"}
	}
	return g.decide(c, role, g.invokeRequest(fn, fnPolicy), "role "+roleARN+" may not invoke "+fn)
}

// decide authorizes req for caller, records the check, and turns a deny
// into a *permissionError saying denied.
func (g *Gateway) decide(c *call, caller *auth.Caller, req auth.Request, denied string) error {
	d, err := g.record(c, caller, req)
	if err != nil || d.Allowed {
		return err
	}
	return &permissionError{denied}
}

// record authorizes req for caller and keeps the decision in the trace.
func (g *Gateway) record(c *call, caller *auth.Caller, req auth.Request) (auth.Decision, error) {
	d, err := g.o.Authz.Authorize(c.r.Context(), caller, req)
	if err != nil {
		return d, err
	}
	c.trace.Checks = append(c.trace.Checks, checkOf(caller.ARN, req.Action, req.Resource, d))
	return d, nil
}

// unqualified drops a version or alias qualifier from a function ARN.
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
