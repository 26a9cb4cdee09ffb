package lambdaapi

import (
	"context"
	"regexp"
	"strings"

	"github.com/iamgate/iamgate/internal/arn"
	"github.com/iamgate/iamgate/internal/auth"
	"github.com/iamgate/iamgate/internal/awserr"
	"github.com/iamgate/iamgate/internal/controlplane/mount"
	"github.com/iamgate/iamgate/internal/iam"
)

// Roles reads an execution role's trust policy; *iam.Service satisfies it.
type Roles interface {
	GetRole(ctx context.Context, name string) (iam.Role, error)
}

const lambdaPrincipal = "lambda.amazonaws.com"

// roleRE is CreateFunction's pattern for Role
// (https://docs.aws.amazon.com/lambda/latest/api/API_CreateFunction.html).
var roleRE = regexp.MustCompile(`^arn:(aws[a-zA-Z-]*)?:iam::\d{12}:role/?[a-zA-Z_0-9+=,.@\-_/]+$`)

// passRole is what Lambda checks of the execution role a request gives
// (https://docs.aws.amazon.com/lambda/latest/dg/lambda-intro-execution-role.html):
// the caller may pass it to Lambda (iam:PassRole, iam:PassedToService
// lambda.amazonaws.com), and its trust policy lets lambda.amazonaws.com
// assume it, else "The role defined for the function cannot be assumed by
// Lambda." Without these a caller allowed lambda:CreateFunction would run
// code with any role's credentials.
func (c *call) passRole(role string) error {
	if !roleRE.MatchString(role) {
		return awserr.New(awserr.ValidationException, "1 validation error detected: Value '%s' at 'role' failed to satisfy constraint: Member must satisfy regular expression pattern: arn:(aws[a-zA-Z-]*)?:iam::\\d{12}:role/?[a-zA-Z_0-9+=,.@\\-_/]+", role)
	}
	if err := mount.Authorize(c.ctx, c.h.o.Authz, c.caller, auth.Request{Action: "iam:PassRole", Resource: role,
		Context: map[string][]string{"iam:PassedToService": {lambdaPrincipal}}}, awserr.AccessDeniedException); err != nil {
		return err
	}
	cannot := awserr.New(InvalidParameter, "The role defined for the function cannot be assumed by Lambda.")
	if c.h.o.Roles == nil {
		return cannot
	}
	r, err := c.h.o.Roles.GetRole(c.ctx, role[strings.LastIndexByte(role, '/')+1:])
	if err != nil || r.ARN != role {
		return cannot
	}
	// The trust check goes through the one authorizer, as Lambda itself
	// assuming the role: a trust policy that does not parse allows nothing.
	d, err := c.h.o.Authz.Authorize(c.ctx, auth.ServiceCaller(lambdaPrincipal), auth.TrustRequest(role, r.AssumeRolePolicy))
	if err != nil || !d.Allowed {
		return cannot
	}
	return nil
}

// readCode authorizes s3:GetObject on the code object as the caller:
// Lambda reads it with the caller's permissions, and answers a denial with
// "Your access has been denied by S3, please make sure your request
// credentials have permission to GetObject for BUCKET/KEY. S3 Error Code:
// AccessDenied. S3 Error Message: Access Denied".
func (c *call) readCode(bucket, key string) error {
	d, err := c.h.o.Authz.Authorize(c.ctx, c.caller, auth.Request{Action: "s3:GetObject", Resource: arn.S3Object(bucket, key)})
	if err != nil {
		return err
	}
	if !d.Allowed {
		return awserr.New(awserr.AccessDeniedException, "Your access has been denied by S3, please make sure your request credentials have permission to GetObject for %s/%s. S3 Error Code: AccessDenied. S3 Error Message: Access Denied", bucket, key)
	}
	return nil
}
